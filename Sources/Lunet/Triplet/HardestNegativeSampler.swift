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
