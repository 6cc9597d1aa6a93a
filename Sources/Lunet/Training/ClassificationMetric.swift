/// A classification metric on logits `[batch, classes]` with 0-based labels:
/// `accuracy` (the row's first largest logit is the label, as Keras'
/// `accuracy`) or `topK` for any `K` (`top5`: fewer than `K` logits are
/// strictly larger than the label's, so ties at the boundary count as found,
/// as TensorFlow's `in_top_k`).
///
/// ```lua
/// train.fit(net, ds, {metrics = {"accuracy", "top5"}})
/// ```
public struct ClassificationMetric: Equatable, Sendable {
    public let name: String
    /// 1 for `accuracy`.
    public let k: Int
    private let usesArgmax: Bool

    /// `accuracy`, or `top<K>` with a positive `K`.
    public init(name: String) throws {
        self.name = name
        if name == "accuracy" {
            k = 1
            usesArgmax = true
        } else if name.hasPrefix("top"), let k = Int(name.dropFirst(3)), k >= 1, name.dropFirst(3).allSatisfy(\.isNumber) {
            self.k = k
            usesArgmax = false
        } else {
            throw LunetError("unknown metric '\(name)' (metrics: 'accuracy', 'top<K>' such as 'top5')")
        }
    }

    /// Rows of `logits` whose label the metric counts as found.
    public func correctCount(_ logits: Tensor<Float>, _ labels: Tensor<Int32>) throws -> Int {
        guard logits.rank == 2, labels.shape == [logits.shape[0]] else {
            throw LunetError("metric '\(name)': logits [batch, classes] and one label per row expected, got \(logits.summary) and \(labels.summary)")
        }
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        return logits.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                var correct = 0
                for row in 0..<batch {
                    let z = UnsafeBufferPointer(rebasing: x[row * classes..<(row + 1) * classes])
                    let label = Int(y[row])
                    guard label >= 0, label < classes else { continue }
                    if usesArgmax {
                        if argmax(z) == label { correct += 1 }
                    } else {
                        let target = z[label]
                        var larger = 0
                        for value in z where value > target { larger += 1 }
                        if larger < k { correct += 1 }
                    }
                }
                return correct
            }
        }
    }

    private func argmax(_ z: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for j in 1..<max(z.count, 1) where z[j] > z[best] { best = j }
        return best
    }
}
