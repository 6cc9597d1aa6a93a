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
