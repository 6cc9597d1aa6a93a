extension Tensor where Element == Float {
    /// Element-wise `op` with NumPy broadcasting; the same-shape case is one flat loop.
    @inline(__always)
    func combined(with other: Tensor, _ name: String, _ op: (Float, Float) -> Float) throws -> Tensor {
        if shape == other.shape {
            return try withUnsafeBufferPointer { a in
                try other.withUnsafeBufferPointer { b in
                    try Tensor(unsafeUninitializedShape: shape) { out in
                        for i in 0..<out.count { out[i] = op(a[i], b[i]) }
                    }
                }
            }
        }
        let plan = try Broadcast(shape, other.shape, operation: name)
        return try withUnsafeBufferPointer { a in
            try other.withUnsafeBufferPointer { b in
                try Tensor(unsafeUninitializedShape: plan.shape) { out in
                    plan.forEachRun { o, ia, ib, sa, sb, n in
                        for j in 0..<n { out[o + j] = op(a[ia + j * sa], b[ib + j * sb]) }
                    }
                }
            }
        }
    }

    /// Applies `op` to every element.
    @inline(__always)
    public func mapped(_ op: (Float) -> Float) throws -> Tensor {
        try withUnsafeBufferPointer { a in
            try Tensor(unsafeUninitializedShape: shape) { out in
                for i in 0..<out.count { out[i] = op(a[i]) }
            }
        }
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, "add", +) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, "sub", -) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, "mul", *) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.combined(with: b, "div", /) }

    public static func + (a: Tensor, s: Float) throws -> Tensor { try a.mapped { $0 + s } }
    public static func - (a: Tensor, s: Float) throws -> Tensor { try a.mapped { $0 - s } }
    public static func * (a: Tensor, s: Float) throws -> Tensor { try a.mapped { $0 * s } }
    public static func / (a: Tensor, s: Float) throws -> Tensor { try a.mapped { $0 / s } }
    public static func + (s: Float, a: Tensor) throws -> Tensor { try a.mapped { s + $0 } }
    public static func - (s: Float, a: Tensor) throws -> Tensor { try a.mapped { s - $0 } }
    public static func * (s: Float, a: Tensor) throws -> Tensor { try a.mapped { s * $0 } }
    public static func / (s: Float, a: Tensor) throws -> Tensor { try a.mapped { s / $0 } }
    public static prefix func - (a: Tensor) throws -> Tensor { try a.mapped { -$0 } }

    /// `self += alpha * other` in place, shapes equal (used by optimizers and gradient sums).
    public mutating func addScaled(_ other: Tensor, alpha: Float = 1) throws {
        guard shape == other.shape else { throw LunetError.shapeMismatch("add", shape, other.shape) }
        other.withUnsafeBufferPointer { b in
            withUnsafeMutableBufferPointer { a in
                for i in 0..<a.count { a[i] += alpha * b[i] }
            }
        }
    }

    /// Sets every element to `value` in place.
    public mutating func fill(_ value: Float) {
        withUnsafeMutableBufferPointer { $0.update(repeating: value) }
    }
}

extension Tensor where Element == Int32 {
    /// Applies `op` to every element (index shifts between 0- and 1-based).
    public func mapped(_ op: (Int32) -> Int32) throws -> Tensor {
        try withUnsafeBufferPointer { a in
            try Tensor(unsafeUninitializedShape: shape) { out in
                for i in 0..<out.count { out[i] = op(a[i]) }
            }
        }
    }
}
