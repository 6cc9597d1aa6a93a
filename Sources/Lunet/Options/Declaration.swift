/// The options of one constructor or function, declared once: the arguments
/// given in order (`positional`), the options table's keys, their kinds,
/// ranges, defaults and documentation. A front end parses its arguments by
/// it and prints it as help; the engine checks the values it is given by it,
/// so each range holds in one place.
///
/// ```swift
/// static let declaration = Declaration("SGD", options: [
///     OptionDeclaration("lr", .number(.nonNegative), default: .double(0.01), doc: "learning rate"),
///     OptionDeclaration("momentum", .number(.probability), default: .double(0)),
/// ], doc: "Stochastic gradient descent, as torch.optim.SGD.")
/// let values = try SGD.declaration.check(["momentum": .value(.double(0.9))])
/// ```
public struct Declaration: Sendable {
    /// Unique in the engine: the Swift type (`Adam`) or function (`Trainer.fit`)
    /// it declares. Errors name it through a `Subject`; front ends map it to their own name.
    public let name: String
    /// Arguments given in order before the options table (`Linear(in, out, {...})`);
    /// one with a default may be left out.
    public let positional: [String]
    public let options: [OptionDeclaration]
    public let doc: String

    public init(_ name: String, positional: [String] = [], options: [OptionDeclaration] = [], doc: String) {
        self.name = name
        self.positional = positional
        self.options = options
        self.doc = doc
    }

    public func option(_ name: String) -> OptionDeclaration? { options.first { $0.name == name } }

    /// The options given in the options table (not positionally).
    public var tableOptions: [OptionDeclaration] { options.filter { !positional.contains($0.name) } }

    /// The subject errors about these options name.
    public var subject: Subject { Subject(name) }

    /// The documentation followed by the declared ranges.
    public var helpText: String {
        let ranges = options.compactMap(\.rangeText)
        return ranges.isEmpty ? doc : doc + " Ranges: " + ranges.joined(separator: ", ") + "."
    }

    /// `given` checked against the declaration, defaults filled in. `context`
    /// says where the values came from, for the wording of the error.
    public func check(_ given: [String: OptionValue], context: OptionProblem.Context = .options) throws -> OptionValues {
        if let unknown = given.keys.sorted().first(where: { option($0) == nil }) {
            throw OptionProblem(subject, option: unknown, reason: .unknown(known: options.map(\.name)), context: context).error
        }
        var checked: [String: OptionValue] = [:]
        for option in options {
            if let value = given[option.name] {
                checked[option.name] = try check(value, against: option, context: context)
            } else if let fallback = option.defaultValue {
                checked[option.name] = .value(fallback)
            } else if positional.contains(option.name) {
                throw OptionProblem(subject, option: option.name, reason: .missing, context: context).error
            }
        }
        return OptionValues(declaration: self, values: checked)
    }

    /// Plain values alone (a model file's configuration, a Swift initialiser's arguments).
    public func check(configuration: [String: ConfigurationValue], context: OptionProblem.Context = .options) throws -> OptionValues {
        try check(configuration.mapValues { .value($0) }, context: context)
    }

    private func check(_ value: OptionValue, against option: OptionDeclaration, context: OptionProblem.Context) throws -> OptionValue {
        func problem(_ reason: OptionProblem.Reason) -> LunetError {
            OptionProblem(subject, option: option.name, reason: reason, context: context).error
        }
        switch (option.kind, value) {
        case (.table(let nested), .table(let values)):
            return .options(try nested.check(values, context: context))
        case (.object(let kind), .object(let object, let typeName)):
            guard kind.accepts(object) else { throw problem(.wrongType(expected: kind.expected, got: typeName)) }
            return value
        case (.function, .function):
            return value
        case (.positions, .object(let object, let typeName)):
            guard ObjectKind.intTensor.accepts(object) else { throw problem(.wrongType(expected: option.kind.expected, got: typeName)) }
            return value
        case (.list, .table(let fields)) where fields.isEmpty:  // `{}`: an empty list
            return try check(.value(.list([])), against: option, context: context)
        case (_, .value(let plain)):
            switch option.kind.check(plain) {
            case .success(let normalized): return .value(normalized)
            case .failure(.wrongType(let expected)): throw problem(.wrongType(expected: expected, got: plain.shownWhenWrong))
            case .failure(.outOfRange(let requirement)): throw problem(.outOfRange(requirement: requirement, got: plain.messageText))
            }
        default:
            throw problem(.wrongType(expected: option.kind.expected, got: value.typeName))
        }
    }
}
