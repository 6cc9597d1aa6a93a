/// The spec's 2.3b: anchor, positive and negative class drawn as in 2.3a, then
/// the negative is the image of that class nearest the anchor in the current
/// embedding. The anchors and every image of the chosen negative classes are
/// embedded once per step, in one batched evaluation-mode pass, and compared
/// through one sgemm.
///
/// ```lua
/// triplet.fit(net, ds, {sampler = triplet.hardest()})          -- or triplet.hardest{refresh = 10}
/// ```
public final class HardestNegativeSampler: EmbeddingMiner {
    let cache: EmbeddingCache?

    public init(refresh: Int? = nil) throws {
        cache = try refresh.map { try EmbeddingCache(interval: $0) }
    }

    public var description: String { cache == nil ? "triplet.hardest()" : "triplet.hardest{\(refreshDescription)}" }

    public func sample(_ context: TripletContext, count: Int) throws -> TripletIndices {
        let draws = (0..<count).map { _ in context.drawAnchorPositiveAndNegativeClass() }
        let mined = try NegativeMining(draws: draws, context: context, embeddings: embeddings)
        var triplets = TripletIndices()
        for (t, draw) in draws.enumerated() {
            triplets.append(anchor: draw.anchor, positive: draw.positive, negative: mined.nearestNegative(t))
        }
        return triplets
    }
}

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
        let width = anchors.shape[1]
        toPositive = anchors.withUnsafeBufferPointer { a in
            positives.withUnsafeBufferPointer { p in
                (0..<count).map { t in
                    var sum: Float = 0
                    for j in t * width..<(t + 1) * width { sum += (a[j] - p[j]) * (a[j] - p[j]) }
                    return sum
                }
            }
        }
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
