import Foundation
import CLua
import LuaShim
import Lunet

/// Puts the bindings of `FunctionTable` into a fresh state: module tables as
/// globals, types as metatables in the registry.
struct LuaInstaller {
    let L: OpaquePointer
    var call: LuaCall { LuaCall(L) }

    init(_ L: OpaquePointer) { self.L = L }

    func installAll() throws {
        for entry in FunctionTable.entries {
            switch entry.library.kind {
            case .module(let path): try installModule(entry, path: path)
            case .type(let metatable): try installType(entry, metatable: metatable)
            }
        }
    }

    /// Pushes the table at dotted global path `path`, creating missing parts.
    private func pushModuleTable(_ path: String) {
        lua_rawgeti(L, lunet_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        guard path != "_G" else { return }
        for part in path.split(separator: ".") {
            call.push(String(part))
            lua_rawget(L, -2)
            if lua_type(L, -1) != LUA_TTABLE {
                lunet_pop(L, 1)
                lunet_newtable(L)
                call.push(String(part))
                lua_pushvalue(L, -2)
                lua_rawset(L, -4)
            }
            lunet_remove(L, -2)
        }
    }

    private func setFunctions(_ functions: [LuaFunction], ids: [Int]) {
        for (function, id) in zip(functions, ids) {
            call.push(function.name)
            lunet_push_function(L, lua_Integer(id))
            lua_rawset(L, -3)
        }
    }

    private func installModule(_ entry: FunctionTable.Entry, path: String) throws {
        pushModuleTable(path)
        setFunctions(entry.library.functions, ids: entry.functionIDs)
        // Remember which table is which module, for `help`.
        setInRegistryTable(LuaInstaller.modulesKey) { call.push(path) }
        lunet_pop(L, 1)
    }

    /// `registry[key][value at the top] = pushValue()`, creating `registry[key]`
    /// when missing; the stack is left as it was.
    private func setInRegistryTable(_ key: String, _ pushValue: () -> Void) {
        call.push(key)
        lua_rawget(L, lunet_registryindex())
        if lua_type(L, -1) != LUA_TTABLE {
            lunet_pop(L, 1)
            lunet_newtable(L)
            call.push(key)
            lua_pushvalue(L, -2)
            lua_rawset(L, lunet_registryindex())
        }
        lua_pushvalue(L, -2)
        pushValue()
        lua_rawset(L, -3)
        lunet_pop(L, 1)
    }

    private func installType(_ entry: FunctionTable.Entry, metatable: String) throws {
        lunet_newtable(L)  // metatable
        call.setField("__name") { call.push(String(metatable.split(separator: ".").last ?? "")) }
        // getmetatable(x) gives this name, not the table: Lua code cannot reach
        // __gc or plant these methods on another userdata.
        call.setField("__metatable") { call.push(metatable) }
        call.setField("__gc") { lunet_push_function(L, lua_Integer(FunctionTable.gcID)) }
        setFunctions(entry.library.metamethods, ids: entry.metamethodIDs)
        lunet_newtable(L)  // methods
        setFunctions(entry.library.functions, ids: entry.functionIDs)
        call.push("__methods")
        lua_pushvalue(L, -2)
        lua_rawset(L, -4)
        if let getterID = entry.fieldGetterID {
            try pushFieldIndex(getterID)
        }
        // Stack: metatable, __index value.
        call.push("__index")
        lunet_insert(L, -2)
        lua_rawset(L, -3)
        registerAsLunetMetatable()
        call.push(metatable)
        lunet_insert(L, -2)
        lua_rawset(L, lunet_registryindex())
    }

    /// Adds the metatable at the top of the stack to the registry's set of
    /// lunet metatables, by which boxes are recognised.
    private func registerAsLunetMetatable() {
        setInRegistryTable(LuaInstaller.metatablesKey) { call.push(true) }
    }

    /// Replaces the methods table at the top with an `__index` function that
    /// looks in it first and asks the field getter otherwise.
    private func pushFieldIndex(_ getterID: Int) throws {
        let source = """
            local methods, getter = ...
            return function(self, key)
              local method = methods[key]
              if method ~= nil or type(key) ~= "string" then return method end
              return getter(self, key)
            end
            """
        guard source.withCString({ lunet_loadbuffer(L, $0, strlen($0), "=(lunet index)") }) == LUA_OK else {
            throw LunetError("internal: cannot compile the index function")
        }
        lunet_insert(L, -2)  // chunk, methods
        lunet_push_function(L, lua_Integer(getterID))
        guard lunet_pcall(L, 2, 1, 0) == LUA_OK else {
            throw LunetError("internal: cannot build the index function")
        }
    }

    static let modulesKey = "lunet.modules"
    static let metatablesKey = "lunet.metatables"
}
