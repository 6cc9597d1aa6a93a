import Foundation

/// A contiguous, row-major, n-dimensional array with value semantics.
///
/// Copies share storage until one of them is written to. `Tensor<Float>` is the
/// compute type; `Tensor<UInt8>` holds images and `Tensor<Int32>` labels.
///
/// ```lua
/// local x = tensor.zeros({2, 3})   -- [Float32 tensor of shape 2x3]
/// ```
public struct Tensor<Element: TensorElement>: Sendable {
    public private(set) var shape: [Int]
    public private(set) var storage: TensorStorage<Element>

    /// A tensor of the given shape, every element `value`.
    public init(shape: [Int], repeating value: Element) throws {
        self.shape = shape
        storage = try TensorStorage(uninitializedShape: shape)
        storage.pointer.initialize(repeating: value, count: storage.count)
    }

    /// A tensor over `storage`, whose count must match the shape.
    public init(shape: [Int], storage: TensorStorage<Element>) {
        precondition(shape.reduce(1, *) == storage.count, "storage does not match shape")
        self.shape = shape
        self.storage = storage
    }

    public init(shape: [Int], scalars: [Element]) throws {
        let count = try Tensor.elementCount(of: shape)
        guard count == scalars.count else {
            throw LunetError("shape \(formatShape(shape)) needs \(count) values, got \(scalars.count)")
        }
        self.shape = shape
        storage = try TensorStorage(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.initialize(from: $0.baseAddress!, count: count) }
    }

    /// A tensor whose elements the closure writes through a buffer of `shape`'s size.
    public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Element>) throws -> Void) throws {
        storage = try TensorStorage(uninitializedShape: shape)
        self.shape = shape
        let buffer = UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count)
        buffer.initialize(repeating: .zero)
        try body(buffer)
    }

    /// A tensor whose every element the closure must write: no zero fill first,
    /// for outputs of hot loops.
    public init(unsafeUninitializedShape shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Element>) throws -> Void) throws {
        storage = try TensorStorage(uninitializedShape: shape)
        self.shape = shape
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// A rank-0 tensor holding one value.
    public init(scalar: Element) {
        shape = []
        storage = TensorStorage(scalar: scalar)
    }

    /// Checks a shape (rank, non-negative sizes, memory; see `MemoryBudget`)
    /// and returns its element count.
    public static func elementCount(of shape: [Int]) throws -> Int {
        guard shape.count <= maximumRank else {
            throw LunetError("a tensor has at most \(maximumRank) dimensions, got \(shape.count)")
        }
        return try MemoryBudget.elementCount(of: shape, Element.self, typeName: Element.typeName)
    }

    public static var maximumRank: Int { 32 }

    public var rank: Int { shape.count }
    public var count: Int { storage.count }
    public var byteCount: Int { storage.byteCount }

    /// `Float32 tensor of shape 100x3x64x64`; a rank-0 tensor says so plainly:
    /// `Float32 scalar tensor (0 dimensions)`.
    public var summary: String {
        rank == 0 ? "\(Element.typeName) scalar tensor (0 dimensions)" : "\(Element.typeName) tensor of shape \(formatShape(shape))"
    }

    /// Row-major strides, in elements.
    public var strides: [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = step
            step *= shape[d]
        }
        return strides
    }

    public var scalars: [Element] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeBufferPointer(start: storage.pointer, count: count))
        }
    }

    /// Writable access; copies the storage first if another tensor shares it.
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        }
        return try withExtendedLifetime(storage) {
            try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
        }
    }

    /// True when no other tensor shares this one's storage, so writing to it in
    /// place is seen by no one else (`withUnsafeMutableBufferPointer` then does not copy).
    public mutating func isUniquelyReferenced() -> Bool {
        isKnownUniquelyReferenced(&storage)
    }

    /// The flat offset of a 0-based multi-index, checked against the shape.
    public func offset(of index: [Int]) throws -> Int {
        guard index.count == shape.count else {
            let needed = shape.isEmpty ? "no index" : shape.count == 1 ? "1 index" : "\(shape.count) indices"
            throw LunetError("\(summary) takes \(needed), got \(index.count)")
        }
        var offset = 0
        for (d, i) in index.enumerated() {
            guard i >= 0, i < shape[d] else {
                throw LunetError("index \(position: i) out of range for dimension \(position: d) of size \(shape[d])")
            }
            offset = offset * shape[d] + i
        }
        return offset
    }

    public func value(at index: [Int]) throws -> Element {
        let flat = try offset(of: index)
        return withUnsafeBufferPointer { $0[flat] }
    }

    public mutating func setValue(_ value: Element, at index: [Int]) throws {
        let flat = try offset(of: index)
        withUnsafeMutableBufferPointer { $0[flat] = value }
    }

    /// The same elements under another shape of equal count (shares storage).
    public func reshaped(_ newShape: [Int]) throws -> Tensor<Element> {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            var known = 1
            for (d, size) in newShape.enumerated() where d != inferred {
                let (product, overflow) = known.multipliedReportingOverflow(by: size)
                guard !overflow, size >= 0 else { throw LunetError("cannot reshape \(summary) to \(newShape)") }
                known = product
            }
            guard known > 0, count % known == 0 else {
                throw LunetError("cannot reshape \(summary) to \(newShape)")
            }
            resolved[inferred] = count / known
        }
        guard (try? Tensor.elementCount(of: resolved)) == count else {
            throw LunetError("cannot reshape \(summary) to \(formatShape(resolved)): \(count) elements")
        }
        return Tensor(shape: resolved, storage: storage)
    }

    /// Elements identical and shapes equal.
    public func isIdentical(to other: Tensor<Element>) -> Bool {
        guard shape == other.shape else { return false }
        return withUnsafeBufferPointer { a in other.withUnsafeBufferPointer { b in a.elementsEqual(b) } }
    }
}
