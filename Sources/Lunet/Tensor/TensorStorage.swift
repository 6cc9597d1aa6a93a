/// A fixed-size, manually allocated buffer shared between tensor copies until
/// one of them writes (copy on write is done by `Tensor`).
public final class TensorStorage<Element: TensorElement>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>
    public let count: Int

    /// Uninitialized memory for `count` elements; the caller fills every one.
    public init(uninitializedCount count: Int) {
        self.count = count
        pointer = StorageAllocator.allocate(byteCount: count * MemoryLayout<Element>.stride,
                                            alignment: MemoryLayout<Element>.alignment)
            .bindMemory(to: Element.self, capacity: Swift.max(count, 1))
    }

    public convenience init(repeating value: Element, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    public func copy() -> TensorStorage<Element> {
        let result = TensorStorage(uninitializedCount: count)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    /// Bytes held, reported to Lua's collector by the bindings.
    public var byteCount: Int { count * MemoryLayout<Element>.stride }

    deinit {
        StorageAllocator.deallocate(UnsafeMutableRawPointer(pointer), byteCount: byteCount)
    }
}
