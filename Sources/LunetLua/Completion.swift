import CLua
import LuaShim
import Lunet

extension LuaState {
    /// Completions of the trailing `name.field:meth` expression in `text`:
    /// globals, table fields and the methods of lunet objects. Lookups are raw,
    /// so completing never runs Lua code.
    public func completions(for text: String) -> [String] {
        let separators: Set<Character> = [".", ":"]
        let lastSeparator = text.lastIndex { separators.contains($0) }
        let prefix = lastSeparator.map { String(text[text.index(after: $0)...]) } ?? text
        let head = lastSeparator.map { String(text[...$0]) } ?? ""
        let path = lastSeparator.map { String(text[..<$0]) } ?? ""
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        lua_rawgeti(L, lunet_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        if !path.isEmpty {
            for part in path.split(whereSeparator: { separators.contains($0) }) {
                guard pushMembers(of: -1) else { return [] }
                LuaCall(L).push(String(part))
                lua_rawget(L, -2)
            }
        }
        guard pushMembers(of: -1) else { return [] }
        var names: [String] = []
        lua_pushnil(L)
        while lua_next(L, -2) != 0 {
            if lua_type(L, -2) == LUA_TSTRING, let key = try? LuaCall(L).string(-2),
               key.hasPrefix(prefix), !key.hasPrefix("__") {
                names.append(head + key)
            }
            lunet_pop(L, 1)
        }
        return names.sorted()
    }

    /// Pushes the table whose keys are the members of the value at `index`:
    /// the table itself, or a lunet object's methods. False when there is none.
    private func pushMembers(of index: Int32) -> Bool {
        let absolute = lua_absindex(L, index)
        switch lua_type(L, absolute) {
        case LUA_TTABLE:
            lua_pushvalue(L, absolute)
            return true
        case LUA_TUSERDATA:
            guard lua_getmetatable(L, absolute) != 0 else { return false }
            LuaCall(L).push("__methods")
            lua_rawget(L, -2)
            lunet_remove(L, -2)
            return lua_type(L, -1) == LUA_TTABLE
        default:
            return false
        }
    }
}
