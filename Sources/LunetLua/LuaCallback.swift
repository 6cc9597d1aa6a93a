import CLua
import LuaShim
import Lunet

extension LuaCall {
    /// Calls a Lua function from Swift: the one way bindings run Lua code
    /// (training callbacks, samplers written in Lua).
    ///
    /// The call runs on this binding's own `lua_State` (a coroutine's when the
    /// binding was called from one) under `lunet_pcall` with the traceback
    /// handler. `arguments` pushes the arguments and returns their count;
    /// `read` gets the index of the first of `results` results. The stack is
    /// back at its height on entry afterwards, whatever happens.
    ///
    /// Failures: an error raised by the function is thrown as `LuaRaisedError`
    /// carrying the Lua message with its traceback unchanged (raised again by
    /// the trampoline, it gets no second traceback); Ctrl-C during the call is
    /// thrown as `Interruption.Interrupted`, so loops can tell it apart.
    ///
    /// ```swift
    /// let keepGoing = try call.callback(onEpoch, arguments: { call in
    ///     call.push(epoch + 1); call.push(logs); return 2
    /// }) { call, first in call.type(at: first) != LUA_TBOOLEAN || lua_toboolean(call.L, first) != 0 }
    /// ```
    public func callback<Result>(_ function: LuaReference, results: Int32 = 1,
                                 arguments: (LuaCall) throws -> Int32 = { _ in 0 },
                                 read: (LuaCall, _ first: Int32) throws -> Result) throws -> Result {
        guard function.state.L == LuaStateHandle.mainThread(of: L) else {
            throw LunetError("a Lua function of another Lua state cannot be called here")
        }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        guard lua_checkstack(L, 24 + max(results, 0)) != 0 else {
            throw LunetError("Lua's stack is full: cannot call a Lua function")
        }
        function.push(L)
        let count = try arguments(self)
        let status = lunet_pcall(L, count, results, 1)
        guard status == LUA_OK else {
            if lunet_interrupt_pending() != 0 { throw Interruption.Interrupted() }
            throw LuaRaisedError(message: errorMessage(at: -1))
        }
        return try read(self, top + 1)
    }

    /// Calls a Lua function for its effect, discarding its results.
    public func callback(_ function: LuaReference, arguments: (LuaCall) throws -> Int32 = { _ in 0 }) throws {
        try callback(function, results: 0, arguments: arguments) { _, _ in }
    }
}
