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
    public static let declaration = Declaration("HardestNegativeSampler", options: [Declaration.samplerRefresh, Declaration.samplerSeed],
                                                doc: """
        Hardest negatives (the assignment's second selection rule): drawn as random triplets, then the negative is the \
        image of the chosen class nearest the anchor in the current embedding (one batched evaluation-mode pass a step).
        """)

    let cache: EmbeddingCache?
    public let subject: Subject
    public let seed: UInt64?

    /// Options checked by `declaration`.
    public init(options: OptionValues) throws {
        cache = try options.optionalInt("refresh").map { try EmbeddingCache(interval: $0) }
        subject = options.samplerSubject
        seed = try options.seed()
    }

    public convenience init(refresh: Int? = nil) throws {
        try self.init(options: Self.declaration.check(configuration: refresh.map { ["refresh": .int($0)] } ?? [:]))
    }

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
