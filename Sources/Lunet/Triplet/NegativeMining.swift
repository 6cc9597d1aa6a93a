/// Distances from each drawn anchor to every image of its negative class,
/// from one embedding pass over the anchors (and positives) and the union of
/// the negative classes, and one sgemm.
struct NegativeMining {
    let draws: [(anchor: Int, positive: Int, negativeClass: Int)]
    /// Images of the chosen negative classes, each class a contiguous run of columns.
    var candidates: [Int] = []
    var columns: [Int: Range<Int>] = [:]
    /// `[count, candidates.count]` squared distances anchor -> candidate.
    let toCandidates: Tensor<Float>
    /// Squared distance anchor -> positive, per triplet (when asked for).
    var toPositive: [Float] = []

    init(draws: [(anchor: Int, positive: Int, negativeClass: Int)], context: TripletContext, withPositives: Bool = false,
         embeddings: ([Int], TripletContext) throws -> Tensor<Float>) throws {
        self.draws = draws
        for draw in draws where columns[draw.negativeClass] == nil {
            let images = context.members[draw.negativeClass]
            columns[draw.negativeClass] = candidates.count..<candidates.count + images.count
            candidates += images
        }
        let count = draws.count
        // One request, so the memoised embedding runs a single batched pass.
        let positions = draws.map(\.anchor) + (withPositives ? draws.map(\.positive) : []) + candidates
        let all = try embeddings(positions, context)
        let anchors = try all.narrowed(dimension: 0, start: 0, length: count)
        let negatives = try all.narrowed(dimension: 0, start: positions.count - candidates.count, length: candidates.count)
        toCandidates = try PairwiseDistances.squared(anchors, negatives)
        guard withPositives else { return }
        let positives = try all.narrowed(dimension: 0, start: count, length: count)
        toPositive = try PairwiseDistances.paired(anchors, positives, metric: .squared).map { Float($0) }
    }

    /// Squared distances from anchor `t` to the images of its negative class, with their positions.
    func distances(_ t: Int) -> [(image: Int, distance: Float)] {
        let range = columns[draws[t].negativeClass]!
        let n = candidates.count
        return toCandidates.withUnsafeBufferPointer { d in
            range.map { (candidates[$0], d[t * n + $0]) }
        }
    }

    /// The image of the negative class nearest anchor `t` (the first on ties).
    func nearestNegative(_ t: Int) -> Int {
        distances(t).min { $0.distance < $1.distance }!.image
    }
}
