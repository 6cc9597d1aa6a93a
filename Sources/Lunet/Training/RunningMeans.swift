/// Weighted means of named values kept in the order first seen: a running
/// loss and metrics over the batches of an epoch (each batch weighted by its
/// size), what progress bars and histories show.
public struct RunningMeans: Sendable {
    public private(set) var names: [String] = []
    private var sums: [Double] = []
    private var weights: [Double] = []

    public init() {}

    /// Adds `value` with `weight` to the mean of `name`.
    public mutating func add(_ name: String, _ value: Double, weight: Double = 1) {
        if let i = names.firstIndex(of: name) {
            sums[i] += value * weight
            weights[i] += weight
        } else {
            names.append(name)
            sums.append(value * weight)
            weights.append(weight)
        }
    }

    public var values: [(name: String, value: Double)] {
        names.indices.map { (names[$0], weights[$0] > 0 ? sums[$0] / weights[$0] : 0) }
    }

    public subscript(name: String) -> Double? {
        names.firstIndex(of: name).map { weights[$0] > 0 ? sums[$0] / weights[$0] : 0 }
    }
}
