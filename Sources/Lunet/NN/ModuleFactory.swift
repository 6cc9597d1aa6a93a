/// Rebuilds layers from their type name and `configuration`, for model files.
///
/// ```swift
/// let conv = try ModuleFactory.make(typeName: "Conv2d", configuration: layer.configuration, children: [])
/// ```
public enum ModuleFactory {
    /// The type names `make` knows.
    public static let typeNames = ["BatchNorm1d", "BatchNorm2d", "Conv2d", "Dropout", "Flatten", "L2Normalize",
                                   "Linear", "MaxPool2d", "ReLU", "Sequential", "Sigmoid", "Tanh"]

    /// A fresh layer (new weights, to be overwritten by the loader) of
    /// `typeName` built from its saved constructor arguments; `Sequential`
    /// takes `children`.
    public static func make(typeName: String, configuration: [String: ConfigurationValue],
                            children: [Module]) throws -> Module {
        let config = ConfigurationReader(typeName, configuration)
        if typeName != "Sequential", !children.isEmpty {
            throw LunetError("nn.\(typeName) cannot have children (model file lists \(children.count))")
        }
        switch typeName {
        case "Sequential": return Sequential(children)
        case "Linear":
            return try Linear(config.int("in"), config.int("out"), bias: config.bool("bias", default: true),
                              initializer: initializer(config), l2: Float(config.double("l2", default: 0)))
        case "Conv2d":
            return try Conv2d(config.int("in"), config.int("out"), kernel: config.size("kernel"),
                              stride: config.size("stride", default: Size2D(square: 1)), padding: config.padding(),
                              bias: config.bool("bias", default: true), initializer: initializer(config),
                              l2: Float(config.double("l2", default: 0)))
        case "MaxPool2d":
            let kernel = try config.size("kernel")
            return try MaxPool2d(kernel: kernel, stride: config.size("stride", default: kernel), padding: config.padding())
        case "BatchNorm1d", "BatchNorm2d":
            return try BatchNorm(config.int("size"), spatialDimensions: typeName == "BatchNorm1d" ? 1 : 2,
                                 momentum: Float(config.double("momentum", default: 0.1)),
                                 epsilon: Float(config.double("eps", default: 1e-5)))
        case "Dropout": return try Dropout(Float(config.double("p", default: 0.5)))
        case "L2Normalize": return L2Normalize(epsilon: Float(try config.double("eps", default: 1e-12)))
        case "Flatten": return Flatten()
        case "ReLU": return ReLU()
        case "Sigmoid": return Sigmoid()
        case "Tanh": return Tanh()
        default:
            throw LunetError("unknown layer type '\(typeName)' (known: \(typeNames.joined(separator: ", ")))")
        }
    }

    private static func initializer(_ config: ConfigurationReader) throws -> WeightInitializer {
        guard case .string(let name)? = config.values["init"] else { return .glorot }
        guard let initializer = WeightInitializer(rawValue: name) else {
            throw config.error("init", "one of \(WeightInitializer.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
        }
        return initializer
    }
}
