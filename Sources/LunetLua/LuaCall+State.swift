import CLua
import LuaShim
import Lunet

extension LuaCall {
    /// The error value at `index` as text, whatever its type.
    func errorMessage(at index: Int32) -> String {
        if lua_type(L, index) == LUA_TSTRING, let text = try? string(index) { return text }
        return displayString(at: index)
    }

    /// What `tostring` shows, computed under a protected call (a `__tostring`
    /// may raise); falls back to the type name.
    public func displayString(at index: Int32) -> String {
        let absolute = lua_absindex(L, index)
        lua_rawgeti(L, lunet_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        push("tostring")
        lua_rawget(L, -2)
        lunet_remove(L, -2)
        lua_pushvalue(L, absolute)
        guard lunet_pcall(L, 1, 1, 0) == LUA_OK, lua_type(L, -1) == LUA_TSTRING, let text = try? string(-1) else {
            lunet_pop(L, 1)
            return "(\(typeName(at: absolute)))"
        }
        lunet_pop(L, 1)
        return text
    }

    /// Sets global `name` to the value at the top of the stack (popping it), raw.
    public func setGlobal(_ name: String) {
        lua_rawgeti(L, lunet_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        push(name)
        lua_pushvalue(L, -3)
        lua_rawset(L, -3)
        lunet_pop(L, 2)
    }

    /// Pushes global `name` (raw read; nil when absent).
    public func pushGlobal(_ name: String) {
        lua_rawgeti(L, lunet_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        push(name)
        lua_rawget(L, -2)
        lunet_remove(L, -2)
    }
}
