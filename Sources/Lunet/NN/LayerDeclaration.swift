/// A layer type's constructor: its `Declaration` (arguments with their kinds,
/// ranges, defaults and documentation) and how to build the layer from
/// checked values. Lua's `nn.<Type>(...)`, the model-file reader and help all
/// use it; a new layer adds its declaration to `LayerRegistry.declarations`.
///
/// ```swift
/// LayerDeclaration("L2Normalize", options: [OptionDeclaration("eps", .number(.positive), default: .double(1e-12))],
///                  doc: "Divides each row by its Euclidean norm.") { try L2Normalize(epsilon: $0.float("eps")) }
/// ```
public struct LayerDeclaration: Sendable {
    public let declaration: Declaration
    private let build: @Sendable (OptionValues) throws -> Module

    public init(_ typeName: String, positional: [String] = [], options: [OptionDeclaration] = [], doc: String,
                build: @escaping @Sendable (OptionValues) throws -> Module) {
        declaration = Declaration(typeName, positional: positional, options: options, doc: doc)
        self.build = build
    }

    /// The layer's type name (`Linear`), as model files and the constructor name it.
    public var typeName: String { declaration.name }

    /// A fresh layer from plain values (a model file's configuration, or a
    /// front end's arguments), checked against the declaration.
    public func make(_ configuration: [String: ConfigurationValue], context: OptionProblem.Context = .options) throws -> Module {
        try make(try declaration.check(configuration: configuration, context: context))
    }

    /// A fresh layer from checked values.
    public func make(_ values: OptionValues) throws -> Module {
        try build(values)
    }
}

extension OptionValues {
    /// A kernel or stride; nil when absent and declared without default.
    public func size(_ name: String) throws -> Size2D? {
        guard case .value(let value)? = values[name] else { return nil }
        return try Size2D(configuration: value, key: name, owner: declaration.subject)
    }

    public func padding() throws -> Padding {
        guard case .value(let value)? = values["padding"] else { throw LunetError("\(subject: declaration.subject): internal: no padding") }
        return try Padding(configuration: value, owner: declaration.subject)
    }

    public func initializer() throws -> WeightInitializer {
        guard let initializer = WeightInitializer(rawValue: try string("init")) else {
            throw LunetError("\(subject: declaration.subject): internal: 'init' is not an initializer")
        }
        return initializer
    }
}
