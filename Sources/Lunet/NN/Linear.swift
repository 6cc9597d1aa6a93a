/// A fully connected layer `y = x W^T + b`, weight `[out, in]` as in PyTorch.
///
/// ```lua
/// local fc6 = nn.Linear(16384, 2048, {l2 = 2e-4}):named("fc6")
/// local y = fc6:forward(tensor.randn({100, 16384}))   -- 100x2048
/// ```
public final class Linear: Module {
    /// The name model files record: the declaration's, not the Swift class's.
    public override var typeName: String { Self.declaration.typeName }

    public let inputSize: Int
    public let outputSize: Int
    public let initializer: WeightInitializer
    /// `[out, in]`
    public let weight: Parameter
    /// `[out]`, nil without bias.
    public let bias: Parameter?

    public init(_ inputSize: Int, _ outputSize: Int, bias: Bool = true, initializer: WeightInitializer = .glorot,
                l2: Float = 0, seed: UInt64? = nil) throws {
        guard inputSize > 0, outputSize > 0, inputSize <= 1 << 40, outputSize <= 1 << 40 else {
            throw LunetError("\(subject: Subject("Linear")): sizes must be from 1 to 2^40, got \(inputSize) -> \(outputSize)")
        }
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.initializer = initializer
        var generator = seed.map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
        weight = try Parameter(name: "weight", value: try initializer.weight(
            [outputSize, inputSize], fanIn: inputSize, fanOut: outputSize, generator: &generator))
        try Parameter.checkL2(l2, layer: "nn.Linear")
        weight.l2 = l2
        self.bias = bias ? try Parameter(name: "bias", value: try .zeros([outputSize])) : nil
        super.init()
    }

    public override var detail: String? { "\(inputSize) -> \(outputSize)" }

    public override var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public override var configuration: [String: ConfigurationValue] {
        var result: [String: ConfigurationValue] = [
            "in": .int(inputSize), "out": .int(outputSize), "bias": .bool(bias != nil),
            "init": .string(initializer.rawValue),
        ]
        if weight.l2 != 0 { result["l2"] = .double(Double(weight.l2)) }
        return result
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2 else {
            throw inputError("expected a 2-d input [batch, \(inputSize)], got shape \(formatShape(inputShape))")
        }
        guard inputShape[1] == inputSize else { throw inputError("input has \(inputShape[1]) features") }
        return [inputShape[0], outputSize]
    }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        let shape = try outputShape(for: input.shape)
        let batch = shape[0]
        return try input.withUnsafeBufferPointer { x in
            try weight.value.withUnsafeBufferPointer { w in
                try Tensor(unsafeUninitializedShape: shape) { y in
                    // Rows start as the bias so the product adds onto it (beta = 1).
                    if let bias {
                        bias.value.withUnsafeBufferPointer { b in
                            for row in 0..<batch { (y.baseAddress! + row * outputSize).update(from: b.baseAddress!, count: outputSize) }
                        }
                    } else {
                        y.update(repeating: 0)
                    }
                    guard batch > 0 else { return }
                    BLAS.sgemm(transposeB: true, m: batch, n: outputSize, k: inputSize,
                               a: x.baseAddress!, lda: inputSize, b: w.baseAddress!, ldb: inputSize,
                               beta: 1, c: y.baseAddress!, ldc: outputSize)
                }
            }
        }
    }

    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        let shape = try outputShape(for: input.shape)
        guard gradOutput.shape == shape else {
            throw inputError("gradOutput has shape \(formatShape(gradOutput.shape)), expected \(formatShape(shape))")
        }
        let batch = shape[0]
        if batch == 0 { return input }
        accumulateGradients(input, gradOutput, batch: batch)
        return try gradOutput.withUnsafeBufferPointer { dy in
            try weight.value.withUnsafeBufferPointer { w in
                try Tensor(unsafeUninitializedShape: input.shape) { dx in
                    // dx [batch, in] = dy [batch, out] x W [out, in]
                    BLAS.sgemm(m: batch, n: inputSize, k: outputSize, a: dy.baseAddress!, lda: outputSize,
                               b: w.baseAddress!, ldb: inputSize, c: dx.baseAddress!, ldc: inputSize)
                }
            }
        }
    }

    /// The weight and bias gradients only (the first layer of a network).
    public override func accumulateParameterGradients(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws {
        let shape = try outputShape(for: input.shape)
        guard gradOutput.shape == shape else {
            throw inputError("gradOutput has shape \(formatShape(gradOutput.shape)), expected \(formatShape(shape))")
        }
        if shape[0] > 0 { accumulateGradients(input, gradOutput, batch: shape[0]) }
    }

    /// dW [out, in] += dy^T x; db += column sums of dy.
    private func accumulateGradients(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>, batch: Int) {
        let outputSize = outputSize, inputSize = inputSize
        input.withUnsafeBufferPointer { x in
            gradOutput.withUnsafeBufferPointer { dy in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    BLAS.sgemm(transposeA: true, m: outputSize, n: inputSize, k: batch, a: dy.baseAddress!, lda: outputSize,
                               b: x.baseAddress!, ldb: inputSize, beta: 1, c: dw.baseAddress!, ldc: inputSize)
                }
                bias?.accumulateBiasGradient(dy.baseAddress!, batch: batch, channels: outputSize, plane: 1)
            }
        }
    }
}
