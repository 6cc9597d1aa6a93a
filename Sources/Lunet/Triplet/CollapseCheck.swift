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
