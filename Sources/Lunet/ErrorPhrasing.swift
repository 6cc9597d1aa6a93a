/// A component of the engine as an error names it: a declared type (`Linear`,
/// `Adam`, `HardestNegativeSampler`), what distinguishes this one (its sizes,
/// or the options it was made with) and the name a user gave it.
///
/// ```swift
/// Subject("Linear", detail: .text("9216 -> 2048"), name: "fc6")   // Linear(9216 -> 2048) 'fc6'
/// Subject("HardestNegativeSampler", detail: .options([("refresh", .int(10))]))
/// ```
public struct Subject: Equatable, Sendable {
    public enum Detail: Equatable, Sendable {
        /// Shown as it is, in parentheses: `9216 -> 2048`.
        case text(String)
        /// Options it was made with, in declaration order; a front end writes
        /// them in its own syntax.
        case options([Option])
    }

    public struct Option: Equatable, Sendable {
        public let name: String
        public let value: ConfigurationValue

        public init(_ name: String, _ value: ConfigurationValue) {
            self.name = name
            self.value = value
        }
    }

    /// The declaration's name, unique in the engine (`Declaration.name`).
    public let declaration: String
    public let detail: Detail?
    public let name: String?

    public init(_ declaration: String, detail: Detail? = nil, name: String? = nil) {
        self.declaration = declaration
        self.detail = detail
        self.name = name
    }
}

/// How a front end words the facts of an error.
public protocol ErrorPhrasing {
    /// A 0-based position.
    func position(_ index: Int) -> String
    func subject(_ subject: Subject) -> String
}

/// The engine's own words: positions as they are, components by their Swift
/// names with options as Swift arguments: `Adam(lr: 0.001)`.
public struct SwiftPhrasing: ErrorPhrasing {
    public init() {}

    public func position(_ index: Int) -> String { "\(index)" }

    public func subject(_ subject: Subject) -> String {
        var text = subject.declaration
        switch subject.detail {
        case .text(let detail)?: text += "(\(detail))"
        case .options(let options)?:
            text += "(" + options.map { "\($0.name): \($0.value.messageText)" }.joined(separator: ", ") + ")"
        case nil: break
        }
        return text + (subject.name.map { " '\($0)'" } ?? "")
    }
}
