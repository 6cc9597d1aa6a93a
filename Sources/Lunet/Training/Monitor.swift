/// The one tracker of the best value of the monitored quantity (`val_loss`)
/// over epochs (the loop keeps it; early stopping asks it), as
/// Keras' callbacks do: lower is better for names containing `loss`, higher
/// for the others (accuracy, top-k); an improvement must beat the best by
/// more than `minDelta`. NaN never improves.
public struct Monitor: Sendable {
    public enum Direction: Sendable { case lower, higher }

    public let name: String
    public let minDelta: Double
    public let direction: Direction
    public private(set) var best: Double
    /// 0-based epoch of the best value; nil before the first improvement.
    public private(set) var bestEpoch: Int?

    public init(_ name: String, minDelta: Double = 0) throws {
        guard minDelta >= 0, minDelta.isFinite else {
            throw LunetError("minDelta must be a non-negative number, got \(minDelta)")
        }
        self.name = name
        self.minDelta = minDelta
        direction = name.contains("loss") ? .lower : .higher
        best = direction == .lower ? .infinity : -.infinity
    }

    /// Records the value of `epoch`; true when it improves on the best.
    public mutating func record(_ value: Double, epoch: Int) -> Bool {
        let improved = direction == .lower ? value + minDelta < best : value - minDelta > best
        if improved {
            best = value
            bestEpoch = epoch
        }
        return improved
    }
}
