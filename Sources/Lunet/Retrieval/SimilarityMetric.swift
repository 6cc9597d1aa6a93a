/// How two codes are compared. Every metric is computed from inner products
/// (one sgemm per block) and the rows' squared norms.
///
/// - `cosine`: `x . y / (|x| |y|)`; a zero row has similarity 0 to everything.
/// - `dot`: `x . y`.
/// - `euclidean`: ranks by `-|x - y|^2`; searches report the distance `|x - y|`.
public enum SimilarityMetric: String, CaseIterable, Sendable {
    case cosine, dot, euclidean
}

/// Codes `[N, D]` with what a metric needs per row, ready to turn the inner
/// products of a block into ranking scores (higher = more similar).
struct PreparedCodes {
    let metric: SimilarityMetric
    let rows: Int
    let dimension: Int
    /// Per row: `1 / |x|` (0 for a zero row) for cosine, `|x|^2` for euclidean, unused for dot.
    let rowFactors: [Float]

    init(_ codes: Tensor<Float>, metric: SimilarityMetric) throws {
        guard codes.rank == 2 else {
            throw LunetError("codes must be a matrix [N, D], got \(codes.summary)")
        }
        guard codes.shape[0] < Int(UInt32.max) else { throw LunetError("too many codes: \(codes.shape[0])") }
        self.metric = metric
        rows = codes.shape[0]
        dimension = codes.shape[1]
        let d = dimension
        rowFactors = metric == .dot ? [] : codes.withUnsafeBufferPointer { x in
            (0..<codes.shape[0]).map { i -> Float in
                var sum: Float = 0
                let row = x.baseAddress! + i * d
                for j in 0..<d { sum += row[j] * row[j] }
                if metric == .euclidean { return sum }
                return sum == 0 ? 0 : 1 / sum.squareRoot()
            }
        }
    }

    private init(metric: SimilarityMetric, rows: Int, dimension: Int, rowFactors: [Float]) {
        self.metric = metric
        self.rows = rows
        self.dimension = dimension
        self.rowFactors = rowFactors
    }

    /// The same codes listed in another order: row `p` is the old row `order[p]`.
    func reordered(_ order: [Int]) -> PreparedCodes {
        PreparedCodes(metric: metric, rows: rows, dimension: dimension,
                      rowFactors: rowFactors.isEmpty ? [] : order.map { rowFactors[$0] })
    }

    /// The ranking score of rows `i` and `j` from their inner product; the
    /// same value whichever row is the query.
    @inline(__always)
    func score(_ product: Float, _ i: Int, _ j: Int) -> Float {
        switch metric {
        case .dot: return product
        case .cosine: return product * (rowFactors[i] * rowFactors[j])
        case .euclidean: return -Swift.max(rowFactors[i] + rowFactors[j] - 2 * product, 0)
        }
    }

    /// What a search reports for a ranking score: the distance for euclidean.
    @inline(__always)
    func reported(_ score: Float) -> Float {
        metric == .euclidean ? (-score).squareRoot() : score
    }
}
