import Foundation

/// Softmax cross-entropy on logits, averaged over the batch, as PyTorch's
/// `nn.CrossEntropyLoss` and Keras' sparse categorical cross-entropy on
/// logits. Log-softmax is fused in and shifted by each row's maximum, so large
/// logits neither overflow nor lose the loss to rounding.
///
/// Class indices are 0-based here; the Lua binding takes 1-based labels.
///
/// ```lua
/// local criterion = nn.CrossEntropy()
/// local loss = criterion:forward(logits, labels)      -- labels: Int32, 1-based
/// local dlogits = criterion:backward(logits, labels)
/// ```
public final class CrossEntropyLoss {
    public init() {}

    /// The mean of `-log softmax(logits)[i, targets[i]]` over rows `i`.
    public func forward(_ logits: Tensor<Float>, _ targets: Tensor<Int32>) throws -> Float {
        try lossAndGradient(logits, targets, gradient: false).loss
    }

    /// The gradient of the mean loss with respect to the logits:
    /// `(softmax(logits) - onehot(targets)) / batch`.
    public func backward(_ logits: Tensor<Float>, _ targets: Tensor<Int32>) throws -> Tensor<Float> {
        try lossAndGradient(logits, targets, gradient: true).gradient!
    }

    /// Loss and gradient in one pass over the logits (what a training step needs).
    public func lossAndGradient(_ logits: Tensor<Float>, _ targets: Tensor<Int32>) throws -> (loss: Float, gradient: Tensor<Float>) {
        let result = try lossAndGradient(logits, targets, gradient: true)
        return (result.loss, result.gradient!)
    }

    /// Checks shapes and class indices: logits `[batch, classes]`, targets `[batch]`.
    public func validate(_ logits: Tensor<Float>, _ targets: Tensor<Int32>) throws {
        guard logits.rank == 2, logits.shape[0] > 0, logits.shape[1] > 0 else {
            throw LunetError("\(subject: subject): logits must be a non-empty batch x classes matrix, got \(logits.summary)")
        }
        guard targets.shape == [logits.shape[0]] else {
            throw LunetError("\(subject: subject): \(logits.shape[0]) logit rows need \(logits.shape[0]) targets, got \(targets.summary)")
        }
        let classes = logits.shape[1]
        try targets.withUnsafeBufferPointer { labels in
            for (row, label) in labels.enumerated() where label < 0 || Int(label) >= classes {
                throw LunetError("\(subject: subject): row \(position: row): class \(position: Int(label)) out of range for \(classes) classes")
            }
        }
    }

    private func lossAndGradient(_ logits: Tensor<Float>, _ targets: Tensor<Int32>, gradient wanted: Bool)
        throws -> (loss: Float, gradient: Tensor<Float>?) {
        try validate(logits, targets)
        var total = 0.0
        let gradient: Tensor<Float>?
        if wanted {
            gradient = try Tensor(unsafeUninitializedShape: logits.shape) { total = pass(logits, targets, $0) }
        } else {
            gradient = nil
            total = pass(logits, targets, nil)
        }
        return (Float(total / Double(logits.shape[0])), gradient)
    }

    /// Sums the per-row losses; when `gradient` (shape of `logits`) is given,
    /// writes `(softmax - onehot) / batch` into it.
    private func pass(_ logits: Tensor<Float>, _ targets: Tensor<Int32>, _ gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        var total = 0.0
        logits.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { labels in
                for row in 0..<batch {
                    let z = UnsafeBufferPointer(rebasing: x[row * classes..<(row + 1) * classes])
                    let shift = z.max()!
                    var sum: Float = 0
                    for j in 0..<classes { sum += expf(z[j] - shift) }
                    let target = Int(labels[row])
                    total += Double(logf(sum) - (z[target] - shift))
                    guard let g = gradient else { continue }
                    let scale = 1 / (Float(batch) * sum)
                    let out = g.baseAddress! + row * classes
                    for j in 0..<classes { out[j] = expf(z[j] - shift) * scale }
                    out[target] -= 1 / Float(batch)
                }
            }
        }
        return total
    }
}

extension CrossEntropyLoss: Loss {
    public static let declaration = Declaration("CrossEntropyLoss", doc: """
        Softmax cross-entropy on logits [batch, classes] with class labels, mean over the batch (log-softmax fused, stable).
        """)
    public var subject: Subject { Self.declaration.subject }
    public var inputCount: Int { 1 }

    public func classCount(for inputs: [Tensor<Float>]) -> Int? {
        inputs.count == 1 && inputs[0].rank == 2 ? inputs[0].shape[1] : nil
    }

    public func loss(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> LossValue {
        try checkArity(inputs, labels: labels)
        return LossValue(loss: try forward(inputs[0], labels!))
    }

    public func gradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> [Tensor<Float>] {
        try checkArity(inputs, labels: labels)
        return [try backward(inputs[0], labels!)]
    }

    public func lossAndGradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws
        -> (value: LossValue, gradients: [Tensor<Float>]) {
        try checkArity(inputs, labels: labels)
        let (loss, gradient) = try lossAndGradient(inputs[0], labels!)
        return (LossValue(loss: loss), [gradient])
    }
}
