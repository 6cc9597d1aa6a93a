import CLua
import LuaShim

/// Keeps a Lua value (a callback function) alive in the registry while Swift
/// holds it; released when the last Swift copy goes. Not `Sendable`: a
/// reference is only touched on the thread that owns its Lua state.
public final class LuaReference {
    let state: LuaStateHandle
    let reference: Int32

    /// Takes the value at the top of the stack (and pops it).
    init(popping L: OpaquePointer) {
        state = LuaStateHandle.handle(for: L)
        reference = luaL_ref(L, lunet_registryindex())
    }

    public func push(_ L: OpaquePointer) {
        lua_rawgeti(L, lunet_registryindex(), lua_Integer(reference))
    }

    deinit {
        if let L = state.L {
            luaL_unref(L, lunet_registryindex(), reference)
        }
    }
}

/// The lua_State behind references, cleared when the state closes so late
/// releases do nothing.
final class LuaStateHandle: @unchecked Sendable {
    private(set) var L: OpaquePointer?
    nonisolated(unsafe) private static var handles: [OpaquePointer: LuaStateHandle] = [:]

    private init(_ L: OpaquePointer) { self.L = L }

    static func handle(for L: OpaquePointer) -> LuaStateHandle {
        let main = mainThread(of: L)
        if let handle = handles[main] { return handle }
        let handle = LuaStateHandle(main)
        handles[main] = handle
        return handle
    }

    static func close(_ L: OpaquePointer) {
        handles.removeValue(forKey: L)?.L = nil
    }

    /// Coroutines share the main thread's registry; references key on it.
    static func mainThread(of L: OpaquePointer) -> OpaquePointer {
        lua_rawgeti(L, lunet_registryindex(), lua_Integer(LUA_RIDX_MAINTHREAD))
        let main = lua_tothread(L, -1)!
        lunet_pop(L, 1)
        return main
    }
}
