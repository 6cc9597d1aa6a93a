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
