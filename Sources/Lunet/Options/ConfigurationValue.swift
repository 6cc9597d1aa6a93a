/// A plain option value, JSON-representable: what an options table holds
/// besides objects, and what a model file saves of a layer's constructor arguments.
public indirect enum ConfigurationValue: Equatable, Sendable {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case list([ConfigurationValue])
    case object([String: ConfigurationValue])
}

extension ConfigurationValue {
    /// A Float as the shortest decimal that reads back as it (`0.9`, not `0.899999976`).
    public static func number(_ x: Float) -> ConfigurationValue {
        .double(Double(x.description) ?? Double(x))
    }

    /// An integer, or a double with an exact integer value (Lua 5.4's rule).
    public var integerValue: Int? {
        switch self {
        case .int(let n): n
        case .double(let d): Int(exactly: d)
        default: nil
        }
    }

    public var numberValue: Double? {
        switch self {
        case .int(let n): Double(n)
        case .double(let d): d
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    /// The value in a message: `-1`, `2.5`, `-1.0`, `'full'`, `{2, 3}`. Numbers
    /// as C's `%.14g` writes them, with `.0` on a float that looks like an
    /// integer, so a float and an integer of one value read apart.
    public var messageText: String {
        switch self {
        case .int(let n): "\(n)"
        case .double(let d): Self.numberText(d)
        case .string(let s): "'\(s)'"
        case .bool(let b): "\(b)"
        case .list(let items): "{" + items.map(\.messageText).joined(separator: ", ") + "}"
        case .object: "table"
        }
    }

    /// `%.14g`, with `.0` added to a float that looks like an integer.
    public static func numberText(_ d: Double) -> String {
        let text = String(format: "%.14g", d)
        return text.allSatisfy({ $0.isNumber || $0 == "-" }) ? text + ".0" : text
    }

    /// The kind of value, as messages name it: `number`, `string`, `boolean`, `table`.
    public var typeName: String {
        switch self {
        case .int, .double: "number"
        case .string: "string"
        case .bool: "boolean"
        case .list, .object: "table"
        }
    }

    /// What a message shows of a value of the wrong kind: a number or a
    /// string itself (`got 1`, `got 'x'`), anything else its kind (`got table`).
    public var shownWhenWrong: String {
        switch self {
        case .int, .double, .string: messageText
        default: typeName
        }
    }
}
