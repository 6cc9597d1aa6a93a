/// FaceNet's semi-hard negatives: anchor, positive and negative class drawn
/// as in 2.3a; the negative is the image of that class nearest the anchor
/// among those farther than the positive but within the margin,
/// `d(a,p) < d(a,n) < d(a,p) + margin` (squared distances). When no image of
/// the class lies in that band, it falls back to the hardest one (the
/// nearest, as `triplet.hardest`), so every triplet still teaches something.
///
/// ```lua
/// triplet.fit(net, ds, {sampler = triplet.semihard{margin = 0.2}})
/// ```
public final class SemiHardSampler: EmbeddingMiner {
    public let margin: Float
    let cache: EmbeddingCache?

    public init(margin: Float = 0.2, refresh: Int? = nil) throws {
        guard margin > 0, margin.isFinite else { throw LunetError("triplet.semihard: margin must be a positive number, got \(margin)") }
        self.margin = margin
        cache = try refresh.map { try EmbeddingCache(interval: $0) }
    }

    public var description: String {
        "triplet.semihard{margin = \(margin)\(cache == nil ? "" : ", " + refreshDescription)}"
    }

    public func sample(_ context: TripletContext, count: Int) throws -> TripletIndices {
        let draws = (0..<count).map { _ in context.drawAnchorPositiveAndNegativeClass() }
        let mined = try NegativeMining(draws: draws, context: context, withPositives: true, embeddings: embeddings)
        var triplets = TripletIndices()
        for (t, draw) in draws.enumerated() {
            let positive = mined.toPositive[t]
            let candidates = mined.distances(t)
            let band = candidates.filter { $0.distance > positive && $0.distance < positive + margin }
            let chosen = (band.isEmpty ? candidates : band).min { $0.distance < $1.distance }!
            triplets.append(anchor: draw.anchor, positive: draw.positive, negative: chosen.image)
        }
        return triplets
    }
}
