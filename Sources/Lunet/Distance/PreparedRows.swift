/// Rows `[rows, dimension]` with the factor a metric needs of each
/// (`DistanceMetric.rowFactor`), ready to turn inner products from sgemm into
/// ranking scores. Also knows the first row holding NaN or an infinity.
struct PreparedRows {
    let metric: DistanceMetric
    let rows: Int
    let dimension: Int
    /// Per row: `|x|^2` (squared, euclidean), `1 / |x|` (cosine), 0 (dot).
    let factors: [Float]
    /// The first row that holds NaN or an infinity, if any.
    let nonFinite: (row: Int, value: NonFiniteValue)?

    init(_ x: UnsafePointer<Float>, rows: Int, dimension: Int, metric: DistanceMetric) {
        let norms = RowNorms.squared(x, rows: rows, width: dimension)
        self.metric = metric
        self.rows = rows
        self.dimension = dimension
        factors = norms.map { metric.rowFactor(squaredNorm: $0) }
        nonFinite = RowNorms.firstNonFinite(norms)
    }

    init(_ x: Tensor<Float>, metric: DistanceMetric) {
        self = x.withUnsafeBufferPointer { PreparedRows($0.baseAddress!, rows: x.shape[0], dimension: x.shape[1], metric: metric) }
    }

    private init(metric: DistanceMetric, rows: Int, dimension: Int, factors: [Float], nonFinite: (row: Int, value: NonFiniteValue)?) {
        self.metric = metric
        self.rows = rows
        self.dimension = dimension
        self.factors = factors
        self.nonFinite = nonFinite
    }

    /// The same rows listed in another order: row `p` is the old row `order[p]`.
    func reordered(_ order: [Int]) -> PreparedRows {
        PreparedRows(metric: metric, rows: rows, dimension: dimension, factors: order.map { factors[$0] }, nonFinite: nonFinite)
    }

    /// The ranking score of rows `i` and `j` from their inner product; the
    /// same value whichever row is the query.
    @inline(__always)
    func score(_ product: Float, _ i: Int, _ j: Int) -> Float {
        metric.score(product, factors[i], factors[j])
    }
}
