/// The operations that work for every element type, unwrapped once here so
/// callers need not switch.
extension AnyTensor {
    public var count: Int { shape.reduce(1, *) }

    public func reshaped(_ newShape: [Int]) throws -> AnyTensor {
        switch self {
        case .float(let t): .float(try t.reshaped(newShape))
        case .byte(let t): .byte(try t.reshaped(newShape))
        case .int(let t): .int(try t.reshaped(newShape))
        }
    }

    public func transposed() throws -> AnyTensor {
        switch self {
        case .float(let t): .float(try t.transposed())
        case .byte(let t): .byte(try t.transposed())
        case .int(let t): .int(try t.transposed())
        }
    }

    public func narrowed(dimension dim: Int, start: Int, length: Int) throws -> AnyTensor {
        switch self {
        case .float(let t): .float(try t.narrowed(dimension: dim, start: start, length: length))
        case .byte(let t): .byte(try t.narrowed(dimension: dim, start: start, length: length))
        case .int(let t): .int(try t.narrowed(dimension: dim, start: start, length: length))
        }
    }

    public func selecting(_ indices: [Int], dimension dim: Int = 0) throws -> AnyTensor {
        switch self {
        case .float(let t): .float(try t.selecting(indices, dimension: dim))
        case .byte(let t): .byte(try t.selecting(indices, dimension: dim))
        case .int(let t): .int(try t.selecting(indices, dimension: dim))
        }
    }

    /// An independent copy (new storage).
    public func cloned() -> AnyTensor {
        switch self {
        case .float(let t): .float(Tensor(shape: t.shape, storage: t.storage.copy()))
        case .byte(let t): .byte(Tensor(shape: t.shape, storage: t.storage.copy()))
        case .int(let t): .int(Tensor(shape: t.shape, storage: t.storage.copy()))
        }
    }

    /// All elements as Doubles, row-major.
    public var doubles: [Double] {
        switch self {
        case .float(let t): t.scalars.map(Double.init)
        case .byte(let t): t.scalars.map(Double.init)
        case .int(let t): t.scalars.map(Double.init)
        }
    }

    public func value(at index: [Int]) throws -> Double {
        switch self {
        case .float(let t): Double(try t.value(at: index))
        case .byte(let t): Double(try t.value(at: index))
        case .int(let t): Double(try t.value(at: index))
        }
    }

    public mutating func setValue(_ value: Double, at index: [Int]) throws {
        switch self {
        case .float(var t): try t.setValue(Float(value), at: index); self = .float(t)
        case .byte(var t): try t.setValue(UInt8(converting: value), at: index); self = .byte(t)
        case .int(var t): try t.setValue(Int32(converting: value), at: index); self = .int(t)
        }
    }

    public func sum() -> Double {
        switch self {
        case .float(let t): t.sum()
        case .byte(let t): t.sum()
        case .int(let t): t.sum()
        }
    }

    public func max() throws -> Double {
        switch self {
        case .float(let t): Double(try t.max())
        case .byte(let t): Double(try t.max())
        case .int(let t): Double(try t.max())
        }
    }

    public func min() throws -> Double {
        switch self {
        case .float(let t): Double(try t.min())
        case .byte(let t): Double(try t.min())
        case .int(let t): Double(try t.min())
        }
    }

    public func argmax() throws -> Int {
        switch self {
        case .float(let t): try t.argmax()
        case .byte(let t): try t.argmax()
        case .int(let t): try t.argmax()
        }
    }

    public func max(dimension dim: Int) throws -> AnyTensor {
        switch self {
        case .float(let t): .float(try t.max(dimension: dim))
        case .byte(let t): .byte(try t.max(dimension: dim))
        case .int(let t): .int(try t.max(dimension: dim))
        }
    }

    public func min(dimension dim: Int) throws -> AnyTensor {
        switch self {
        case .float(let t): .float(try t.min(dimension: dim))
        case .byte(let t): .byte(try t.min(dimension: dim))
        case .int(let t): .int(try t.min(dimension: dim))
        }
    }

    public func argmax(dimension dim: Int) throws -> Tensor<Int32> {
        switch self {
        case .float(let t): try t.argmax(dimension: dim)
        case .byte(let t): try t.argmax(dimension: dim)
        case .int(let t): try t.argmax(dimension: dim)
        }
    }

    public var displayText: String {
        switch self {
        case .float(let t): t.displayText
        case .byte(let t): t.displayText
        case .int(let t): t.displayText
        }
    }
}
