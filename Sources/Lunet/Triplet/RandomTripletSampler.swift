/// The spec's 2.3a: a random anchor class, two different random images of it
/// (anchor and positive), another random class and a random image of it.
///
/// ```lua
/// local a, p, n = triplet.random():sample(ds, net, 64)
/// ```
public final class RandomTripletSampler: TripletSampler {
    public init() {}

    public var description: String { "triplet.random()" }
    public var usesEmbeddings: Bool { false }

    public func sample(_ context: TripletContext, count: Int) throws -> TripletIndices {
        // All classes first, then the negative images: the same seed gives
        // `triplet.hardest` the same anchors, positives and negative classes.
        let draws = (0..<count).map { _ in context.drawAnchorPositiveAndNegativeClass() }
        var triplets = TripletIndices()
        for (a, p, negativeClass) in draws {
            let candidates = context.members[negativeClass]
            triplets.append(anchor: a, positive: p, negative: candidates[context.random.nextInt(below: candidates.count)])
        }
        return triplets
    }
}
