/// One constructor argument of a layer, declared once with its kind, range and
/// default: the Lua constructor, the model-file reader and `help` all read it.
///
/// ```swift
/// LayerOption("l2", .number(.nonNegative), default: .double(0))
/// ```
public struct LayerOption: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int>)
        case number(NumberRange)
        case boolean
        /// One of these strings.
        case choice([String])
        /// A positive integer or a pair `{height, width}` (kernels, strides).
        case size
        /// `'valid'`, `'same'`, or (when `explicit`) a non-negative integer.
        case padding(explicit: Bool)
        /// Any integer; seeds the layer's random stream and is not saved.
        case seed

        /// What a value of this kind is: `a boolean`, `one of 'glorot', 'he'`.
        public var expected: String {
            switch self {
            case .integer, .seed: "an integer"
            case .number: "a number"
            case .boolean: "a boolean"
            case .choice(let choices): "one of " + choices.map { "'\($0)'" }.joined(separator: ", ")
            case .size: "a positive integer or pair {height, width}"
            case .padding(let explicit): explicit ? "'valid', 'same' or a non-negative integer" : "'valid' or 'same'"
            }
        }
    }

    public let name: String
    public let kind: Kind
    /// The value when the option is not given; nil makes a positional argument
    /// required and leaves any other option absent (`stride` then follows `kernel`).
    public let defaultValue: ConfigurationValue?
    /// How `help` shows an absent default (`stride=kernel`).
    public let defaultText: String?

    public init(_ name: String, _ kind: Kind, default defaultValue: ConfigurationValue? = nil, defaultText: String? = nil) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.defaultText = defaultText
    }

    /// What is wrong with a value given for this option.
    public enum Problem: Error, Equatable {
        /// Not of the kind at all: `expected` names what is (`a boolean`).
        case wrongType(expected: String)
        /// Of the kind but outside the range: `requirement` says what it must be.
        case outOfRange(requirement: String)
    }

    /// `value` checked and normalized: integer-valued floats become integers
    /// wherever integers are expected, numbers become doubles.
    public func check(_ value: ConfigurationValue) -> Result<ConfigurationValue, Problem> {
        switch kind {
        case .integer(let range):
            guard let n = value.integerValue else { return .failure(.wrongType(expected: kind.expected)) }
            return range.contains(n) ? .success(.int(n)) : .failure(.outOfRange(requirement: Self.requirement(range)))
        case .number(let range):
            guard let x = value.numberValue else { return .failure(.wrongType(expected: kind.expected)) }
            return range.contains(x) ? .success(.double(x)) : .failure(.outOfRange(requirement: range.requirement))
        case .boolean:
            guard case .bool = value else { return .failure(.wrongType(expected: kind.expected)) }
            return .success(value)
        case .choice(let choices):
            guard case .string(let s) = value, choices.contains(s) else { return .failure(.wrongType(expected: kind.expected)) }
            return .success(value)
        case .size:
            return checkSize(value)
        case .padding(let explicit):
            if case .string(let s) = value, s == "valid" || s == "same" { return .success(value) }
            if explicit, let n = value.integerValue, n >= 0 { return .success(.int(n)) }
            return .failure(.wrongType(expected: kind.expected))
        case .seed:
            guard let n = value.integerValue else { return .failure(.wrongType(expected: kind.expected)) }
            return .success(.int(n))
        }
    }

    private func checkSize(_ value: ConfigurationValue) -> Result<ConfigurationValue, Problem> {
        let expected = Problem.wrongType(expected: kind.expected)
        if let n = value.integerValue { return n > 0 ? .success(.int(n)) : .failure(expected) }
        guard case .list(let items) = value, items.count == 2,
              let h = items[0].integerValue, let w = items[1].integerValue, h > 0, w > 0 else { return .failure(expected) }
        return .success(h == w ? .int(h) : .list([.int(h), .int(w)]))
    }

    /// `a positive integer`, `an integer from 1 to 2^24`.
    static func requirement(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (1, Int.max): "a positive integer"
        case (0, Int.max): "a non-negative integer"
        case (let low, let high): "an integer from \(boundText(low)) to \(boundText(high))"
        }
    }

    /// Large powers of two as `2^40`.
    private static func boundText(_ n: Int) -> String {
        n >= 1 << 20 && n.nonzeroBitCount == 1 ? "2^\(n.trailingZeroBitCount)" : "\(n)"
    }

    /// `l2 >= 0`, `in from 1 to 2^40`: the range as `help` lists it; nil when
    /// the kind says it all.
    public var rangeText: String? {
        switch kind {
        case .integer(let range) where range.upperBound == Int.max: "\(name) >= \(range.lowerBound)"
        case .integer(let range): "\(name) from \(Self.boundText(range.lowerBound)) to \(Self.boundText(range.upperBound))"
        case .number(let range): range.rangeText(name)
        default: nil
        }
    }
}

extension ConfigurationValue {
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

    /// The value in a message, as Lua's `tostring` shows it: `-1`, `2.5`, `-1.0`, `'full'`, `{2, 3}`.
    public var messageText: String {
        switch self {
        case .int(let n): "\(n)"
        case .double(let d): Self.luaText(d)
        case .string(let s): "'\(s)'"
        case .bool(let b): "\(b)"
        case .list(let items): "{" + items.map(\.messageText).joined(separator: ", ") + "}"
        case .object: "table"
        }
    }

    /// Lua 5.4's `%.14g`, with `.0` added to a float that looks like an integer.
    public static func luaText(_ d: Double) -> String {
        let text = String(format: "%.14g", d)
        return text.allSatisfy({ $0.isNumber || $0 == "-" }) ? text + ".0" : text
    }

    /// Lua's name for the value's type.
    public var typeName: String {
        switch self {
        case .int, .double: "number"
        case .string: "string"
        case .bool: "boolean"
        case .list, .object: "table"
        }
    }
}
