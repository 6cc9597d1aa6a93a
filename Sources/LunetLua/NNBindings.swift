import CLua
import Lunet

extension LuaTypeName {
    public static let module = "lunet.Module"
}

/// `nn.*` layer constructors, one per `LayerRegistry` declaration. Losses live
/// in the same `nn` table, installed by their own library.
enum NNBindings {
    /// What `help(nn)` says; several libraries fill the `nn` table.
    static let moduleDoc = "Layers (Torch-style modules with forward and backward), containers, losses and model files."

    static func push(_ call: LuaCall, _ module: Module) -> Int32 {
        call.push(newModule: module)
        return 1
    }

    static let module = LuaLibrary(.module("nn"), doc: moduleDoc,
                                   functions: LayerRegistry.declarations.map(constructor) + [sequential])

    /// `nn.<Type>(positional..., {options})`, checked against the declaration.
    static func constructor(_ declaration: LayerDeclaration) -> LuaFunction {
        LuaFunction(declaration.typeName, declaration.signature, declaration.helpText) { call in
            var values: [String: ConfigurationValue] = [:]
            var positions: [String: Int32] = [:]
            var index: Int32 = 1
            for name in declaration.positional {
                // An argument with a default may be left out before the options table.
                if declaration.option(name)?.defaultValue != nil, call.isNoneOrNil(index) || call.type(at: index) == LUA_TTABLE { break }
                values[name] = try configurationValue(call, index, expected: declaration.option(name)?.kind)
                positions[name] = index
                index += 1
            }
            let options = try call.options(index, for: declaration.owner, allowed: Set(declaration.tableOptions.map(\.name)))
            for (key, value) in options.values {
                guard let converted = configurationValue(value) else {
                    throw LunetError("option '\(key)' for \(declaration.owner): \(expectedText(declaration.option(key)?.kind)) expected, got \(value.typeName)")
                }
                values[key] = converted
            }
            do {
                return push(call, try declaration.make(try declaration.arguments(values)))
            } catch let error as LayerArgumentError {
                throw luaError(call, error, position: positions[error.option])
            }
        }
    }

    /// A declaration's complaint in Lua's words: a bad argument, or a bad option.
    static func luaError(_ call: LuaCall, _ error: LayerArgumentError, position: Int32?) -> Error {
        switch (error.reason, position) {
        case (.problem(.wrongType(let expected), let got), let index?):
            return call.argumentError(index, "\(withoutArticle(expected)) expected, got \(shown(got))")
        case (.problem(.outOfRange(let requirement), let got), let index?):
            return call.argumentError(index, "\(error.option) must be \(requirement), got \(got.messageText)")
        case (.problem(.wrongType(let expected), let got), nil):
            return LunetError("option '\(error.option)' for \(error.owner): \(withoutArticle(expected)) expected, got \(shown(got))")
        case (.problem(.outOfRange(let requirement), let got), nil):
            return LunetError("\(error.owner): \(error.option) must be \(requirement), got \(got.messageText)")
        case (.missing, _), (.unknown, _):
            return LunetError(error.configurationMessage)
        }
    }

    /// The argument at `index` as a configuration value; anything no option
    /// takes (a function, a tensor, nothing) is a type error.
    static func configurationValue(_ call: LuaCall, _ index: Int32, expected kind: LayerOption.Kind?) throws -> ConfigurationValue {
        guard let value = configurationValue(try call.value(index)) else {
            throw call.typeError(index, expected: expectedText(kind))
        }
        return value
    }

    static func configurationValue(_ value: LuaValue) -> ConfigurationValue? {
        switch value {
        case .integer(let n): return .int(n)
        case .number(let x): return .double(x)
        case .boolean(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .table(let table) where table.fields.isEmpty:
            let items = table.array.compactMap(configurationValue)
            return items.count == table.array.count ? .list(items) : nil
        default: return nil
        }
    }

    /// A number or a string shows its value, anything else its type.
    static func shown(_ value: ConfigurationValue) -> String {
        switch value {
        case .int, .double, .string: value.messageText
        default: value.typeName
        }
    }

    static func expectedText(_ kind: LayerOption.Kind?) -> String {
        kind.map { withoutArticle($0.expected) } ?? "value"
    }

    /// `a positive integer` -> `positive integer`, as lauxlib's "X expected" reads.
    static func withoutArticle(_ text: String) -> String {
        for article in ["a ", "an "] where text.hasPrefix(article) { return String(text.dropFirst(article.count)) }
        return text
    }

    static let sequential = LuaFunction("Sequential", "nn.Sequential([{m1, m2, ...}])", "A container running its layers in order.") { call in
        guard !call.isNoneOrNil(1) else { return push(call, Sequential()) }
        guard case .table(let table) = try call.value(1), table.fields.isEmpty else {
            throw call.typeError(1, expected: "list of nn modules")
        }
        let layers = try table.array.enumerated().map { index, value in
            guard case .object(let object) = value, let module = object as? Module else {
                throw call.argumentError(1, "item \(index + 1) is a \(value.typeName), expected an nn module")
            }
            return module
        }
        return push(call, Sequential(layers))
    }
}
