/// A layer type's constructor, declared once: its arguments with their kinds,
/// ranges and defaults, its documentation, and how to build it from checked
/// arguments. `nn.<Type>(...)` in Lua, the model-file reader and `help` all
/// use it; a new layer adds its declaration to `LayerRegistry.declarations`.
///
/// ```swift
/// LayerDeclaration("L2Normalize", options: [LayerOption("eps", .number(.positive), default: .double(1e-12))],
///                  doc: "Divides each row by its Euclidean norm.") { try L2Normalize(epsilon: $0.float("eps")) }
/// ```
public struct LayerDeclaration: Sendable {
    public let typeName: String
    /// Arguments given in order before the options table (`nn.Linear(in, out, {...})`);
    /// one with a default may be left out (`nn.Dropout({seed = 1})`).
    public let positional: [String]
    public let options: [LayerOption]
    public let doc: String
    private let build: @Sendable (LayerArguments) throws -> Module

    public init(_ typeName: String, positional: [String] = [], options: [LayerOption] = [], doc: String,
                build: @escaping @Sendable (LayerArguments) throws -> Module) {
        self.typeName = typeName
        self.positional = positional
        self.options = options
        self.doc = doc
        self.build = build
    }

    /// `nn.Linear`, as messages name the layer.
    public var owner: String { "nn.\(typeName)" }

    public func option(_ name: String) -> LayerOption? { options.first { $0.name == name } }

    /// The options given in the options table.
    public var tableOptions: [LayerOption] { options.filter { !positional.contains($0.name) } }

    /// `nn.Linear(in, out[, {bias=true, init='glorot'|'he', seed=, l2=0}])`
    public var signature: String {
        var arguments = positional.map { name in
            guard let value = option(name)?.defaultValue else { return name }
            return "[\(name)=\(value.docText)]"
        }
        let table = tableOptions.map(\.docText)
        if !table.isEmpty { arguments.append((arguments.isEmpty ? "[" : "[, ") + "{" + table.joined(separator: ", ") + "}]") }
        return "\(owner)(" + arguments.joined(separator: ", ").replacingOccurrences(of: ", [, ", with: "[, ") + ")"
    }

    /// The documentation followed by the declared ranges.
    public var helpText: String {
        let ranges = options.compactMap(\.rangeText)
        return ranges.isEmpty ? doc : doc + " Ranges: " + ranges.joined(separator: ", ") + "."
    }

    /// `values` checked against the declaration, with defaults filled in;
    /// throws a `LayerArgumentError` naming the first wrong argument.
    public func arguments(_ values: [String: ConfigurationValue]) throws -> LayerArguments {
        var checked: [String: ConfigurationValue] = [:]
        for option in options {
            guard let value = values[option.name] else {
                if let fallback = option.defaultValue {
                    checked[option.name] = fallback
                } else if positional.contains(option.name) {
                    throw LayerArgumentError(owner: owner, option: option.name, reason: .missing)
                }
                continue
            }
            switch option.check(value) {
            case .success(let normalized): checked[option.name] = normalized
            case .failure(let problem): throw LayerArgumentError(owner: owner, option: option.name, reason: .problem(problem, got: value))
            }
        }
        if let unknown = values.keys.sorted().first(where: { option($0) == nil }) {
            throw LayerArgumentError(owner: owner, option: unknown, reason: .unknown)
        }
        return LayerArguments(owner: owner, values: checked)
    }

    /// A fresh layer from checked arguments.
    public func make(_ arguments: LayerArguments) throws -> Module {
        try build(arguments)
    }
}

/// An argument that does not fit its declaration. Each caller words it for
/// where the value came from (a Lua argument, an options table, a model file).
public struct LayerArgumentError: Error {
    public enum Reason: Sendable {
        case missing, unknown
        case problem(LayerOption.Problem, got: ConfigurationValue)
    }

    public let owner: String
    public let option: String
    public let reason: Reason

    public init(owner: String, option: String, reason: Reason) {
        self.owner = owner
        self.option = option
        self.reason = reason
    }

    /// In a model file's words: `nn.Linear configuration: 'l2' must be a non-negative number, got -1.0`.
    public var configurationMessage: String {
        let prefix = "\(owner) configuration: "
        switch reason {
        case .missing: return prefix + "missing '\(option)'"
        case .unknown: return prefix + "unknown key '\(option)'"
        case .problem(.wrongType(let expected), let got): return prefix + "'\(option)' must be \(expected), got \(got.messageText)"
        case .problem(.outOfRange(let requirement), let got): return prefix + "'\(option)' must be \(requirement), got \(got.messageText)"
        }
    }
}

/// The checked arguments of one layer constructor, defaults filled in.
public struct LayerArguments {
    public let owner: String
    let values: [String: ConfigurationValue]

    private func value(_ name: String) throws -> ConfigurationValue {
        guard let value = values[name] else { throw LunetError("\(owner): internal: no argument '\(name)'") }
        return value
    }

    public func has(_ name: String) -> Bool { values[name] != nil }

    public func int(_ name: String) throws -> Int {
        guard let n = try value(name).integerValue else { throw LunetError("\(owner): internal: '\(name)' is not an integer") }
        return n
    }

    public func float(_ name: String) throws -> Float {
        guard let x = try value(name).numberValue else { throw LunetError("\(owner): internal: '\(name)' is not a number") }
        return Float(x)
    }

    public func bool(_ name: String) throws -> Bool {
        guard case .bool(let b) = try value(name) else { throw LunetError("\(owner): internal: '\(name)' is not a boolean") }
        return b
    }

    /// A kernel or stride; nil when absent and declared without default.
    public func size(_ name: String) throws -> Size2D? {
        guard let value = values[name] else { return nil }
        return try Size2D(configuration: value, key: name, owner: owner)
    }

    public func padding() throws -> Padding {
        try Padding(configuration: try value("padding"), owner: owner)
    }

    public func initializer() throws -> WeightInitializer {
        guard case .string(let name) = try value("init"), let initializer = WeightInitializer(rawValue: name) else {
            throw LunetError("\(owner): internal: 'init' is not an initializer")
        }
        return initializer
    }

    /// The `seed` option, taken modulo 2^64; nil when absent.
    public func seed() -> UInt64? {
        values["seed"]?.integerValue.map { UInt64(bitPattern: Int64($0)) }
    }
}

extension LayerOption {
    /// `l2=0`, `init='glorot'|'he'`, `seed=`, `stride=kernel`.
    var docText: String {
        if case .choice(let choices) = kind {
            let fallback = defaultValue.flatMap { if case .string(let s) = $0 { s } else { nil } }
            let ordered = fallback.map { [$0] + choices.filter { $0 != fallback } } ?? choices
            return "\(name)=" + ordered.map { "'\($0)'" }.joined(separator: "|")
        }
        if case .padding(let explicit) = kind {
            return "\(name)='valid'|'same'" + (explicit ? "|n" : "")
        }
        return "\(name)=" + (defaultText ?? defaultValue?.docText ?? "")
    }
}

extension ConfigurationValue {
    /// A default as Lua code writes it: `0.5`, `true`, `'glorot'`, `{2, 3}`.
    var docText: String {
        switch self {
        case .double(let d) where d == d.rounded() && Swift.abs(d) < 1e6: "\(Int(d))"
        case .double(let d): String(format: "%.14g", d)
        default: messageText
        }
    }
}
