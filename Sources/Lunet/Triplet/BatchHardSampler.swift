/// Batch-hard mining (Hermans et al. 2017): `classes` random classes with
/// `perClass` random images each; every image of that batch is an anchor,
/// paired with the farthest image of its class in the batch and the nearest
/// image of another class in the batch. A step gives `classes * perClass`
/// triplets; `classes` defaults to enough for the count asked for, and the
/// list is cut to that count.
///
/// ```lua
/// triplet.fit(net, ds, {sampler = triplet.batchhard{classes = 16, perClass = 4}})
/// ```
public final class BatchHardSampler: EmbeddingMiner {
    public static let declaration = Declaration("BatchHardSampler", options: [
        OptionDeclaration("classes", .integer(2...Int.max), defaultText: "ceil(n / perClass)",
                          doc: "classes a batch (negatives come from another class)"),
        OptionDeclaration("perClass", .integer(2...Int.max), default: .int(4), doc: "images of each class (an anchor and a positive at least)"),
        Declaration.samplerRefresh, Declaration.samplerSeed,
    ], doc: """
        Batch-hard mining (Hermans et al. 2017): classes x perClass random images, each an anchor with the farthest \
        image of its class and the nearest of another class in that batch.
        """)

    public let classes: Int?
    public let perClass: Int
    let cache: EmbeddingCache?
    public let subject: Subject
    public let seed: UInt64?

    /// Options checked by `declaration`.
    public init(options: OptionValues) throws {
        classes = try options.optionalInt("classes")
        perClass = try options.int("perClass")
        cache = try options.optionalInt("refresh").map { try EmbeddingCache(interval: $0) }
        subject = options.samplerSubject
        seed = try options.seed()
    }

    public convenience init(classes: Int? = nil, perClass: Int = 4, refresh: Int? = nil) throws {
        var given: [String: ConfigurationValue] = ["perClass": .int(perClass)]
        if let classes { given["classes"] = .int(classes) }
        if let refresh { given["refresh"] = .int(refresh) }
        try self.init(options: Self.declaration.check(configuration: given))
    }

    public func sample(_ context: TripletContext, count: Int) throws -> TripletIndices {
        let batch = try drawBatch(context, count: count)
        let rows = try embeddings(batch, context)
        let labels = batch.map(context.dataset.label)
        let anchors = Swift.min(count, batch.count)
        var triplets = TripletIndices()
        // Distances a block of anchors at a time: memory linear in the batch.
        for start in stride(from: 0, to: anchors, by: Self.block) {
            let length = Swift.min(Self.block, anchors - start)
            let distances = try PairwiseDistances.squared(try rows.narrowed(dimension: 0, start: start, length: length), rows)
            distances.withUnsafeBufferPointer { d in
                for i in start..<start + length {
                    let row = d.baseAddress! + (i - start) * batch.count
                    var positive = -1, negative = -1
                    for j in batch.indices where j != i {
                        if labels[j] == labels[i] {
                            if positive < 0 || row[j] > row[positive] { positive = j }
                        } else if negative < 0 || row[j] < row[negative] {
                            negative = j
                        }
                    }
                    triplets.append(anchor: batch[i], positive: batch[positive], negative: batch[negative])
                }
            }
        }
        return triplets
    }

    /// Anchors whose distances to the whole batch are computed at once.
    static let block = 256

    /// `P x K` positions: P distinct classes with at least K images, K distinct images each.
    func drawBatch(_ context: TripletContext, count: Int) throws -> [Int] {
        let eligible = context.members.indices.filter { context.members[$0].count >= perClass }
        let wanted = classes ?? Swift.max(2, (count + perClass - 1) / perClass)
        guard eligible.count >= wanted else {
            throw LunetError("\(subject: subject): needs \(wanted) classes with at least \(perClass) images, the dataset has \(eligible.count)")
        }
        let chosen = Dataset.permutation(eligible.count, generator: &context.random).prefix(wanted).map { eligible[$0] }
        return chosen.flatMap { c in
            let images = context.members[c]
            return Dataset.permutation(images.count, generator: &context.random).prefix(perClass).map { images[$0] }
        }
    }
}
