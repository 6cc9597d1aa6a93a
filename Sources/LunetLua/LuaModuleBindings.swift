import CLua
import Lunet

/// `nn.Module{...}`: a layer written in Lua, an engine `RecordedModule`
/// whose forward calls the Lua function. `self` in that function is a table
/// made once per module: its child modules and parameters by name, and
/// `self.config`. While the module trains, its forward is recorded and the
/// tape gives its backward.
enum LuaModuleBindings {
    /// Accepts the Lua table of named entries an option holds.
    static let namedTable = ObjectKind(expected: "a table of named entries") { $0 is LuaTable }

    static let declaration = Declaration("RecordedModule", options: [
        OptionDeclaration("name", .string, doc: "the type name summaries, errors and model files show; nn.register's key"),
        OptionDeclaration("forward", .function, doc: "function(self, x) returning the output tensor; only tensor operations on x and self's entries are recorded"),
        OptionDeclaration("modules", .object(namedTable), doc: "child modules by name ({body = nn.Linear(8, 8)}): self.body(x) runs one, with its own backward"),
        OptionDeclaration("parameters", .object(namedTable), doc: "trainable Float32 tensors by name ({gain = tensor.ones({1})}): self.gain, copied"),
        OptionDeclaration("config", .object(namedTable), doc: "plain values (self.config), saved in model files and handed to nn.register's constructor by nn.load"),
    ], doc: """
        A layer written in Lua: only forward is written; in training its tensor operations are recorded and replayed \
        in reverse for backward (built-in modules it calls use their own backward). It goes wherever a module goes.
        """)

    static let constructor = LuaFunction("nn.Module", declaration: declaration) { call in
        guard lua_type(call.L, 1) == LUA_TTABLE, case .table(let table) = try call.value(1), table.array.isEmpty else {
            throw call.typeError(1, expected: "table {name =, forward =, modules =, parameters =, config =}")
        }
        let values = try declaration.check(table.fields.mapValues { value in
            if case .table(let inner) = value { return .object(inner, typeName: "table") }
            return OptionValue(value)
        })
        call.push(newModule: try make(call, values))
        return 1
    }

    static func missing(_ option: String) -> LunetError {
        OptionProblem(declaration.subject, option: option, reason: .missing).error
    }

    static func make(_ call: LuaCall, _ values: OptionValues) throws -> RecordedModule {
        guard let name = try values.optionalString("name") else { throw missing("name") }
        guard let forward = values.function("forward") else { throw missing("forward") }
        let children = try entries(values, "modules") { key, value -> Module in
            guard case .object(let module as Module) = value else { throw LunetError("nn.Module: modules.\(key) must be an nn module, got a \(value.typeName)") }
            if module.name == nil { module.name = key }
            return module
        }
        let parameters = try entries(values, "parameters") { key, value -> Parameter in
            guard case .tensor(.float(let tensor)) = value else { throw LunetError("nn.Module: parameters.\(key) must be a Float32 tensor, got a \(value.typeName)") }
            return try Parameter(name: key, value: tensor)
        }
        let config = try entries(values, "config") { key, value in try configuration(value, key) }
        let state = try LuaDefinitionState(call, children: children, parameters: parameters,
                                        config: Dictionary(uniqueKeysWithValues: config))
        let module = RecordedModule(name: name, children: children.map(\.1), parameters: parameters.map(\.1),
                                    arguments: state.config) { tape, input in
            try state.forward(forward, tape: tape, input: input, name: name)
        }
        return module
    }

    /// A named table option's entries in key order (parameters and children are ordered by name).
    static func entries<T>(_ values: OptionValues, _ option: String, _ make: (String, LuaValue) throws -> T) throws -> [(String, T)] {
        guard let table = try values.object(option, as: LuaTable.self) else { return [] }
        guard table.array.isEmpty else { throw LunetError("nn.Module: the entries of \(option) must be named ({key = value})") }
        return try table.fields.keys.sorted().map { ($0, try make($0, table.fields[$0]!)) }
    }

    /// A plain Lua value as it is saved in a model file.
    static func configuration(_ value: LuaValue, _ key: String) throws -> ConfigurationValue {
        switch value {
        case .boolean(let b): return .bool(b)
        case .integer(let n): return .int(n)
        case .number(let x): return .double(x)
        case .string(let s): return .string(s)
        case .table(let t) where t.fields.isEmpty: return .list(try t.array.map { try configuration($0, key) })
        case .table(let t) where t.array.isEmpty: return .object(try t.fields.mapValues { try configuration($0, key) })
        default: throw LunetError("nn.Module: config '\(key)' must hold numbers, strings, booleans and tables of them, got a \(value.typeName)")
        }
    }

    /// A saved value back as Lua sees it.
    static func luaValue(_ value: ConfigurationValue) -> LuaValue {
        switch value {
        case .int(let n): .integer(n)
        case .double(let x): .number(x)
        case .string(let s): .string(s)
        case .bool(let b): .boolean(b)
        case .list(let items): .table({ var t = LuaTable(); t.array = items.map(luaValue); return t }())
        case .object(let fields): .table({ var t = LuaTable(); t.fields = fields.mapValues(luaValue); return t }())
        }
    }
}
