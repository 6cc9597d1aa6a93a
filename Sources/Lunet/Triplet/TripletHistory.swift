/// What one round of triplet training measured: means over its steps.
public struct TripletRoundLog: Sendable {
    public let round: Int
    /// Mean triplet loss over the round's steps.
    public let loss: Double
    /// Mean fraction of triplets with a non-zero loss.
    public let activeFraction: Double
    /// Seconds spent choosing triplets (sampler, embeddings for mining, checks).
    public let miningSeconds: Double
    /// Seconds spent in forward, loss, backward and optimizer steps.
    public let trainingSeconds: Double
    /// Mean distinct images a step embedded for mining.
    public let embeddedPerStep: Double
    public let steps: Int
    /// A collapse warning, when the round shows one.
    public let warning: String?
}

/// The rounds of a `triplet.fit`, and why it stopped (`"completed"` or `"interrupted"`).
public struct TripletHistory: Sendable {
    public var rounds: [TripletRoundLog] = []
    public var stopReason = "completed"
    public init() {}
}

/// The spec asks the student to watch for a network that collapses every
/// embedding to one point: then every distance is zero and every triplet's
/// loss is exactly the margin.
enum CollapseCheck {
    /// Below this the largest squared distance in a batch counts as zero.
    static let distanceFloor: Float = 1e-6

    /// A warning for the round, or nil. `embeddings` is the last step's `[3B, d]` output.
    static func warning(embeddings: Tensor<Float>, meanLoss: Double, activeFraction: Double, margin: Float) -> String? {
        let width = embeddings.count / Swift.max(embeddings.shape[0], 1)
        if let flat = try? embeddings.reshaped([embeddings.shape[0], width]),
           let distances = try? PairwiseDistances.squared(flat, flat),
           distances.scalars.max() ?? 0 < distanceFloor {
            return "embeddings have collapsed: all pairwise distances in the last batch are below \(distanceFloor) (try a lower learning rate)"
        }
        if margin > 0, activeFraction > 0.99, Swift.abs(meanLoss - Double(margin)) < 0.01 * Double(margin) {
            return "the loss is stuck at the margin (\(margin)): the embeddings do not separate the triplets (try a lower learning rate)"
        }
        return nil
    }
}
