/// One option (or constructor argument), declared once with its kind, range,
/// default and documentation: the front end parses by it, its help prints it,
/// the engine's initialiser checks by it, model files are read through it.
///
/// ```swift
/// OptionDeclaration("l2", .number(.nonNegative), default: .double(0), doc: "L2 penalty on the weights, as Keras adds it")
/// ```
public struct OptionDeclaration: Sendable {
    public let name: String
    public let kind: OptionKind
    /// The value when the option is not given; nil makes a positional argument
    /// required and leaves any other option absent (`stride` then follows `kernel`).
    public let defaultValue: ConfigurationValue?
    /// How help shows an absent default (`stride=kernel`).
    public let defaultText: String?
    public let doc: String

    public init(_ name: String, _ kind: OptionKind, default defaultValue: ConfigurationValue? = nil,
                defaultText: String? = nil, doc: String = "") {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.defaultText = defaultText
        self.doc = doc
    }

    /// `l2 >= 0`, `in from 1 to 2^40`: the range as help lists it; nil when
    /// the kind says it all.
    public var rangeText: String? {
        switch kind {
        case .integer(let range) where range.upperBound == Int.max: "\(name) >= \(range.lowerBound)"
        case .integer(let range):
            "\(name) from \(OptionKind.boundText(range.lowerBound)) to \(OptionKind.boundText(range.upperBound))"
        case .number(let range): range.rangeText(name)
        default: nil
        }
    }
}
