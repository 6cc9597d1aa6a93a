/// Libraries of the later areas (nn, optim, data, ...), listed here so each
/// area only adds one line.
extension FunctionTable {
    static let extraLibraries: [LuaLibrary] = []
}
