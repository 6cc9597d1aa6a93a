/// Batch normalization with PyTorch's semantics: batch statistics in training
/// (running averages updated with `momentum` and the unbiased variance),
/// running averages in evaluation; learned scale `weight` and shift `bias`.
/// `BatchNorm1d` takes `[batch, features]`, `BatchNorm2d` `[batch, channels, h, w]`.
///
/// ```lua
/// local bn = nn.BatchNorm2d(64, {momentum = 0.1, eps = 1e-5})
/// local y = bn:forward(tensor.randn({8, 64, 12, 12}))
/// ```
public final class BatchNorm: Module {
    /// 1 for `BatchNorm1d`, 2 for `BatchNorm2d`.
    public let spatialDimensions: Int
    public let featureCount: Int
    public let momentum: Float
    public let epsilon: Float
    /// Scale `[features]`, ones at first.
    public let weight: Parameter
    /// Shift `[features]`, zeros at first.
    public let bias: Parameter
    public private(set) var runningMean: Tensor<Float>
    public private(set) var runningVariance: Tensor<Float>
    /// Mean and 1/std per feature of the last training forward, for backward.
    private var batchMean: [Float] = []
    private var batchInverseStd: [Float] = []
    /// The input they belong to, held weakly: a strong hold would keep the
    /// input alive after its owner (`Sequential`) let it go, 216 MiB in the
    /// Koch network's first block, into the next step.
    private weak var statisticsInput: TensorStorage<Float>?

    public init(_ featureCount: Int, spatialDimensions: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) throws {
        guard featureCount > 0 else { throw LunetError("\(subject: Subject("BatchNorm\(spatialDimensions)d")): size must be positive, got \(featureCount)") }
        guard spatialDimensions == 1 || spatialDimensions == 2 else { throw LunetError("\(subject: Subject("BatchNorm")): 1 or 2 dimensions") }
        guard (0...1).contains(momentum) else {
            throw LunetError("\(subject: Subject("BatchNorm\(spatialDimensions)d")): momentum must be in [0, 1], got \(momentum)")
        }
        guard epsilon > 0, epsilon.isFinite else {
            throw LunetError("\(subject: Subject("BatchNorm\(spatialDimensions)d")): eps must be positive, got \(epsilon)")
        }
        self.spatialDimensions = spatialDimensions
        self.featureCount = featureCount
        self.momentum = momentum
        self.epsilon = epsilon
        weight = try Parameter(name: "weight", value: try .ones([featureCount]))
        bias = try Parameter(name: "bias", value: try .zeros([featureCount]))
        runningMean = try .zeros([featureCount])
        runningVariance = try .ones([featureCount])
        super.init()
    }

    public override var typeName: String { "BatchNorm\(spatialDimensions)d" }

    public override var detail: String? { "\(featureCount)" }

    public override var parameters: [Parameter] { [weight, bias] }

    public override var buffers: [(name: String, value: Tensor<Float>)] {
        [("running_mean", runningMean), ("running_var", runningVariance)]
    }

    public override func setBuffer(_ name: String, _ value: Tensor<Float>) throws {
        guard value.shape == [featureCount] else {
            throw LunetError("\(subject: subject): buffer '\(name)' must have shape \(featureCount), got \(formatShape(value.shape))")
        }
        switch name {
        case "running_mean": runningMean = value
        case "running_var": runningVariance = value
        default: throw LunetError("\(subject: subject) has no buffer '\(name)'")
        }
    }

    public override var configuration: [String: ConfigurationValue] {
        ["size": .int(featureCount), "momentum": .double(Double(momentum)), "eps": .double(Double(epsilon))]
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        let rank = spatialDimensions == 1 ? 2 : 4
        let layout = spatialDimensions == 1 ? "[batch, \(featureCount)]" : "[batch, \(featureCount), height, width]"
        guard inputShape.count == rank else {
            throw inputError("expected a \(rank)-d input \(layout), got shape \(formatShape(inputShape))")
        }
        guard inputShape[1] == featureCount else {
            throw inputError("input has \(inputShape[1]) \(spatialDimensions == 1 ? "features" : "channels")")
        }
        return inputShape
    }

    /// `[batch, features, spatial]` view sizes of an input.
    private func layout(_ input: Tensor<Float>) throws -> BatchNormLayout {
        _ = try outputShape(for: input.shape)
        return BatchNormLayout(batch: input.shape[0], features: featureCount, spatial: input.shape.dropFirst(2).reduce(1, *))
    }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        let layout = try layout(input)
        guard isTraining else {
            let (mean, inverseStd) = runningInverse()
            return try layout.normalize(input, mean: mean, inverseStd: inverseStd, weight: weight.value, bias: bias.value)
        }
        guard layout.reduced > 1 else {
            throw inputError("needs more than 1 value per \(spatialDimensions == 1 ? "feature" : "channel") in training, got input \(formatShape(input.shape))")
        }
        let (output, statistics) = try layout.normalizeWithBatchStatistics(input, epsilon: epsilon, weight: weight.value,
                                                                           bias: bias.value)
        updateRunningStatistics(statistics.mean, statistics.variance, count: layout.reduced)
        (batchMean, batchInverseStd, statisticsInput) = (statistics.mean, statistics.inverseStd, input.storage)
        return output
    }

    private func runningInverse() -> ([Float], [Float]) {
        (runningMean.scalars, runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() })
    }

    /// `running = (1 - momentum) running + momentum batch`, variance unbiased.
    private func updateRunningStatistics(_ mean: [Float], _ variance: [Float], count: Int) {
        let correction = Float(count) / Float(count - 1)
        runningMean.withUnsafeMutableBufferPointer { rm in
            for c in 0..<featureCount { rm[c] = (1 - momentum) * rm[c] + momentum * mean[c] }
        }
        runningVariance.withUnsafeMutableBufferPointer { rv in
            for c in 0..<featureCount { rv[c] = (1 - momentum) * rv[c] + momentum * variance[c] * correction }
        }
    }

    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        let layout = try layout(input)
        try Elementwise.checkGradient(self, input, gradOutput)
        let mean: [Float], inverseStd: [Float]
        if !isTraining {
            (mean, inverseStd) = runningInverse()
        } else if statisticsInput === input.storage, batchMean.count == featureCount {
            (mean, inverseStd) = (batchMean, batchInverseStd)
        } else {
            // Backward without the forward of this input: the statistics again, as forward finds them.
            let statistics = layout.statistics(input, epsilon: epsilon)
            (mean, inverseStd) = (statistics.mean, statistics.inverseStd)
        }
        let (inputGradient, sums) = try layout.backward(input, gradOutput, mean: mean, inverseStd: inverseStd,
                                                        weight: weight.value, training: isTraining)
        weight.gradient.withUnsafeMutableBufferPointer { dw in
            for c in 0..<featureCount { dw[c] += sums.dyXhat[c] }
        }
        bias.gradient.withUnsafeMutableBufferPointer { db in
            for c in 0..<featureCount { db[c] += sums.dy[c] }
        }
        return inputGradient
    }
}
