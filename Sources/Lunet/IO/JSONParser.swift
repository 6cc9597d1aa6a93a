import Foundation

/// A strict recursive-descent JSON reader over UTF-8 bytes, producing
/// `JSONValue`. Numbers without a fraction or exponent become `.int`.
struct JSONParser {
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw error("end of text") }
        return value
    }

    private func error(_ expected: String) -> LunetError {
        let found = position < bytes.count ? "'\(Character(UnicodeScalar(bytes[position])))'" : "end of text"
        return LunetError("invalid JSON at byte \(position + 1): \(expected) expected, found \(found)")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func consume(_ literal: String) -> Bool {
        let literalBytes = Array(literal.utf8)
        guard bytes.count - position >= literalBytes.count,
              Array(bytes[position..<position + literalBytes.count]) == literalBytes else { return false }
        position += literalBytes.count
        return true
    }

    private mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw error("a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t") where consume("true"): return .bool(true)
        case UInt8(ascii: "f") where consume("false"): return .bool(false)
        case UInt8(ascii: "n") where consume("null"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("a value")
        }
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= 64 else { throw LunetError("invalid JSON: nested more than 64 levels") }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if consume("}") { return .object(fields) }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("a string key") }
            let key = try parseString()
            skipWhitespace()
            guard consume(":") else { throw error("':'") }
            fields[key] = try parseValue()
            skipWhitespace()
            if consume("}") { return .object(fields) }
            guard consume(",") else { throw error("',' or '}'") }
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if consume("]") { return .array(items) }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            if consume("]") { return .array(items) }
            guard consume(",") else { throw error("',' or ']'") }
        }
    }

    private mutating func parseString() throws -> String {
        position += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var run = position
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars)
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                flush(position)
                position += 1
                return String(scalars)
            }
            if byte < 0x20 { throw error("a string character") }
            if byte == UInt8(ascii: "\\") {
                flush(position)
                position += 1
                scalars.append(try parseEscape())
                run = position
            } else {
                position += 1
            }
        }
        throw error("'\"'")
    }

    private mutating func parseEscape() throws -> Unicode.Scalar {
        guard position < bytes.count else { throw error("an escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            var code = try parseHex4()
            if (0xD800..<0xDC00).contains(code), consume("\\u") {
                let low = try parseHex4()
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            return Unicode.Scalar(code) ?? "\u{FFFD}"
        default:
            position -= 1
            throw error("an escape")
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard bytes.count - position >= 4,
              let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else { throw error("4 hex digits") }
        position += 4
        return code
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = position
        var isInteger = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                isInteger = false
            } else if !(byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || (0x30...0x39).contains(byte)) {
                break
            }
            position += 1
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else {
            position = start
            throw error("a number")
        }
        return .double(value)
    }
}
