/// A value given for an option, as a front end hands it over.
public enum OptionValue {
    case value(ConfigurationValue)
    /// A nested options table, not yet checked.
    case table([String: OptionValue])
    /// A nested options table checked against its declaration.
    case options(OptionValues)
    /// An engine object (a dataset, an optimizer), with the front end's name for its type.
    case object(Any, typeName: String)
    /// A function of the front end's language, opaque to the engine.
    case function(Any)

    /// The kind of value, as messages name it when it is not what was expected.
    public var typeName: String {
        switch self {
        case .value(let value): value.typeName
        case .table, .options: "table"
        case .object(_, let typeName): typeName
        case .function: "function"
        }
    }
}

/// The checked options of one call, defaults filled in. The getters are for
/// values the declaration guarantees: asking for an undeclared name or the
/// wrong kind is a programming error, reported as an internal error.
///
/// ```swift
/// let values = try Adam.declaration.check(["lr": .value(.double(1e-4))])
/// let lr = try values.float("lr")
/// ```
public struct OptionValues {
    public let declaration: Declaration
    public let values: [String: OptionValue]

    public init(declaration: Declaration, values: [String: OptionValue]) {
        self.declaration = declaration
        self.values = values
    }

    /// Whether the option has a value (given, or by default).
    public func has(_ name: String) -> Bool { values[name] != nil }

    private func plain(_ name: String) throws -> ConfigurationValue? {
        switch values[name] {
        case nil: return nil
        case .value(let value)?: return value
        default: throw internalError(name, "a plain value")
        }
    }

    private func internalError(_ name: String, _ expected: String) -> LunetError {
        LunetError("\(subject: declaration.subject): internal: option '\(name)' is not \(expected)")
    }

    public func optionalInt(_ name: String) throws -> Int? {
        guard let value = try plain(name) else { return nil }
        guard let n = value.integerValue else { throw internalError(name, "an integer") }
        return n
    }

    public func int(_ name: String) throws -> Int {
        guard let n = try optionalInt(name) else { throw internalError(name, "given") }
        return n
    }

    public func optionalDouble(_ name: String) throws -> Double? {
        guard let value = try plain(name) else { return nil }
        guard let x = value.numberValue else { throw internalError(name, "a number") }
        return x
    }

    public func double(_ name: String) throws -> Double {
        guard let x = try optionalDouble(name) else { throw internalError(name, "given") }
        return x
    }

    public func float(_ name: String) throws -> Float { Float(try double(name)) }

    public func optionalBool(_ name: String) throws -> Bool? {
        guard let value = try plain(name) else { return nil }
        guard case .bool(let b) = value else { throw internalError(name, "a boolean") }
        return b
    }

    public func bool(_ name: String) throws -> Bool {
        guard let b = try optionalBool(name) else { throw internalError(name, "given") }
        return b
    }

    public func optionalString(_ name: String) throws -> String? {
        guard let value = try plain(name) else { return nil }
        guard case .string(let s) = value else { throw internalError(name, "a string") }
        return s
    }

    public func string(_ name: String) throws -> String {
        guard let s = try optionalString(name) else { throw internalError(name, "given") }
        return s
    }

    /// A list option's items.
    public func list(_ name: String) throws -> [ConfigurationValue]? {
        guard let value = try plain(name) else { return nil }
        guard case .list(let items) = value else { throw internalError(name, "a list") }
        return items
    }

    /// A seed, taken modulo 2^64; nil when absent.
    public func seed(_ name: String = "seed") throws -> UInt64? {
        try optionalInt(name).map { UInt64(bitPattern: Int64($0)) }
    }

    /// A nested options table, checked.
    public func options(_ name: String) throws -> OptionValues? {
        switch values[name] {
        case nil: return nil
        case .options(let nested)?: return nested
        default: throw internalError(name, "an options table")
        }
    }

    /// An engine object of type `T`, nil when absent.
    public func object<T>(_ name: String, as type: T.Type) throws -> T? {
        switch values[name] {
        case nil: return nil
        case .object(let object as T, _)?: return object
        default: throw internalError(name, "\(T.self)")
        }
    }

    /// The plain values, by name: what a model file saves, what a description shows.
    public var configuration: [String: ConfigurationValue] {
        values.compactMapValues { if case .value(let value) = $0 { value } else { nil } }
    }

    /// The plain values that differ from their defaults, in declaration order.
    public var changedFromDefaults: [Subject.Option] {
        declaration.options.compactMap { option in
            guard case .value(let value)? = values[option.name], value != option.defaultValue else { return nil }
            return Subject.Option(option.name, value)
        }
    }

    /// The error for a combination of values the declaration cannot express
    /// (`nesterov` without momentum).
    public func invalid(_ option: String, _ requirement: String) -> LunetError {
        OptionProblem(declaration.subject, option: option, reason: .invalid(requirement)).error
    }
}
