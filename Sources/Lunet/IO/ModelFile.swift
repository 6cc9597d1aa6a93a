import Foundation

/// Models as `.safetensors` files: every parameter and buffer as an F32 tensor
/// named by its path (`fc6.weight`, `2.running_mean`; unnamed children are
/// numbered from 1), and in the metadata `format = "lunet"`,
/// `format_version = "1"`, the architecture as JSON and the training flag.
/// PyTorch's `safetensors.torch.load_file` or NumPy read the weights.
///
/// ```lua
/// nn.save(net, "net.safetensors")
/// local same = nn.load("net.safetensors")
/// ```
public enum ModelFile {
    public static let formatName = "lunet"
    public static let formatVersion = 1

    /// Every tensor of the model by saved name: `Module.namedParameters` then
    /// `Module.namedBuffers` (`fc6.weight`, `3.bias`, `bn1.running_mean`; a lone
    /// layer's are `weight`, `bias`, ... as in PyTorch's `state_dict`).
    public static func namedTensors(of module: Module) -> [(name: String, value: Tensor<Float>)] {
        module.namedParameters.map { ($0.0, $0.1.value) } + module.namedBuffers.map { ($0.0, $0.1) }
    }

    // MARK: Saving

    /// The file's contents: tensors, architecture and format marker.
    public static func encode(_ module: Module) throws -> SafeTensorsFile {
        var tensors: [(name: String, tensor: AnyTensor)] = []
        for (name, value) in namedTensors(of: module) {
            guard !tensors.contains(where: { $0.name == name }) else {
                throw LunetError("cannot save \(subject: module.subject): two tensors would be named '\(name)'; rename a layer with :named()")
            }
            tensors.append((name, .float(value)))
        }
        let metadata = [
            "format": formatName,
            "format_version": String(formatVersion),
            "architecture": try ModelArchitecture.json(of: module).encoded(),
            "training": module.isTraining ? "true" : "false",
        ]
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Writes `module` to `path` atomically.
    public static func save(_ module: Module, to path: String) throws {
        do {
            try encode(module).write(to: path)
        } catch let error as LunetError where !error.message.hasPrefix("cannot") {
            throw LunetError("cannot save model to '\(path)': \(error)")
        }
    }

    // MARK: Loading

    /// Reads a model written by `save`, rebuilding layers with `build`.
    public static func load(_ path: String, build: ModelArchitecture.Builder) throws -> Module {
        let data = try AtomicFile.read(path)
        do {
            return try decode(try SafeTensorsFile(decoding: data), build: build)
        } catch let error as LunetError {
            throw LunetError("cannot load model '\(path)': \(error)")
        }
    }

    /// The model a decoded file describes, with its weights and buffers.
    public static func decode(_ file: SafeTensorsFile, build: ModelArchitecture.Builder) throws -> Module {
        guard file.metadata["format"] == formatName, let architectureText = file.metadata["architecture"] else {
            throw LunetError("not a lunet model (a .safetensors file without lunet's 'format' and 'architecture' metadata; \(subject: SafeTensorsFile.readDeclaration.subject) reads its tensors)")
        }
        guard let version = file.metadata["format_version"].flatMap({ Int($0) }), version >= 1 else {
            throw LunetError("metadata 'format_version' is missing or not a number")
        }
        guard version <= formatVersion else {
            throw LunetError("written by a newer lunet (format version \(version); this one reads up to \(formatVersion))")
        }
        let architecture: JSONValue
        do {
            architecture = try JSONValue.parse(architectureText)
        } catch let error as LunetError {
            throw LunetError("metadata 'architecture': \(error)")
        }
        let module = try ModelArchitecture.module(from: architecture, build: build)
        try restoreTensors(of: module, from: file)
        switch file.metadata["training"] {
        case "true"?, nil: module.setTraining(true)
        case "false"?: module.setTraining(false)
        case let other?: throw LunetError("metadata 'training' must be \"true\" or \"false\", got \"\(other)\"")
        }
        return module
    }

    private static func restoreTensors(of module: Module, from file: SafeTensorsFile) throws {
        let parameters = module.namedParameters
        let buffers = module.namedBuffers
        let known = Set(parameters.map(\.0) + buffers.map(\.0))
        for (name, _) in file.tensors where !known.contains(name) {
            throw LunetError("tensor '\(name)' matches no parameter or buffer of the architecture")
        }
        for (name, parameter) in parameters {
            parameter.value = try storedTensor(name, in: file, shape: parameter.value.shape)
        }
        for (name, current) in buffers {
            try module.setNamedBuffer(name, try storedTensor(name, in: file, shape: current.shape))
        }
    }

    /// The file's F32 tensor `name`, which must have `shape`.
    private static func storedTensor(_ name: String, in file: SafeTensorsFile, shape: [Int]) throws -> Tensor<Float> {
        guard let tensor = file[name] else { throw LunetError("tensor '\(name)' is missing") }
        guard case .float(let value) = tensor else {
            throw LunetError("tensor '\(name)' is \(tensor.typeName), F32 expected")
        }
        try checkShape(name, value.shape, shape)
        return value
    }

    private static func checkShape(_ name: String, _ found: [Int], _ needed: [Int]) throws {
        guard found == needed else {
            throw LunetError("tensor '\(name)' has shape \(formatShape(found)), the architecture needs \(formatShape(needed))")
        }
    }
}
