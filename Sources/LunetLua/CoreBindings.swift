import CLua
import Dispatch
import LuaShim
import Lunet

/// Global helpers: `help`, and the documentation hooks the Lua library uses.
enum CoreBindings {
    static let library = LuaLibrary(.module("_G"), doc: "lunet's globals.", functions: [
        LuaFunction("help", "help([x])", "Prints the documentation of a function, module, object or type; without argument, lists the modules.") { call in
            print(try docText(call, at: 1))
            return 0
        },
        LuaFunction("__lunet_doc", "__lunet_doc(x)", "Returns the text help(x) prints.") { call in
            call.push(try docText(call, at: 1))
            return 1
        },
        LuaFunction("__lunet_check_options", "__lunet_check_options(options, owner, kinds)",
                    "Checks an options table as the bindings do; lunet.checkOptions wraps it.") { call in
            try checkOptions(call)
        },
        LuaFunction("__lunet_terminal_columns", "__lunet_terminal_columns()",
                    "The width of the terminal on standard output, or nil; lunet.display reads it.") { call in
            guard let columns = TrainingBindings.terminalWidth() else { return 0 }
            call.push(columns)
            return 1
        },
    ])

    /// The kinds a Lua-side options check may name, in the declarations' vocabulary.
    static let optionKinds: [String: OptionKind] = [
        "integer": .seed, "positive integer": .integer(1...Int.max), "non-negative integer": .integer(0...Int.max),
        "number": .number(.finite), "non-negative number": .number(.nonNegative), "positive number": .number(.positive),
        "probability": .number(.probability), "boolean": .boolean, "string": .string,
    ]

    /// `lunet.checkOptions(options, owner, {key = kind})`: a declaration made
    /// on the spot for an options table of Lua code, checked as the bindings
    /// check theirs (`unknown option 'clases' for models.babenko (did you mean
    /// 'classes'?)`); returns the options, or an empty table for nil.
    static func checkOptions(_ call: LuaCall) throws -> Int32 {
        let owner = try call.string(2)
        guard case .table(let kindTable) = try call.value(3) else { throw call.typeError(3, expected: "table of option kinds") }
        var options: [OptionDeclaration] = []
        for key in kindTable.fields.keys.sorted() {
            guard case .string(let name)? = kindTable.fields[key], let kind = optionKinds[name] else {
                throw call.argumentError(3, "unknown kind for '\(key)' (known: \(optionKinds.keys.sorted().joined(separator: ", ")))")
            }
            options.append(OptionDeclaration(key, kind))
        }
        guard call.isNoneOrNil(1) || call.type(at: 1) == LUA_TTABLE else {
            throw LunetError("\(owner): options table expected, got \(call.typeName(at: 1))")
        }
        _ = try call.options(1, declaredBy: Declaration(owner, options: options, doc: ""))
        if call.isNoneOrNil(1) { lua_createtable(call.L, 0, 0) } else { lua_pushvalue(call.L, 1) }
        return 1
    }

    /// `sys`: the process and its clock, in Torch7's words.
    static let system = LuaLibrary(.module("sys"), doc: "the clock and the machine.", functions: [
        LuaFunction("clock", "sys.clock()", "Wall-clock seconds (high resolution), for timing: local t = sys.clock(); ...; print(sys.clock() - t).") { call in
            call.push(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
            return 1
        },
        LuaFunction("threads", "sys.threads()", "The number of threads OpenBLAS and the engine's parallel loops use.") { call in
            call.push(BLAS.threadCount)
            return 1
        },
    ])

    /// Documentation of the value at `index`.
    static func docText(_ call: LuaCall, at index: Int32) throws -> String {
        let L = call.L
        if call.isNoneOrNil(index) && call.argumentCount < index { return overview() }
        let id = lunet_binding_id(L, index)
        if id >= 0, let function = FunctionTable.function(Int(id)) {
            return "\(function.signature)\n  \(function.doc)"
        }
        if let text = luaDoc(call, index) { return text }
        if lua_type(L, index) == LUA_TTABLE, let name = moduleName(call, index) {
            return moduleText(name)
        }
        if lua_type(L, index) == LUA_TUSERDATA, lua_getmetatable(L, index) != 0 {
            call.push("__name")
            lua_rawget(L, -2)
            let typeName = (try? call.string(-1)) ?? ""
            lunet_pop(L, 2)
            if let entry = FunctionTable.entries.first(where: { $0.library.name == "lunet." + typeName }) {
                return libraryText(entry.library, title: call.typeName(at: index))
            }
        }
        return "no documentation for this \(call.typeName(at: index))"
    }

    static func overview() -> String {
        var lines = ["lunet: tensors, networks, datasets and retrieval in Lua. help(x) documents x.", "Modules:"]
        for (name, doc) in moduleDocs() {
            lines.append("  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(doc)")
        }
        lines.append("Try help(tensor), help(tensor.zeros), or help(x) for a tensor x.")
        return lines.joined(separator: "\n")
    }

    /// Each global module once, in installation order, with the doc of the
    /// first library that fills it (several areas add to `nn` and `tensor`).
    static func moduleDocs() -> [(name: String, doc: String)] {
        var result: [(name: String, doc: String)] = []
        for entry in FunctionTable.entries {
            guard case .module(let name) = entry.library.kind, name != "_G",
                  !result.contains(where: { $0.name == name }) else { continue }
            result.append((name, entry.library.doc))
        }
        return result
    }

    static func moduleText(_ name: String) -> String {
        let libraries = FunctionTable.entries.map(\.library).filter {
            if case .module(let n) = $0.kind { return n == name }
            return false
        }
        guard let first = libraries.first else { return "module \(name)" }
        return libraryText(first, title: name, extra: libraries.dropFirst().flatMap(\.functions))
    }

    static func libraryText(_ library: LuaLibrary, title: String, extra: [LuaFunction] = []) -> String {
        var lines = ["\(title): \(library.doc)"]
        for function in (library.functions + extra).sorted(by: { $0.name < $1.name }) where !function.name.hasPrefix("_") {
            lines.append("  \(function.signature)")
            lines.append("      \(function.doc)")
        }
        return lines.joined(separator: "\n")
    }

    /// The module name of a table installed by `LuaInstaller`.
    private static func moduleName(_ call: LuaCall, _ index: Int32) -> String? {
        registryString(call, table: LuaInstaller.modulesKey, key: index)
    }

    /// Documentation the Lua library registered with `lunet.document(f, text)`.
    private static func luaDoc(_ call: LuaCall, _ index: Int32) -> String? {
        registryString(call, table: "lunet.docs", key: index)
    }

    /// `registry[table][value at key]` when it is a string (raw reads only).
    private static func registryString(_ call: LuaCall, table: String, key index: Int32) -> String? {
        let L = call.L
        let absolute = lua_absindex(L, index)
        call.push(table)
        lua_rawget(L, lunet_registryindex())
        guard lua_type(L, -1) == LUA_TTABLE else { lunet_pop(L, 1); return nil }
        lua_pushvalue(L, absolute)
        lua_rawget(L, -2)
        let text = lua_type(L, -1) == LUA_TSTRING ? try? call.string(-1) : nil
        lunet_pop(L, 2)
        return text
    }
}
