/// What values an option takes, and its range: the one vocabulary of every
/// options table and constructor argument.
public indirect enum OptionKind: Sendable {
    case integer(ClosedRange<Int>)
    case number(NumberRange)
    case boolean
    /// One of these strings.
    case choice([String])
    case string
    /// A file or folder path: a string without NUL bytes.
    case path
    /// A positive integer or a pair `[height, width]` (kernels, strides).
    case size
    /// `valid`, `same`, or (when `explicit`) a non-negative integer.
    case padding(explicit: Bool)
    /// Any integer; seeds a random stream.
    case seed
    /// Which items to take: a count `n` (the first n), or a list (or integer
    /// tensor) of positions, which the front end numbers and checks against
    /// the items there are.
    case positions
    /// A list whose items are all of one kind, with at least `minimum` items.
    case list(OptionKind, minimum: Int)
    /// A nested options table, declared in its own right (`earlyStopping`).
    case table(Declaration)
    /// An engine object the front end hands over (a dataset, an optimizer).
    case object(ObjectKind)
    /// A function of the front end's language (a callback); the engine never reads it.
    case function

    /// What a value of this kind is: `a boolean`, `one of 'glorot', 'he'`.
    public var expected: String {
        switch self {
        case .integer, .seed: "an integer"
        case .positions: "a count, a list of indices or an Int32 vector"
        case .number: "a number"
        case .boolean: "a boolean"
        case .choice(let choices): "one of " + choices.map { "'\($0)'" }.joined(separator: ", ")
        case .string, .path: "a string"
        case .size: "a positive integer or pair {height, width}"
        case .padding(let explicit): explicit ? "'valid', 'same' or a non-negative integer" : "'valid' or 'same'"
        case .list(let item, _): "a list of " + Self.plural(item.expected)
        case .table: "a table"
        case .object(let object): object.expected
        case .function: "a function"
        }
    }

    /// `an integer` -> `integers`, for list items.
    private static func plural(_ text: String) -> String {
        var words = text.split(separator: " ").map(String.init)
        if ["a", "an"].contains(words.first) { words.removeFirst() }
        if let last = words.last, words.count <= 3, !text.hasPrefix("one of") { words[words.count - 1] = last + "s" }
        return words.joined(separator: " ")
    }
}

/// A kind of engine object an option takes, named as messages name it. The
/// front end unwraps its own handle (a Lua userdata) before asking `accepts`.
public struct ObjectKind: Sendable {
    /// `a dataset`, `an optimizer`.
    public let expected: String
    public let accepts: @Sendable (Any) -> Bool

    public init(expected: String, accepts: @escaping @Sendable (Any) -> Bool) {
        self.expected = expected
        self.accepts = accepts
    }

    public static let dataset = ObjectKind(expected: "a Dataset") { $0 is Dataset }
    public static let module = ObjectKind(expected: "an nn module") { $0 is Module }
    public static let optimizer = ObjectKind(expected: "an optimizer") { $0 is Optimizer }
    public static let loss = ObjectKind(expected: "an nn criterion") { $0 is Loss }
    public static let sampler = ObjectKind(expected: "a triplet sampler") { $0 is TripletSampler }
    public static let augmentation = ObjectKind(expected: "an augmentation") { $0 is Augmentation }
    public static let floatTensor = ObjectKind(expected: "a Float32 tensor") { $0 is Tensor<Float> }
    public static let intTensor = ObjectKind(expected: "an Int32 tensor") { $0 is Tensor<Int32> }
}

/// What is wrong with a value given for an option.
public enum OptionKindProblem: Error, Equatable, Sendable {
    /// Not of the kind at all: `expected` names what is (`a boolean`).
    case wrongType(expected: String)
    /// Of the kind but outside the range: `requirement` says what it must be.
    case outOfRange(requirement: String)
}

