import CLua
import Lunet

extension LuaCall {
    /// The options table at `index` (absent means empty), checked against
    /// `declaration`: unknown keys, wrong types and values out of range are
    /// errors worded by `OptionProblem`, defaults are filled in.
    public func options(_ index: Int32, declaredBy declaration: Declaration) throws -> OptionValues {
        guard !isNoneOrNil(index) else { return try declaration.check([:]) }
        guard lua_type(L, index) == LUA_TTABLE, case .table(let table) = try value(index) else {
            throw typeError(index, expected: "options table")
        }
        return try OptionValues.checking(table, declaredBy: declaration)
    }

    /// Arguments from `index` on by `declaration.positional` (one with a
    /// default may be left out before the options table), then the options
    /// table: the checked values, and where the table was. A positional
    /// argument that does not fit is a `bad argument #n` error.
    public func arguments(from index: Int32, declaredBy declaration: Declaration) throws -> (values: OptionValues, optionsIndex: Int32) {
        var given: [String: OptionValue] = [:]
        var positions: [String: Int32] = [:]
        var index = index
        for name in declaration.positional {
            if declaration.option(name)?.defaultValue != nil, isNoneOrNil(index) || type(at: index) == LUA_TTABLE { break }
            given[name] = OptionValue(try value(index), typeName: typeName(at: index))
            positions[name] = index
            index += 1
        }
        var table = LuaTable()
        if !isNoneOrNil(index) {
            guard lua_type(L, index) == LUA_TTABLE, case .table(let read) = try value(index) else {
                throw typeError(index, expected: "options table")
            }
            table = read
        }
        guard table.array.isEmpty else { throw OptionProblem(declaration.subject, option: "", reason: .notNamed).error }
        for (key, value) in table.fields {
            if positions[key] != nil || declaration.positional.contains(key) {
                throw OptionProblem(declaration.subject, option: key, reason: .unknown(known: declaration.tableOptions.map(\.name))).error
            }
            given[key] = OptionValue(value)
        }
        do {
            return (try declaration.check(given), index)
        } catch let error as LunetError {
            guard let problem = error.optionProblem, let position = positions[problem.option] else { throw error }
            let words = OptionProblem(problem.subject, option: problem.option, reason: problem.reason, context: .argument)
            throw argumentError(position, words.error.phrased(by: LuaPhrasing()))
        }
    }
}

extension OptionValues {
    /// `table`'s named entries checked against `declaration`.
    static func checking(_ table: LuaTable, declaredBy declaration: Declaration) throws -> OptionValues {
        guard table.array.isEmpty else { throw OptionProblem(declaration.subject, option: "", reason: .notNamed).error }
        return try declaration.check(table.fields.mapValues { OptionValue($0) })
    }

    /// A Lua function option, nil when absent.
    public func function(_ name: String) -> LuaReference? {
        if case .function(let function as LuaReference)? = values[name] { function } else { nil }
    }
}

extension OptionValue {
    /// A Lua value as an option value: plain values as they are, lists of
    /// plain values as lists, named tables as nested options, lunet objects
    /// unwrapped from their boxes (a dataset, a sampler), functions opaque.
    init(_ value: LuaValue, typeName: String? = nil) {
        switch value {
        case .nil: self = .object((), typeName: typeName ?? "nil")
        case .boolean(let b): self = .value(.bool(b))
        case .integer(let n): self = .value(.int(n))
        case .number(let x): self = .value(.double(x))
        case .string(let s): self = .value(.string(s))
        case .table(let table): self = Self.table(table)
        case .tensor(let tensor): self = .object(tensor.unwrapped, typeName: typeName ?? value.typeName)
        case .object(let object): self = .object(Self.unboxed(object), typeName: typeName ?? value.typeName)
        case .function(let function): self = .function(function)
        case .opaque(let name): self = .object((), typeName: name)
        }
    }

    private static func table(_ table: LuaTable) -> OptionValue {
        if table.fields.isEmpty {
            let items = table.array.compactMap { item -> ConfigurationValue? in
                if case .value(let plain) = OptionValue(item) { plain } else { nil }
            }
            if items.count == table.array.count { return table.array.isEmpty ? .table([:]) : .value(.list(items)) }
        } else if table.array.isEmpty {
            return .table(table.fields.mapValues { OptionValue($0) })
        }
        return .object(table, typeName: "table")
    }

    /// The engine object a box holds.
    private static func unboxed(_ object: AnyObject) -> Any {
        switch object {
        case let box as DatasetBox: box.dataset
        case let box as TripletSamplerBox: box.sampler
        default: object
        }
    }
}

extension AnyTensor {
    /// The typed tensor inside.
    var unwrapped: Any {
        switch self {
        case .float(let t): t
        case .byte(let t): t
        case .int(let t): t
        }
    }
}
