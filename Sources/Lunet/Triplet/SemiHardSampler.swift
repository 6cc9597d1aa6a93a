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
    public static let declaration = Declaration("SemiHardSampler", options: [
        OptionDeclaration("margin", .number(.positive), default: .double(0.2), doc: "the band's width (squared distances)"),
        Declaration.samplerRefresh, Declaration.samplerSeed,
    ], doc: """
        FaceNet's semi-hard negatives: the nearest image of the chosen class with d(a,p) < d(a,n) < d(a,p) + margin \
        (squared distances); the hardest one when none lies in that band.
        """)

    public let margin: Float
    let cache: EmbeddingCache?
    public let subject: Subject
    public let seed: UInt64?

    /// Options checked by `declaration`.
    public init(options: OptionValues) throws {
        margin = try options.float("margin")
        cache = try options.optionalInt("refresh").map { try EmbeddingCache(interval: $0) }
        subject = options.samplerSubject
        seed = try options.seed()
    }

    public convenience init(margin: Float = 0.2, refresh: Int? = nil) throws {
        var given: [String: ConfigurationValue] = ["margin": .double(Double(margin))]
        if let refresh { given["refresh"] = .int(refresh) }
        try self.init(options: Self.declaration.check(configuration: given))
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
