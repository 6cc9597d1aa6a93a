/// Rebuilds layers from their type name and `configuration`, for model files,
/// through the layers' declarations (`LayerRegistry`).
///
/// ```swift
/// let conv = try ModuleFactory.make(typeName: "Conv2d", configuration: layer.configuration, children: [])
/// ```
public enum ModuleFactory {
    /// The type names `make` knows.
    public static var typeNames: [String] { (LayerRegistry.declarations.map(\.typeName) + ["Sequential"]).sorted() }

    /// A fresh layer (new weights, to be overwritten by the loader) of
    /// `typeName` built from its saved constructor arguments; `Sequential`
    /// takes `children`.
    public static func make(typeName: String, configuration: [String: ConfigurationValue],
                            children: [Module]) throws -> Module {
        if typeName != "Sequential", !children.isEmpty {
            throw LunetError("\(subject: Subject(typeName)) cannot have children (model file lists \(children.count))")
        }
        if typeName == "Sequential" { return Sequential(children) }
        guard let declaration = LayerRegistry.declaration(named: typeName) else {
            throw LunetError("unknown layer type '\(typeName)' (known: \(typeNames.joined(separator: ", ")))")
        }
        return try declaration.make(configuration, context: .configuration)
    }
}
