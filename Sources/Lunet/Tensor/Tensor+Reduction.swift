extension Tensor {
    /// Sum of all elements, accumulated in Double.
    public func sum() -> Double {
        withUnsafeBufferPointer { buffer in buffer.reduce(0.0) { $0 + $1.doubleValue } }
    }

    public func mean() throws -> Double {
        guard count > 0 else { throw LunetError("mean: \(summary) is empty") }
        return sum() / Double(count)
    }

    public func max() throws -> Element {
        try withUnsafeBufferPointer { buffer in
            guard let value = buffer.max() else { throw LunetError("max: \(summary) is empty") }
            return value
        }
    }

    public func min() throws -> Element {
        try withUnsafeBufferPointer { buffer in
            guard let value = buffer.min() else { throw LunetError("min: \(summary) is empty") }
            return value
        }
    }

    /// 0-based flat position of the first largest element.
    public func argmax() throws -> Int {
        try withUnsafeBufferPointer { buffer in
            guard !buffer.isEmpty else { throw LunetError("argmax: \(summary) is empty") }
            var best = 0
            for i in 1..<buffer.count where buffer[i] > buffer[best] { best = i }
            return best
        }
    }

    /// Reduces dimension `dim` (0-based) with `combine`, removing that dimension.
    /// `combine(slice, count, step)` reads `count` values `step` apart.
    func reduced<R: TensorElement>(
        dimension dim: Int, _ name: String,
        _ combine: (UnsafePointer<Element>, Int, Int) -> R
    ) throws -> Tensor<R> {
        try checkDimension(dim, name)
        guard shape[dim] > 0 else { throw LunetError("\(name): dimension \(position: dim) of \(summary) is empty") }
        var newShape = shape
        newShape.remove(at: dim)
        let (outer, inner) = outerInner(dim)
        let size = shape[dim]
        return try withUnsafeBufferPointer { src in
            try Tensor<R>(unsafeUninitializedShape: newShape) { dst in
                for o in 0..<outer {
                    for i in 0..<inner {
                        dst[o * inner + i] = combine(src.baseAddress! + o * size * inner + i, size, inner)
                    }
                }
            }
        }
    }

    public func max(dimension dim: Int) throws -> Tensor {
        try reduced(dimension: dim, "max") { p, n, step in
            var best = p[0]
            for j in 1..<n where p[j * step] > best { best = p[j * step] }
            return best
        }
    }

    public func min(dimension dim: Int) throws -> Tensor {
        try reduced(dimension: dim, "min") { p, n, step in
            var best = p[0]
            for j in 1..<n where p[j * step] < best { best = p[j * step] }
            return best
        }
    }

    /// 0-based positions of the largest entries along `dim`.
    public func argmax(dimension dim: Int) throws -> Tensor<Int32> {
        try reduced(dimension: dim, "argmax") { p, n, step in
            var best = 0
            for j in 1..<n where p[j * step] > p[best * step] { best = j }
            return Int32(best)
        }
    }
}

extension Tensor where Element == Float {
    /// Along the last dimension rows are summed by `RowSums`' rule (Double
    /// lanes, rounded once); along another, in Float down each column.
    public func sum(dimension dim: Int) throws -> Tensor {
        try reduced(dimension: dim, "sum") { p, n, step in
            if step == 1 { return Float(RowSums.values(p, count: n)) }
            var total: Float = 0
            for j in 0..<n { total += p[j * step] }
            return total
        }
    }

    public func mean(dimension dim: Int) throws -> Tensor {
        let size = Float(dim >= 0 && dim < rank ? shape[dim] : 1)
        return try sum(dimension: dim) / size
    }
}
