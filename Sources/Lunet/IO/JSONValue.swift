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

    /// Compact JSON text with sorted keys: the same value always gives the same bytes.
    public func encoded() throws -> String {
        var output = ""
        try write(to: &output)
        return output
    }

    private func write(to output: inout String) throws {
        switch self {
        case .null: output += "null"
        case .bool(let b): output += b ? "true" : "false"
        case .int(let i): output += String(i)
        case .double(let d):
            guard d.isFinite else { throw LunetError("JSON cannot hold the number \(d)") }
            // Swift prints the shortest text that reads back to the same Double.
            output += d == d.rounded() && Swift.abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
        case .string(let s): JSONValue.writeString(s, to: &output)
        case .array(let items):
            output += "["
            for (i, item) in items.enumerated() {
                if i > 0 { output += "," }
                try item.write(to: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (i, key) in fields.keys.sorted().enumerated() {
                if i > 0 { output += "," }
                JSONValue.writeString(key, to: &output)
                output += ":"
                try fields[key]!.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ s: String, to output: inout String) {
        output += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
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

    /// Parses a complete JSON text; the error says what was expected and where.
    public static func parse(_ text: String) throws -> JSONValue {
        var parser = JSONParser(Array(text.utf8))
        return try parser.parseDocument()
    }
}
