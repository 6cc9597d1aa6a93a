import Lunet

extension LuaOptions {
    /// The options in `table` (named keys only), any key not in `allowed` an
    /// error naming it and `owner`: for the options table at a stack index and
    /// for nested ones (`earlyStopping = {patience = 2}`).
    public init(checking table: LuaTable, owner: String, allowed: Set<String>) throws {
        guard table.array.isEmpty else { throw LunetError("options for \(owner) must be named (key = value)") }
        for key in table.fields.keys.sorted() where !allowed.contains(key) {
            throw LunetError("unknown option '\(key)' for \(owner)\(LuaOptions.suggestion(key, allowed))")
        }
        self.init(owner: owner, values: table.fields)
    }
}
