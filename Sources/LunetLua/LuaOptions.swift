import Lunet

/// The checked options of one call: `{lr = 1e-3, amsgrad = true}`. Unknown keys
/// were already rejected; the getters check each value's type.
public struct LuaOptions {
    public let owner: String
    public let values: [String: LuaValue]

    public func has(_ key: String) -> Bool { values[key] != nil }

    private func wrongType(_ key: String, _ expected: String, _ value: LuaValue) -> LunetError {
        LunetError("option '\(key)' for \(owner): \(expected) expected, got \(value.typeName)")
    }

    public func number(_ key: String) throws -> Double? {
        guard let value = values[key] else { return nil }
        guard let number = value.doubleValue else { throw wrongType(key, "number", value) }
        return number
    }

    public func number(_ key: String, default fallback: Double) throws -> Double {
        try number(key) ?? fallback
    }

    public func float(_ key: String, default fallback: Float) throws -> Float {
        try number(key).map { Float($0) } ?? fallback
    }

    /// A number in `range` (the option ranges' one vocabulary), or `fallback`.
    public func number(_ key: String, in range: NumberRange, default fallback: Double) throws -> Double {
        guard let x = try number(key) else { return fallback }
        guard range.contains(x) else {
            throw LunetError("\(owner): \(key) must be \(range.requirement), got \(values[key].map(LuaOptions.text) ?? "")")
        }
        return x
    }

    public func float(_ key: String, in range: NumberRange, default fallback: Float) throws -> Float {
        Float(try number(key, in: range, default: Double(fallback)))
    }

    /// A number as Lua shows it: `-1`, `2.5`, `-nan`.
    static func text(_ value: LuaValue) -> String {
        switch value {
        case .integer(let i): "\(i)"
        case .number(let d): ConfigurationValue.numberText(d)
        default: value.typeName
        }
    }

    public func integer(_ key: String) throws -> Int? {
        guard let value = values[key] else { return nil }
        guard let integer = value.integerValue else {
            if case .number(let d) = value {
                throw LunetError("option '\(key)' for \(owner): integer expected, got \(LuaOptions.format(d))")
            }
            throw wrongType(key, "integer", value)
        }
        return integer
    }

    public func integer(_ key: String, default fallback: Int) throws -> Int {
        try integer(key) ?? fallback
    }

    /// A seed: any integer, taken modulo 2^64.
    public func seed(_ key: String = "seed") throws -> UInt64? {
        try integer(key).map { UInt64(bitPattern: Int64($0)) }
    }

    public func boolean(_ key: String) throws -> Bool? {
        guard let value = values[key] else { return nil }
        guard case .boolean(let b) = value else { throw wrongType(key, "boolean", value) }
        return b
    }

    public func boolean(_ key: String, default fallback: Bool) throws -> Bool {
        try boolean(key) ?? fallback
    }

    public func string(_ key: String) throws -> String? {
        guard let value = values[key] else { return nil }
        guard case .string(let s) = value else { throw wrongType(key, "string", value) }
        return s
    }

    /// A file or folder path: a string without NUL bytes (`FilePath.checked`, as `call.path`).
    public func path(_ key: String) throws -> String? {
        try string(key).map { try FilePath.checked($0) }
    }

    /// A string from a fixed set of choices.
    public func choice(_ key: String, _ choices: [String], default fallback: String) throws -> String {
        guard let s = try string(key) else { return fallback }
        guard choices.contains(s) else {
            throw LunetError("option '\(key)' for \(owner) must be one of \(choices.map { "'\($0)'" }.joined(separator: ", ")), got '\(s)'")
        }
        return s
    }

    public func table(_ key: String) throws -> LuaTable? {
        guard let value = values[key] else { return nil }
        guard case .table(let t) = value else { throw wrongType(key, "table", value) }
        return t
    }

    /// A boxed object of type `T` (a criterion, an optimizer, a sampler box),
    /// nil when absent; anything else an error naming `expected`.
    public func object<T>(_ key: String, _ type: T.Type, expected: String) throws -> T? {
        guard let value = values[key] else { return nil }
        guard case .object(let object) = value, let typed = object as? T else { throw wrongType(key, expected, value) }
        return typed
    }

    /// A Lua function (a callback), nil when absent.
    public func function(_ key: String) throws -> LuaReference? {
        guard let value = values[key] else { return nil }
        guard case .function(let function) = value else { throw wrongType(key, "function", value) }
        return function
    }

    /// A float as Lua's `tostring` shows it (`2.5`, `1.0e+20`, `-nan`).
    static func format(_ value: Double) -> String { ConfigurationValue.numberText(value) }

    /// ` (did you mean 'lr'?)` when a known key is close to the unknown one.
    static func suggestion(_ key: String, _ allowed: Set<String>) -> String {
        let lowered = key.lowercased().filter { $0.isLetter || $0.isNumber }
        let close = allowed.sorted().first { candidate in
            let c = candidate.lowercased()
            return lowered.hasPrefix(c) || c.hasPrefix(lowered) || editDistance(Array(c), Array(lowered)) <= 2
        }
        return close.map { " (did you mean '\($0)'?)" } ?? ""
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
