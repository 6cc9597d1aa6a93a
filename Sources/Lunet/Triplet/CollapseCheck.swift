/// The spec asks the student to watch for a network that collapses every
/// embedding to one point: then every distance is zero and every triplet's
/// loss is exactly the margin.
///
/// The check costs memory linear in the batch (one mean row, `d` Doubles):
/// the embeddings' largest distance from their mean. Every pairwise distance
/// is at most twice it, and it is at most the largest pairwise distance, so
/// it tells a collapse as well as the whole `[3B, 3B]` distance matrix would.
enum CollapseCheck {
    /// Below this distance from the mean an embedding counts as collapsed onto it.
    static let radius = 1e-3

    /// A warning for the round, or nil. `embeddings` is the last step's `[3B, ...]` output.
    static func warning(embeddings: Tensor<Float>, meanLoss: Double, activeFraction: Double, margin: Float) -> String? {
        if largestDistanceFromMean(embeddings) < radius {
            return "embeddings have collapsed: every embedding of the last batch lies within \(radius) of their mean (try a lower learning rate)"
        }
        if margin > 0, activeFraction > 0.99, Swift.abs(meanLoss - Double(margin)) < 0.01 * Double(margin) {
            return "the loss is stuck at the margin (\(margin)): the embeddings do not separate the triplets (try a lower learning rate)"
        }
        return nil
    }

    /// `max_i |x_i - mean|` over the rows of `x` (`[n, ...]`), in Double; NaN when a value is.
    static func largestDistanceFromMean(_ x: Tensor<Float>) -> Double {
        let rows = x.shape.first ?? 0
        guard rows > 0 else { return .nan }
        let width = x.count / rows
        return x.withUnsafeBufferPointer { e in
            var mean = [Double](repeating: 0, count: width)
            for i in 0..<rows {
                for j in 0..<width { mean[j] += Double(e[i * width + j]) }
            }
            for j in 0..<width { mean[j] /= Double(rows) }
            var largest = 0.0
            for i in 0..<rows {
                var sum = 0.0
                for j in 0..<width {
                    let d = Double(e[i * width + j]) - mean[j]
                    sum += d * d
                }
                if !(sum <= largest) { largest = sum }  // NaN wins
            }
            return largest.squareRoot()
        }
    }
}
