/// A fixed-size, manually allocated buffer shared between tensor copies until
/// one of them writes (copy on write is done by `Tensor`).
public final class TensorStorage<Element: TensorElement>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>
    public let count: Int

    /// Uninitialized memory for `count` elements; the caller fills every one.
    public init(uninitializedCount count: Int) {
        self.count = count
        // Over-allocate by one element so zero-sized tensors still own a valid pointer.
        pointer = UnsafeMutablePointer<Element>.allocate(capacity: Swift.max(count, 1))
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
        pointer.deallocate()
    }
}