extension OptionKind {
    /// `value` checked and normalized: integer-valued floats become integers
    /// wherever integers are expected, numbers become doubles.
    public func check(_ value: ConfigurationValue) -> Result<ConfigurationValue, OptionKindProblem> {
        let wrong = Result<ConfigurationValue, OptionKindProblem>.failure(.wrongType(expected: expected))
        switch self {
        case .integer(let range):
            guard let n = value.integerValue else { return wrong }
            return range.contains(n) ? .success(.int(n)) : .failure(.outOfRange(requirement: Self.requirement(range)))
        case .number(let range):
            guard let x = value.numberValue else { return wrong }
            return range.contains(x) ? .success(.double(x)) : .failure(.outOfRange(requirement: range.requirement))
        case .boolean:
            guard case .bool = value else { return wrong }
            return .success(value)
        case .choice(let choices):
            guard case .string(let s) = value else { return .failure(.wrongType(expected: "a string")) }
            return choices.contains(s) ? .success(value) : .failure(.outOfRange(requirement: expected))
        case .string:
            guard case .string = value else { return wrong }
            return .success(value)
        case .path:
            guard case .string(let s) = value else { return wrong }
            return s.utf8.contains(0) ? .failure(.outOfRange(requirement: "a path without NUL bytes")) : .success(value)
        case .size:
            return checkSize(value)
        case .padding(let explicit):
            if case .string(let s) = value, s == "valid" || s == "same" { return .success(value) }
            if explicit, let n = value.integerValue, n >= 0 { return .success(.int(n)) }
            return wrong
        case .seed:
            guard let n = value.integerValue else { return wrong }
            return .success(.int(n))
        case .positions:
            if let n = value.integerValue {
                return n >= 1 ? .success(.int(n)) : .failure(.outOfRange(requirement: "a count of at least 1"))
            }
            guard case .list(let items) = value else { return wrong }
            guard items.allSatisfy({ $0.integerValue != nil }) else { return .failure(.wrongType(expected: "a list of integer indices")) }
            return .success(.list(items.map { .int($0.integerValue!) }))
        case .list(let item, let minimum):
            return checkList(value, item: item, minimum: minimum)
        case .table, .object, .function:
            return wrong  // not plain values: the front end hands these over as objects
        }
    }

    private func checkSize(_ value: ConfigurationValue) -> Result<ConfigurationValue, OptionKindProblem> {
        let expected = OptionKindProblem.wrongType(expected: self.expected)
        if let n = value.integerValue { return n > 0 ? .success(.int(n)) : .failure(expected) }
        guard case .list(let items) = value, items.count == 2,
              let h = items[0].integerValue, let w = items[1].integerValue, h > 0, w > 0 else { return .failure(expected) }
        return .success(h == w ? .int(h) : .list([.int(h), .int(w)]))
    }

    private func checkList(_ value: ConfigurationValue, item: OptionKind, minimum: Int) -> Result<ConfigurationValue, OptionKindProblem> {
        guard case .list(let items) = value else { return .failure(.wrongType(expected: expected)) }
        guard items.count >= minimum else {
            return .failure(.outOfRange(requirement: "a list of at least \(minimum) item\(minimum == 1 ? "" : "s")"))
        }
        var checked: [ConfigurationValue] = []
        for element in items {
            switch item.check(element) {
            case .success(let normalized): checked.append(normalized)
            case .failure: return .failure(.wrongType(expected: expected))
            }
        }
        return .success(.list(checked))
    }

    /// `a positive integer`, `an integer from 1 to 2^24`.
    static func requirement(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (1, Int.max): "a positive integer"
        case (0, Int.max): "a non-negative integer"
        case (let low, Int.max): "an integer >= \(boundText(low))"
        case (let low, let high): "an integer from \(boundText(low)) to \(boundText(high))"
        }
    }

    /// Large powers of two as `2^40`.
    static func boundText(_ n: Int) -> String {
        n >= 1 << 20 && n.nonzeroBitCount == 1 ? "2^\(n.trailingZeroBitCount)" : "\(n)"
    }
}
