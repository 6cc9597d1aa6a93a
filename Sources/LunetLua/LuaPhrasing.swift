import Lunet

/// Engine errors in Lua's words: positions counted from 1, components named
/// as the bindings spell them (`nn.Linear(9216 -> 2048) 'fc6'`,
/// `optim.Adam`, `triplet.hardest{refresh = 10}`). The dispatcher phrases
/// every `LunetError` a binding throws through it.
struct LuaPhrasing: ErrorPhrasing {
    func position(_ index: Int) -> String { "\(oneBased(index))" }

    func subject(_ subject: Subject) -> String {
        var text = LuaNames.name(of: subject.declaration)
        switch subject.detail {
        case .text(let detail)?: text += "(\(detail))"
        case .options(let options)?:
            text += options.isEmpty ? "()" : "{" + options.map { "\($0.name) = \($0.value.luaText)" }.joined(separator: ", ") + "}"
        case nil: break
        }
        return text + (subject.name.map { " '\($0)'" } ?? "")
    }
}

/// The Lua name of each engine declaration, from the bindings that declare
/// them (`Adam` is `optim.Adam`); a declaration no binding names keeps its own name.
enum LuaNames {
    private static let names: [String: String] = {
        var names: [String: String] = [:]
        for entry in FunctionTable.entries {
            for function in entry.library.functions {
                guard let declaration = function.declaration else { continue }
                names[declaration.name] = qualifiedName(function, in: entry.library)
            }
        }
        return names
    }()

    static func name(of declaration: String) -> String {
        names[declaration] ?? declaration
    }

    /// `optim.Adam` for a module's function, `ds:batches` for a method.
    private static func qualifiedName(_ function: LuaFunction, in library: LuaLibrary) -> String {
        switch library.kind {
        case .module("_G"): function.name
        case .module(let path): "\(path).\(function.name)"
        case .type: String(function.signature.prefix { $0 != "(" })
        }
    }
}
