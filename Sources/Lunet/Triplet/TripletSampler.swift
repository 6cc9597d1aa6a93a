/// Chooses the triplets of one training step. Built in: `RandomTripletSampler`
/// (spec 2.3a), `HardestNegativeSampler` (2.3b), `SemiHardSampler`,
/// `BatchHardSampler`; samplers written in Lua conform through the bindings.
///
/// ```lua
/// local sampler = triplet.hardest{refresh = 10}
/// triplet.fit(net, ds, {sampler = sampler})
/// ```
public protocol TripletSampler: AnyObject {
    /// What it is and the options it was made with, as messages and front ends name it.
    var subject: Subject { get }
    /// Seeds the draws of a run that gives no seed of its own; nil: the global generator.
    var seed: UInt64? { get }
    /// Whether it asks for embeddings (then the trainer passes the network).
    var usesEmbeddings: Bool { get }
    /// `count` triplets for the step `context.step`.
    func sample(_ context: TripletContext, count: Int) throws -> TripletIndices
}

extension TripletSampler {
    public var seed: UInt64? { nil }
}

/// The options every built-in sampler takes, and how they print.
extension Declaration {
    /// `seed`, declared once for every built-in sampler.
    static let samplerSeed = OptionDeclaration("seed", .seed,
        doc: "seeds the draws of runs that give no seed of their own (sampler:sample, or triplet.fit without seed)")
    /// `refresh`, declared once for the samplers that mine from embeddings.
    static let samplerRefresh = OptionDeclaration("refresh", .integer(1...Int.max),
        doc: "mine from embeddings of the whole set recomputed every refresh steps (none: the step's own embeddings)")
}

extension OptionValues {
    /// A sampler's subject: its declaration and the options that differ from their defaults.
    var samplerSubject: Subject { Subject(declaration.name, detail: .options(changedFromDefaults)) }
}
