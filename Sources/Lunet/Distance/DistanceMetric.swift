/// How two rows `x`, `y` are compared, in one vocabulary for the whole
/// program (the Lua strings are the raw values):
///
/// - `squared`: `|x - y|^2`;
/// - `euclidean`: `|x - y|`;
/// - `cosine`: `x . y / (|x| |y|)`, a similarity; a zero row has cosine 0 with everything;
/// - `dot`: `x . y`, a similarity.
///
/// Each surface accepts the metrics that make sense there:
/// `retrieval.*{metric}` cosine, dot, euclidean (`NeighborSearch.metrics`);
/// `nn.TripletLoss{distance}` and `triplet.fit` squared, euclidean
/// (`TripletLoss.distances`); `oneshot.*{distance}` euclidean, cosine
/// (`OneShot.distances`); `ctx:distances` is squared.
///
/// Between sets of rows the values come from inner products (sgemm) and the
/// rows' squared norms (`PreparedRows`, `PairwiseDistances`); between pairs
/// of rows they are summed directly (`value(_:_:count:)`), which has no
/// cancellation. Either way sums follow `RowSums`. NaN propagates: a row
/// holding NaN gives NaN values.
///
/// ```lua
/// retrieval.search(codes, {metric = 'euclidean'}); nn.TripletLoss{distance = 'squared'}
/// ```
public enum DistanceMetric: String, CaseIterable, Sendable {
    case squared, euclidean, cosine, dot

    /// True for `squared` and `euclidean` (smaller is nearer), false for the similarities.
    public var isDistance: Bool { self == .squared || self == .euclidean }

    /// What `score` needs of each row, from its squared norm: `|x|^2` for the
    /// distances, `1 / |x|` (0 for a zero row) for cosine, nothing for dot.
    @inline(__always)
    func rowFactor(squaredNorm: Double) -> Float {
        switch self {
        case .squared, .euclidean: Float(squaredNorm)
        case .cosine: squaredNorm == 0 ? 0 : Float(1 / squaredNorm.squareRoot())
        case .dot: 0
        }
    }

    /// The ranking score of rows `i` and `j` (higher is nearer) from their
    /// inner product and their row factors: the similarity, or minus the
    /// squared distance `|x|^2 + |y|^2 - 2 x.y`, at least 0 (rounding can make
    /// a tiny distance negative) and NaN when any term is.
    @inline(__always)
    func score(_ product: Float, _ factorI: Float, _ factorJ: Float) -> Float {
        switch self {
        case .dot: return product
        case .cosine: return product * (factorI * factorJ)
        case .squared, .euclidean:
            let d = factorI + factorJ - 2 * product
            return d < 0 ? 0 : -d
        }
    }

    /// The metric's value for a ranking score: the similarity, or the distance.
    @inline(__always)
    func value(score: Float) -> Float {
        switch self {
        case .dot, .cosine: score
        case .squared: -score
        case .euclidean: (-score).squareRoot()
        }
    }

    /// The metric between rows `x` and `y` of `count` values, summed directly.
    func value(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Double {
        switch self {
        case .squared: return RowSums.squaredDifferences(x, y, count: count)
        case .euclidean: return RowSums.squaredDifferences(x, y, count: count).squareRoot()
        case .dot: return RowSums.products(x, y, count: count)
        case .cosine:
            let norms = (RowSums.squares(x, count: count) * RowSums.squares(y, count: count)).squareRoot()
            let product = RowSums.products(x, y, count: count)
            return norms == 0 ? 0 : product / norms  // a zero row, as rowFactor
        }
    }

    /// `value(_:_:count:)` as a ranking score: higher is nearer.
    func score(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Double {
        isDistance ? -value(x, y, count: count) : value(x, y, count: count)
    }
}
