import CLua
import LuaShim
import Lunet

/// `nn.Module`, `nn.Loss`, `nn.register`, and how `nn.load` finds the
/// definitions of layers written in Lua: a model file keeps their
/// parameters, type name and `config`, never their code, so loading needs
/// the constructor again, registered by name or passed to `nn.load`.
enum DefinitionBindings {
    /// The registry table of constructors by definition name.
    static let registryKey = "lunet.definitions"

    static let module = LuaLibrary(.module("nn"), doc: NNBindings.moduleDoc, functions: [
        LuaModuleBindings.constructor,
        LuaLossBindings.constructor,
        LuaFunction("register", "nn.register(name, constructor)",
                    "Registers constructor(config) -> nn.Module for the layers named name, so nn.load can rebuild them.") { call in
            let name = try call.string(1)
            guard lua_type(call.L, 2) == LUA_TFUNCTION else { throw call.typeError(2, expected: "function") }
            try call.reserveStack(3)
            table(call)
            call.push(name)
            lua_pushvalue(call.L, 2)
            lua_rawset(call.L, -3)
            lua_settop(call.L, -2)
            return 0
        },
    ])

    /// Pushes the registry table of constructors, made on first use.
    static func table(_ call: LuaCall) {
        call.push(registryKey)
        if lua_rawget(call.L, lunet_registryindex()) != LUA_TTABLE {
            lua_settop(call.L, -2)
            lua_createtable(call.L, 0, 4)
            call.push(registryKey)
            lua_pushvalue(call.L, -2)
            lua_rawset(call.L, lunet_registryindex())
        }
    }

    /// The constructor for `name`: from the table at `index` (nn.load's
    /// second argument) if given and holding it, else the registered one.
    static func constructor(_ call: LuaCall, _ name: String, tableAt index: Int32) throws -> LuaReference? {
        try call.reserveStack(3)
        if lua_type(call.L, index) == LUA_TTABLE {
            call.push(name)
            if lua_rawget(call.L, index) == LUA_TFUNCTION { return LuaReference(popping: call.L) }
            lua_settop(call.L, -2)
        }
        table(call)
        call.push(name)
        let found = lua_rawget(call.L, -2) == LUA_TFUNCTION
        lunet_remove(call.L, -2)
        if found { return LuaReference(popping: call.L) }
        lua_settop(call.L, -2)
        return nil
    }

    /// nn.load's builder: built-in layers by `ModuleFactory`, layers written
    /// in Lua by their constructor called with the saved `config`.
    static func builder(_ call: LuaCall, definitionsAt index: Int32) -> ModelArchitecture.Builder {
        { typeName, configuration, children in
            guard configuration[RecordedModule.marker] == .bool(true) else {
                return try ModuleFactory.make(typeName: typeName, configuration: configuration, children: children)
            }
            guard let constructor = try constructor(call, typeName, tableAt: index) else {
                throw LunetError("nn.load: the model holds '\(typeName)', a layer written in Lua; give its definition with nn.register('\(typeName)', constructor) or nn.load(path, {\(typeName) = constructor})")
            }
            let arguments = configuration["arguments"] ?? .object([:])
            let built = try call.callback(constructor, arguments: { c in
                c.push(LuaModuleBindings.luaValue(arguments))
                return 1
            }) { c, first in c.boxedObject(at: first) as? Module }
            guard let module = built as? RecordedModule, module.typeName == typeName else {
                throw LunetError("nn.load: the constructor given for '\(typeName)' must return an nn.Module named '\(typeName)', got \(built.map { LuaPhrasing().subject($0.subject) } ?? "no module")")
            }
            return module
        }
    }
}
