/// A network's structure as JSON, stored in a model file's metadata: one node
/// per module, `{"type": "Linear", "name": "fc6", "config": {...},
/// "children": [...]}`. The layers' own `configuration` (which holds their
/// L2 penalties) is what rebuilds them.
public enum ModelArchitecture {
    /// Rebuilds one module from its type name, configuration and already-built
    /// children (the layers' `ModuleFactory.make`).
    public typealias Builder = (_ typeName: String, _ configuration: [String: ConfigurationValue], _ children: [Module]) throws -> Module

    public static func json(of module: Module) throws -> JSONValue {
        var node: [String: JSONValue] = [
            "type": .string(module.typeName),
            "config": .object(module.configuration.mapValues(json(of:))),
        ]
        if let name = module.name { node["name"] = .string(name) }
        if !module.children.isEmpty { node["children"] = .array(try module.children.map(json(of:))) }
        return .object(node)
    }

    public static func json(of value: ConfigurationValue) -> JSONValue {
        switch value {
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .bool(let b): .bool(b)
        case .list(let items): .array(items.map(json(of:)))
        case .object(let fields): .object(fields.mapValues(json(of:)))
        }
    }

    /// Builds the module a node describes; `path` locates the node in messages (`children[3]`).
    public static func module(from node: JSONValue, path: String = "architecture", build: Builder) throws -> Module {
        guard case .object(let fields) = node, let typeName = fields["type"]?.stringValue else {
            throw LunetError("\(path) must be an object with a string 'type'")
        }
        if let config = fields["config"], config.objectValue == nil {
            throw LunetError("\(path).config must be an object, got \(config.kindName)")
        }
        let configuration = try (fields["config"]?.objectValue ?? [:]).mapValues {
            try self.configuration(from: $0, path: "\(path).config")
        }
        var children: [Module] = []
        if let list = fields["children"] {
            guard let items = list.arrayValue else { throw LunetError("\(path).children must be an array") }
            children = try items.enumerated().map { try module(from: $1, path: "\(path).children[\($0 + 1)]", build: build) }
        }
        let built = try build(typeName, configuration, children)
        if let name = fields["name"] {
            guard let text = name.stringValue else { throw LunetError("\(path).name must be a string") }
            built.name = text
        }
        return built
    }

    static func configuration(from value: JSONValue, path: String) throws -> ConfigurationValue {
        switch value {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .array(let items): return .list(try items.map { try configuration(from: $0, path: path) })
        case .object(let fields): return .object(try fields.mapValues { try configuration(from: $0, path: path) })
        case .null: throw LunetError("\(path) holds a null, which no layer option takes")
        }
    }
}
