extension Tensor {
    /// Checks a 0-based dimension against the rank.
    func checkDimension(_ dim: Int, _ operation: String) throws {
        guard dim >= 0, dim < rank else {
            throw LunetError("\(operation): dimension \(position: dim) out of range for \(summary)")
        }
    }

    /// Sizes of the dimensions before `dim` multiplied (outer) and after it (inner).
    func outerInner(_ dim: Int) -> (outer: Int, inner: Int) {
        (shape[..<dim].reduce(1, *), shape[(dim + 1)...].reduce(1, *))
    }

    /// The transpose of a matrix (a copy, row-major).
    public func transposed() throws -> Tensor {
        guard rank == 2 else { throw LunetError("t: expected a matrix, got \(summary)") }
        let (rows, cols) = (shape[0], shape[1])
        return try withUnsafeBufferPointer { src in
            try Tensor(unsafeUninitializedShape: [cols, rows]) { dst in
                // Blocked so both reads and writes stay within cache lines.
                let block = 32
                for r0 in stride(from: 0, to: rows, by: block) {
                    for c0 in stride(from: 0, to: cols, by: block) {
                        for r in r0..<Swift.min(r0 + block, rows) {
                            for c in c0..<Swift.min(c0 + block, cols) { dst[c * rows + r] = src[r * cols + c] }
                        }
                    }
                }
            }
        }
    }

    /// `length` entries of dimension `dim` starting at 0-based `start` (a copy).
    public func narrowed(dimension dim: Int, start: Int, length: Int) throws -> Tensor {
        try checkDimension(dim, "narrow")
        guard start >= 0, start <= shape[dim], length >= 0, length <= shape[dim] - start else {
            throw LunetError("narrow: \(length) entries from \(position: start) are out of bounds for dimension \(position: dim) of size \(shape[dim])")
        }
        var newShape = shape
        newShape[dim] = length
        let (outer, inner) = outerInner(dim)
        let size = shape[dim]
        return try withUnsafeBufferPointer { src in
            try Tensor(unsafeUninitializedShape: newShape) { dst in
                for o in 0..<outer {
                    let from = src.baseAddress! + (o * size + start) * inner
                    (dst.baseAddress! + o * length * inner).update(from: from, count: length * inner)
                }
            }
        }
    }

    /// The entries of dimension `dim` at the 0-based `indices`, in that order.
    public func selecting(_ indices: [Int], dimension dim: Int = 0) throws -> Tensor {
        try checkDimension(dim, "index")
        let size = shape[dim]
        for i in indices where i < 0 || i >= size {
            throw LunetError("index: index \(position: i) out of range for dimension \(position: dim) of size \(size)")
        }
        var newShape = shape
        newShape[dim] = indices.count
        let (outer, inner) = outerInner(dim)
        return try withUnsafeBufferPointer { src in
            try Tensor(unsafeUninitializedShape: newShape) { dst in
                var out = dst.baseAddress!
                for o in 0..<outer {
                    for i in indices {
                        out.update(from: src.baseAddress! + (o * size + i) * inner, count: inner)
                        out += inner
                    }
                }
            }
        }
    }

    /// Joins tensors along `dim`; all other sizes must agree.
    public static func concatenate(_ tensors: [Tensor], dimension dim: Int) throws -> Tensor {
        guard let first = tensors.first else { throw LunetError("cat: expected at least one tensor") }
        try first.checkDimension(dim, "cat")
        for t in tensors.dropFirst() {
            var a = first.shape, b = t.shape
            guard a.count == b.count else { throw LunetError.shapeMismatch("cat", first.shape, t.shape) }
            a[dim] = 0; b[dim] = 0
            guard a == b else { throw LunetError.shapeMismatch("cat", first.shape, t.shape) }
        }
        var newShape = first.shape
        newShape[dim] = tensors.reduce(0) { $0 + $1.shape[dim] }
        let (outer, inner) = first.outerInner(dim)
        return try Tensor(unsafeUninitializedShape: newShape) { dst in
            var out = dst.baseAddress!
            for o in 0..<outer {
                for t in tensors {
                    let chunk = t.shape[dim] * inner
                    t.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + o * chunk, count: chunk) }
                    out += chunk
                }
            }
        }
    }

    /// Stacks equal-shaped tensors along a new first dimension.
    public static func stack(_ tensors: [Tensor]) throws -> Tensor {
        guard let first = tensors.first else { throw LunetError("stack: expected at least one tensor") }
        for t in tensors where t.shape != first.shape {
            throw LunetError.shapeMismatch("stack", first.shape, t.shape)
        }
        let expanded = try tensors.map { try $0.reshaped([1] + $0.shape) }
        return try concatenate(expanded, dimension: 0)
    }

    /// Entry `i` (0-based) of the first dimension, with that dimension removed.
    public func row(_ i: Int) throws -> Tensor {
        guard rank >= 1 else { throw LunetError("cannot index a scalar tensor") }
        return try narrowed(dimension: 0, start: i, length: 1).reshaped(Array(shape.dropFirst()))
    }
}
