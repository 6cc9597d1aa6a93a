/// The spec's 2.3a: a random anchor class, two different random images of it
/// (anchor and positive), another random class and a random image of it.
///
/// ```lua
/// local a, p, n = triplet.random():sample(ds, net, 64)
/// ```
public final class RandomTripletSampler: TripletSampler {
    public static let declaration = Declaration("RandomTripletSampler", options: [Declaration.samplerSeed], doc: """
        Random triplets (the assignment's first selection rule): a random anchor class, two different images of it \
        (anchor and positive), another random class and a random image of it.
        """)

    public let subject: Subject
    public let seed: UInt64?

    /// Options checked by `declaration`.
    public init(options: OptionValues) throws {
        subject = options.samplerSubject
        seed = try options.seed()
    }

    public convenience init(seed: UInt64? = nil) {
        // Checked by the declaration, which accepts every seed.
        try! self.init(options: Self.declaration.check(configuration: seed.map { ["seed": .int(Int(Int64(bitPattern: $0)))] } ?? [:]))
    }
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
