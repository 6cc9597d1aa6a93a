/// Embeddings of the whole training set, computed again every `interval`
/// steps: mining then costs one full pass per interval instead of a pass
/// over the step's candidates at every step, at the price of embeddings up to
/// `interval - 1` steps old.
public final class EmbeddingCache {
    public let interval: Int
    private var embeddings: Tensor<Float>?
    private var computedAt = 0
    /// The run (context) the embeddings belong to; another run, or a new
    /// network, starts from fresh embeddings.
    private weak var owner: TripletContext?

    /// `interval` is checked by the samplers' `refresh` declaration.
    init(interval: Int) throws {
        self.interval = interval
    }

    /// `[positions.count, d]` rows of the cached embeddings, refreshed when
    /// `interval` steps have passed (or another dataset comes).
    func rows(_ positions: [Int], in context: TripletContext) throws -> Tensor<Float> {
        if embeddings == nil || owner !== context || context.step - computedAt >= interval || context.step < computedAt {
            guard let embedding = context.embedding else { throw LunetError("this sampler was given no network to embed images with") }
            embeddings = try embedding.embedAll(context.dataset.images, across: context.communicator)
            computedAt = context.step
            owner = context
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
}
