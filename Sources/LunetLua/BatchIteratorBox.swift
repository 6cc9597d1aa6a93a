import Lunet

/// A batch iterator in a Lua userdata (metatable `lunet.BatchIterator`):
/// calling it returns the next `x, y`, so it drives a generic `for`.
public final class BatchIteratorBox: LuaNamed {
    public let iterator: BatchIterator
    public init(_ iterator: BatchIterator) { self.iterator = iterator }
    public var luaTypeName: String { "BatchIterator" }

    static let metatable = "lunet.BatchIterator"
}
