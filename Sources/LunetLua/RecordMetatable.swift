import CLua
import LuaShim

/// The metatables that give the tables a fit or an evaluation returns their
/// text (`print(history)` shows a table of epochs). lua/lunet/records.lua
/// registers them under these names; without the Lua library the results stay
/// plain tables. Their only entry is `__tostring`, so `pairs`, `#` and
/// indexing see the documented fields alone.
enum RecordMetatable: String {
    /// `train.fit`'s history: one row per epoch.
    case fitHistory = "lunet.FitHistory"
    /// `triplet.fit`'s history: one row per round.
    case tripletHistory = "lunet.TripletHistory"
    /// `oneshot.evaluate` and `oneshot.runs`: accuracy, standard error, counts.
    case oneShotResult = "lunet.OneShotResult"
    /// `train.evaluate`: the loss and metrics.
    case evaluation = "lunet.Evaluation"
}

extension LuaCall {
    /// Gives the table at the top of the stack the metatable registered as
    /// `record`, when one is.
    func setMetatable(_ record: RecordMetatable) {
        push(record.rawValue)
        if lua_rawget(L, lunet_registryindex()) == LUA_TTABLE {
            lua_setmetatable(L, -2)
        } else {
            lunet_pop(L, 1)
        }
    }
}
