/// What is wrong with the options given to a declared constructor or
/// function, and the one place such errors are worded.
///
/// ```swift
/// throw OptionProblem(Subject("Adam"), option: "lr_rate", reason: .unknown(known: ["lr", "beta1"])).error
/// // unknown option 'lr_rate' for Adam (did you mean 'lr'?)
/// ```
public struct OptionProblem: Equatable, Sendable {
    /// Where the values came from, which changes the words.
    public enum Context: Equatable, Sendable {
        /// An options table or arguments given in code.
        case options
        /// A saved configuration (a model file).
        case configuration
        /// An argument given by position: the front end says which, these words say what is wrong with it.
        case argument
    }

    public enum Reason: Sendable, Equatable {
        case unknown(known: [String])
        case missing
        /// `got` is the kind of value that came (`string`, `nn module`).
        case wrongType(expected: String, got: String)
        /// `got` is the value that came, as messages show values (`-1`, `'x'`).
        case outOfRange(requirement: String, got: String)
        /// A combination the kinds cannot express: `needs a momentum above 0`.
        case invalid(String)
        /// The options table has positional entries.
        case notNamed
    }

    public let subject: Subject
    public let option: String
    public let reason: Reason
    public let context: Context

    public init(_ subject: Subject, option: String, reason: Reason, context: Context = .options) {
        self.subject = subject
        self.option = option
        self.reason = reason
        self.context = context
    }

    /// The error, in words that read alike for every option of every declaration.
    public var error: LunetError {
        LunetError(facts: message.facts, optionProblem: self)
    }

    private var message: LunetError.Message {
        switch (context, reason) {
        case (.options, .unknown(let known)):
            "unknown option '\(option)' for \(subject: subject)\(Self.suggestion(option, known))"
        case (.options, .missing):
            "\(subject: subject): missing '\(option)'"
        case (.options, .wrongType(let expected, let got)):
            "option '\(option)' for \(subject: subject): \(Self.withoutArticle(expected)) expected, got \(got)"
        case (.options, .outOfRange(let requirement, let got)):
            "\(subject: subject): \(option) must be \(requirement), got \(got)"
        case (.options, .invalid(let requirement)):
            "\(subject: subject): \(option) \(requirement)"
        case (.argument, .wrongType(let expected, let got)):
            "\(Self.withoutArticle(expected)) expected, got \(got)"
        case (.argument, .outOfRange(let requirement, let got)):
            "\(option) must be \(requirement), got \(got)"
        case (.argument, .unknown), (.argument, .missing), (.argument, .invalid):
            OptionProblem(subject, option: option, reason: reason).message
        case (_, .notNamed):
            "options for \(subject: subject) must be named (key = value)"
        case (.configuration, .unknown):
            "\(subject: subject) configuration: unknown key '\(option)'"
        case (.configuration, .missing):
            "\(subject: subject) configuration: missing '\(option)'"
        case (.configuration, .wrongType(let expected, let got)):
            "\(subject: subject) configuration: '\(option)' must be \(expected), got \(got)"
        case (.configuration, .outOfRange(let requirement, let got)):
            "\(subject: subject) configuration: '\(option)' must be \(requirement), got \(got)"
        case (.configuration, .invalid(let requirement)):
            "\(subject: subject) configuration: '\(option)' \(requirement)"
        }
    }

    /// `a positive integer` -> `positive integer`, as "X expected" reads.
    public static func withoutArticle(_ text: String) -> String {
        for article in ["a ", "an "] where text.hasPrefix(article) { return String(text.dropFirst(article.count)) }
        return text
    }

    /// ` (did you mean 'lr'?)` when a known name is close to the unknown one.
    public static func suggestion(_ key: String, _ known: [String]) -> String {
        let lowered = key.lowercased().filter { $0.isLetter || $0.isNumber }
        let close = known.sorted().first { candidate in
            let c = candidate.lowercased()
            return lowered.hasPrefix(c) || c.hasPrefix(lowered) || editDistance(Array(c), Array(lowered)) <= 2
        }
        return close.map { " (did you mean '\($0)'?)" } ?? ""
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
