import LunetLua

/// lua.c's `handle_luainit`: `LUA_INIT_5_4`, or else `LUA_INIT`, runs before
/// the command line's code; `@path` runs that file instead.
enum LuaInit {
    static func run(in state: LuaState, environment: [String: String]) throws {
        guard let (name, value) = ["LUA_INIT_5_4", "LUA_INIT"].lazy
            .compactMap({ name in environment[name].map { (name, $0) } }).first else { return }
        if value.hasPrefix("@") {
            try state.runFile(String(value.dropFirst()))
        } else {
            try state.runChunk(value, name: "=" + name)
        }
    }
}
