/// Squared Euclidean distances between the rows of two matrices through one
/// sgemm: `|a|^2 + |b|^2 - 2 a.b`, clamped at zero (rounding can make a tiny
/// distance negative).
///
/// ```lua
/// local d = ctx:distances(anchors, candidates)   -- [#anchors, #candidates]
/// ```
public enum PairwiseDistances {
    /// `[a.rows, b.rows]` for `a` `[m, d]` and `b` `[n, d]`.
    public static func squared(_ a: Tensor<Float>, _ b: Tensor<Float>) throws -> Tensor<Float> {
        guard a.rank == 2, b.rank == 2, a.shape[1] == b.shape[1] else {
            throw LunetError("pairwise distances: expected two matrices with one row width, got \(a.summary) and \(b.summary)")
        }
        let (m, n) = (a.shape[0], b.shape[0])
        var products = try a.matmul(b, transposeOther: true)
        let aNorms = rowSquaredNorms(a), bNorms = rowSquaredNorms(b)
        products.withUnsafeMutableBufferPointer { d in
            for i in 0..<m {
                let row = d.baseAddress! + i * n
                for j in 0..<n { row[j] = Swift.max(aNorms[i] + bNorms[j] - 2 * row[j], 0) }
            }
        }
        return products
    }

    /// `sum_j x[i, j]^2` per row, accumulated in Double.
    public static func rowSquaredNorms(_ x: Tensor<Float>) -> [Float] {
        let (rows, width) = (x.shape[0], x.shape[1])
        return x.withUnsafeBufferPointer { p in
            (0..<rows).map { i in
                var sum = 0.0
                for j in i * width..<(i + 1) * width { sum += Double(p[j]) * Double(p[j]) }
                return Float(sum)
            }
        }
    }
}
