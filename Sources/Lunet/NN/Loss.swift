/// What every loss (criterion) offers, so training loops and bindings take
/// any of them: the value, the gradient, and both fused in one pass.
///
/// A loss reads `inputCount` network outputs (1: logits; 3: anchor,
/// positive and negative embeddings) and, when `usesLabels`, 0-based class
/// labels. Training loops run the network once over a batch and call
/// `lossAndGradient(batch:labels:)`, which splits a stacked batch itself.
///
/// ```swift
/// let criterion = try TripletLoss(margin: 0.2)
/// let value = try criterion.loss([anchors, positives, negatives], labels: nil)
/// ```
public protocol Loss: AnyObject {
    /// What it is and its settings, as messages and front ends name it.
    var subject: Subject { get }
    /// Network outputs one evaluation takes.
    var inputCount: Int { get }
    /// Whether the loss compares the outputs with class labels.
    var usesLabels: Bool { get }
    /// Names of the by-products `LossValue.statistics` holds, in order.
    var statisticNames: [String] { get }

    /// The number of classes labels must lie in for these inputs, when the
    /// loss can tell (the logits' width); nil when it cannot.
    func classCount(for inputs: [Tensor<Float>]) -> Int?

    /// The mean loss over the batch, with its statistics.
    func loss(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> LossValue
    /// Gradients of the mean loss, one per input.
    func gradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> [Tensor<Float>]
    /// Value and gradients in one pass (what a training step needs).
    func lossAndGradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> (value: LossValue, gradients: [Tensor<Float>])
}

/// A loss on one batch and what else the loss measured there (a triplet
/// loss's fraction of active triplets), named by `Loss.statisticNames`.
public struct LossValue: Equatable, Sendable {
    public var loss: Float
    public var statistics: [Float]

    public init(loss: Float, statistics: [Float] = []) {
        self.loss = loss
        self.statistics = statistics
    }
}

extension Loss {
    public var usesLabels: Bool { true }
    public var statisticNames: [String] { [] }
    public func classCount(for inputs: [Tensor<Float>]) -> Int? { nil }

    /// For a network run once over the batch: its output `[B, ...]` is the
    /// single input or, for a loss of `k` inputs, `k` stacked blocks
    /// `[x1; x2; ...]` of `B / k` rows; the gradient has the output's shape.
    public func lossAndGradient(batch output: Tensor<Float>, labels: Tensor<Int32>?) throws
        -> (value: LossValue, gradient: Tensor<Float>) {
        let inputs = try split(output)
        let (value, gradients) = try lossAndGradient(inputs, labels: labels)
        return (value, gradients.count == 1 ? gradients[0] : try Tensor.concatenate(gradients, dimension: 0))
    }

    /// The loss of a batch's output, split as `lossAndGradient(batch:labels:)` does.
    public func loss(batch output: Tensor<Float>, labels: Tensor<Int32>?) throws -> LossValue {
        try loss(split(output), labels: labels)
    }

    private func split(_ output: Tensor<Float>) throws -> [Tensor<Float>] {
        guard inputCount > 1 else { return [output] }
        guard output.rank >= 1, output.shape[0] > 0, output.shape[0] % inputCount == 0 else {
            throw LunetError("\(subject: subject): a stacked batch needs \(inputCount)B rows (one block of B per input), got \(output.summary)")
        }
        let rows = output.shape[0] / inputCount
        return try (0..<inputCount).map { try output.narrowed(dimension: 0, start: $0 * rows, length: rows) }
    }

    /// Checks that `inputs` holds `inputCount` tensors and labels come when used.
    public func checkArity(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws {
        guard inputs.count == inputCount else {
            throw LunetError("\(subject: subject): \(inputCount) input\(inputCount == 1 ? "" : "s") expected, got \(inputs.count)")
        }
        if usesLabels, labels == nil { throw LunetError("\(subject: subject): class labels expected") }
    }
}
