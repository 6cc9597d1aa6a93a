/// A fixed-size, manually allocated buffer shared between tensor copies until
/// one of them writes (copy on write is done by `Tensor`).
public final class TensorStorage<Element: TensorElement>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>
    public let count: Int

    /// Uninitialized memory for a tensor of `shape`; the caller fills every
    /// element. The one way storage is made: `MemoryBudget` checks the size first.
    public convenience init(uninitializedShape shape: [Int]) throws {
        self.init(checkedCount: try Tensor<Element>.elementCount(of: shape))
    }

    /// One element, for a rank-0 tensor.
    convenience init(scalar: Element) {
        self.init(checkedCount: 1)
        pointer.initialize(to: scalar)
    }

    /// No elements (a placeholder for a tensor of size 0).
    public static var empty: TensorStorage<Element> { TensorStorage(checkedCount: 0) }

    /// Uninitialized memory for `count` elements (a flat tensor of that size).
    public convenience init(uninitializedCount count: Int) throws {
        try self.init(uninitializedShape: [count])
    }

    /// A count that has passed `MemoryBudget` (or is the size of storage that did).
    private init(checkedCount count: Int) {
        self.count = count
        pointer = StorageAllocator.allocate(byteCount: count * MemoryLayout<Element>.stride,
                                            alignment: MemoryLayout<Element>.alignment)
            .bindMemory(to: Element.self, capacity: Swift.max(count, 1))
    }

    public convenience init(repeating value: Element, count: Int) throws {
        try self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// A copy: the same size as storage that was allocated, so not checked again.
    public func copy() -> TensorStorage<Element> {
        let result = TensorStorage(checkedCount: count)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    /// Bytes held, reported to Lua's collector by the bindings.
    public var byteCount: Int { count * MemoryLayout<Element>.stride }

    deinit {
        StorageAllocator.deallocate(UnsafeMutableRawPointer(pointer), byteCount: byteCount)
    }
}
