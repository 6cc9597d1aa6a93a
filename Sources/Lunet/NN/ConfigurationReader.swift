/// Reads a layer's saved constructor arguments, with messages naming the layer
/// type and the key when a model file is wrong.
struct ConfigurationReader {
    let owner: String
    let values: [String: ConfigurationValue]

    init(_ typeName: String, _ values: [String: ConfigurationValue]) {
        owner = "nn.\(typeName)"
        self.values = values
    }

    func error(_ key: String, _ expected: String) -> LunetError {
        LunetError("\(owner) configuration: '\(key)' must be \(expected)")
    }

    func value(_ key: String) throws -> ConfigurationValue {
        guard let value = values[key] else { throw LunetError("\(owner) configuration: missing '\(key)'") }
        return value
    }

    func int(_ key: String) throws -> Int {
        switch try value(key) {
        case .int(let n): return n
        case .double(let d) where d == d.rounded() && Swift.abs(d) < 1e15: return Int(d)
        default: throw error(key, "an integer")
        }
    }

    func int(_ key: String, default fallback: Int) throws -> Int {
        values[key] == nil ? fallback : try int(key)
    }

    func double(_ key: String, default fallback: Double) throws -> Double {
        switch values[key] {
        case nil: return fallback
        case .int(let n)?: return Double(n)
        case .double(let d)?: return d
        default: throw error(key, "a number")
        }
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        switch values[key] {
        case nil: return fallback
        case .bool(let b)?: return b
        default: throw error(key, "a boolean")
        }
    }

    func size(_ key: String, default fallback: Size2D? = nil) throws -> Size2D {
        if values[key] == nil, let fallback { return fallback }
        return try Size2D(configuration: try value(key), key: key, owner: owner)
    }

    func padding(default fallback: Padding = .valid) throws -> Padding {
        guard let value = values["padding"] else { return fallback }
        return try Padding(configuration: value, owner: owner)
    }
}
