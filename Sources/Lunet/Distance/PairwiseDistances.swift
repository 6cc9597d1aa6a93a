/// A metric between sets of rows (through one sgemm) and between pairs of
/// rows (summed directly). Squared Euclidean distances between sets are
/// `|a|^2 + |b|^2 - 2 a.b`, at least 0 (rounding can make a tiny distance
/// negative); NaN in a row gives NaN.
///
/// ```lua
/// local d = ctx:distances(anchors, candidates)   -- squared, [#anchors, #candidates]
/// ```
public enum PairwiseDistances {
    /// `[m, n]` values of `metric` between the rows of `a` `[m, d]` and `b` `[n, d]`.
    public static func matrix(_ a: Tensor<Float>, _ b: Tensor<Float>, metric: DistanceMetric) throws -> Tensor<Float> {
        guard a.rank == 2, b.rank == 2, a.shape[1] == b.shape[1] else {
            throw LunetError("pairwise distances: expected two matrices with one row width, got \(a.summary) and \(b.summary)")
        }
        var values = try a.matmul(b, transposeOther: true)
        guard metric != .dot else { return values }
        let (rowsA, rowsB) = (PreparedRows(a, metric: metric), PreparedRows(b, metric: metric))
        let (m, n) = (a.shape[0], b.shape[0])
        values.withUnsafeMutableBufferPointer { d in
            rowsA.factors.withUnsafeBufferPointer { fa in
                rowsB.factors.withUnsafeBufferPointer { fb in
                    for i in 0..<m {
                        let row = d.baseAddress! + i * n
                        for j in 0..<n { row[j] = metric.value(score: metric.score(row[j], fa[i], fb[j])) }
                    }
                }
            }
        }
        return values
    }

    /// Squared Euclidean distances `[m, n]` (what `ctx:distances` and the miners use).
    public static func squared(_ a: Tensor<Float>, _ b: Tensor<Float>) throws -> Tensor<Float> {
        try matrix(a, b, metric: .squared)
    }

    /// `metric` between row `i` of `a` and row `i` of `b`, for every row of
    /// two matrices of one shape, summed directly (no cancellation).
    public static func paired(_ a: Tensor<Float>, _ b: Tensor<Float>, metric: DistanceMetric) throws -> [Double] {
        guard a.rank == 2, a.shape == b.shape else {
            throw LunetError("paired distances: expected two matrices of one shape, got \(a.summary) and \(b.summary)")
        }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                paired(x.baseAddress!, y.baseAddress!, rows: a.shape[0], width: a.shape[1], metric: metric)
            }
        }
    }

    /// `paired` over `[rows, width]` at `a` and `b`.
    static func paired(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, rows: Int, width: Int,
                       metric: DistanceMetric) -> [Double] {
        (0..<rows).map { r in metric.value(a + r * width, b + r * width, count: width) }
    }
}
