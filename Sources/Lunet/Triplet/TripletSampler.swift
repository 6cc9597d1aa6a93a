/// Chooses the triplets of one training step. Built in: `RandomTripletSampler`
/// (spec 2.3a), `HardestNegativeSampler` (2.3b), `SemiHardSampler`,
/// `BatchHardSampler`; samplers written in Lua conform through the bindings.
///
/// ```lua
/// local sampler = triplet.hardest{refresh = 10}
/// triplet.fit(net, ds, {sampler = sampler})
/// ```
public protocol TripletSampler: AnyObject {
    /// `triplet.random()`: how the sampler prints.
    var description: String { get }
    /// Whether it asks for embeddings (then the trainer passes the network).
    var usesEmbeddings: Bool { get }
    /// `count` triplets for the step `context.step`.
    func sample(_ context: TripletContext, count: Int) throws -> TripletIndices
}

/// Embeddings of the whole training set, computed again every `interval`
/// steps: mining then costs one full pass per interval instead of a pass
/// over the step's candidates at every step, at the price of embeddings up to
/// `interval - 1` steps old.
public final class EmbeddingCache {
    public let interval: Int
    private var embeddings: Tensor<Float>?
    private var computedAt = 0
    private var datasetIdentity: ObjectIdentifier?

    public init(interval: Int) throws {
        guard interval >= 1 else { throw LunetError("refresh must be a positive number of steps, got \(interval)") }
        self.interval = interval
    }

    /// `[positions.count, d]` rows of the cached embeddings, refreshed when
    /// `interval` steps have passed (or another dataset comes).
    func rows(_ positions: [Int], in context: TripletContext) throws -> Tensor<Float> {
        let identity = ObjectIdentifier(context)
        if embeddings == nil || identity != datasetIdentity || context.step - computedAt >= interval || context.step < computedAt {
            guard let embedding = context.embedding else { throw LunetError("this sampler was given no network to embed images with") }
            embeddings = try embedding.embedAll(context.dataset.images, across: context.communicator)
            computedAt = context.step
            datasetIdentity = identity
            context.noteEmbedded(context.dataset.count)
        }
        return try embeddings!.selecting(positions)
    }
}

/// Shared by the samplers that mine from embeddings: the step's own
/// (memoised) embeddings, or the cached ones when `refresh` is set.
protocol EmbeddingMiner: TripletSampler {
    var cache: EmbeddingCache? { get }
}

extension EmbeddingMiner {
    public var usesEmbeddings: Bool { true }

    func embeddings(_ positions: [Int], _ context: TripletContext) throws -> Tensor<Float> {
        if let cache { return try cache.rows(positions, in: context) }
        return try context.embed(positions)
    }

    /// ` {refresh = 10}` or nothing.
    var refreshDescription: String { cache.map { "refresh = \($0.interval)" } ?? "" }
}
