/// The one error type of the engine. It carries facts rather than finished
/// text: words, 0-based positions (indices, dimensions, rows, classes) and
/// the components involved (a layer, an optimizer, a sampler). The engine
/// phrases them in Swift's terms (`message`); a front end phrases them in its
/// own (the Lua bindings count from 1 and name components as Lua spells them).
///
/// ```swift
/// throw LunetError("query \(position: i) out of range for \(n) codes")
/// throw LunetError("\(subject: layer.subject): input has \(features) features")
/// ```
public struct LunetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// One piece of a message.
    public enum Fact: Equatable, Sendable {
        case text(String)
        /// A 0-based position: an index, a dimension, a row, a class.
        case position(Int)
        /// A component of the engine, named by the front end.
        case subject(Subject)
    }

    public let facts: [Fact]
    /// Set when the error is about an option: which one, of what, and why.
    public let optionProblem: OptionProblem?

    public init(_ message: Message) {
        facts = message.facts
        optionProblem = nil
    }

    public init(facts: [Fact], optionProblem: OptionProblem? = nil) {
        self.facts = facts
        self.optionProblem = optionProblem
    }

    /// The message in the engine's own terms: positions 0-based, components by their Swift names.
    public var message: String { phrased(by: SwiftPhrasing()) }

    public var description: String { message }

    /// The message in a front end's terms.
    public func phrased(by phrasing: some ErrorPhrasing) -> String {
        facts.map { fact in
            switch fact {
            case .text(let text): text
            case .position(let index): phrasing.position(index)
            case .subject(let subject): phrasing.subject(subject)
            }
        }.joined()
    }

    /// `Float32 tensor of shape 2x3 and Float32 tensor of shape 4x5` style shape mismatch.
    public static func shapeMismatch(_ operation: String, _ a: [Int], _ b: [Int]) -> LunetError {
        LunetError("\(operation): shapes \(formatShape(a)) and \(formatShape(b)) do not match")
    }
}

extension LunetError {
    /// The text of an error with its facts kept: `LunetError("while loading: \(error)")`
    /// splices the inner error's positions and components into the outer one.
    public struct Message: ExpressibleByStringInterpolation, Sendable {
        public var facts: [Fact] = []

        public init(stringLiteral value: String) {
            facts = [.text(value)]
        }

        public init(stringInterpolation: Interpolation) {
            facts = stringInterpolation.facts
        }

        /// Joins two pieces, so a long message can be written over several lines.
        public static func + (lhs: Message, rhs: Message) -> Message {
            var joined = Interpolation(literalCapacity: 0, interpolationCount: 0)
            joined.facts = lhs.facts
            for fact in rhs.facts {
                if case .text(let text) = fact { joined.appendLiteral(text) } else { joined.facts.append(fact) }
            }
            return Message(stringInterpolation: joined)
        }

        public struct Interpolation: StringInterpolationProtocol, Sendable {
            public var facts: [Fact] = []

            public init(literalCapacity: Int, interpolationCount: Int) {}

            public mutating func appendLiteral(_ literal: String) {
                appendText(literal)
            }

            public mutating func appendInterpolation(_ value: some Any) {
                if let error = value as? LunetError {
                    for fact in error.facts {
                        if case .text(let text) = fact { appendText(text) } else { facts.append(fact) }
                    }
                } else {
                    appendText(String(describing: value))
                }
            }

            /// A 0-based position, which a front end may show counted from 1.
            public mutating func appendInterpolation(position: Int) {
                facts.append(.position(position))
            }

            /// A component, which a front end names in its own words.
            public mutating func appendInterpolation(subject: Subject) {
                facts.append(.subject(subject))
            }

            private mutating func appendText(_ text: String) {
                guard !text.isEmpty else { return }
                if case .text(let previous)? = facts.last {
                    facts[facts.count - 1] = .text(previous + text)
                } else {
                    facts.append(.text(text))
                }
            }
        }
    }
}

/// The 1-based position a user gave for a 0-based index, for messages. The
/// bindings make 0-based indices with `&- 1`, so `math.mininteger` wraps to
/// `Int.max` (out of every range); wrapping back shows the user's integer.
public func oneBased(_ index: Int) -> Int {
    index &+ 1
}

/// `[2, 3, 4]` -> `2x3x4`; a rank-0 shape says what it is: `scalar (0 dimensions)`.
public func formatShape(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar (0 dimensions)" : shape.map(String.init).joined(separator: "x")
}
