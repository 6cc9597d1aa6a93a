import Foundation

/// A JSON document as a Swift value. Integers and other numbers stay apart
/// (`1` is `.int`, `1.0` is `.double`), so a layer's configuration reads back
/// with the types it was written with; objects keep their keys sorted on output.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Compact JSON text with sorted keys: the same value always gives the same
    /// bytes. Written by Foundation, which writes a whole double without its
    /// fraction (`2.0` as `2`): readers take an integer where a number is expected.
    public func encoded() throws -> String {
        let data = try JSONSerialization.data(withJSONObject: try foundationObject(),
                                              options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    /// The value as `JSONSerialization` takes it.
    private func foundationObject() throws -> Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d):
            guard d.isFinite else { throw LunetError("JSON cannot hold the number \(d)") }
            return d
        case .string(let s): return s
        case .array(let items): return try items.map { try $0.foundationObject() }
        case .object(let fields): return try fields.mapValues { try $0.foundationObject() }
        }
    }

    // MARK: Reading

    public subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    /// `string`, `object`, ...: used in messages about unexpected values.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Parses a complete JSON text with Foundation (linear time, nesting
    /// limited, lone surrogates refused); the error says what is wrong.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Data(text.utf8))
    }

    public static func parse(_ data: Data) throws -> JSONValue {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw LunetError("invalid JSON: \(reason)")
        }
        return try JSONValue(foundationObject: object)
    }

    /// Integers and other numbers stay apart by the type Foundation read them as.
    private init(foundationObject object: Any) throws {
        switch object {
        case is NSNull: self = .null
        case let s as String: self = .string(s)
        case let items as [Any]: self = .array(try items.map(JSONValue.init(foundationObject:)))
        case let fields as [String: Any]: self = .object(try fields.mapValues(JSONValue.init(foundationObject:)))
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": self = .bool(n.boolValue)
            case "d", "f": self = .double(n.doubleValue)
            case "Q" where n.uint64Value > UInt64(Int.max): self = .double(n.doubleValue)
            default: self = .int(n.intValue)
            }
        default: throw LunetError("invalid JSON: unexpected \(type(of: object))")
        }
    }
}
