import Foundation

/// A 2-d convolution (cross-correlation, as in every framework) over
/// `[batch, in, h, w]`, weight `[out, in, kh, kw]` as in PyTorch.
///
/// The passes run by a `ConvolutionAlgorithm` that `ConvolutionChooser` picks
/// per input size: Winograd minimal filtering (`WinogradConvolution`, 4 to 6
/// times fewer multiplications) for stride-1 square kernels of 3 to 8 over 8 or
/// more input channels, im2col and `sgemm` (`Im2colConvolution`) for the others.
/// `algorithm(forInputShape:)` names the choice; the buffers are kept between calls.
///
/// ```lua
/// local conv = nn.Conv2d(3, 96, 4, {padding = "same", stride = 1, l2 = 2e-4})
/// local y = conv:forward(tensor.randn({100, 3, 64, 64}))   -- 100x96x64x64
/// ```
public final class Conv2d: Module {
    /// The name model files record: the declaration's, not the Swift class's.
    public override var typeName: String { Self.declaration.typeName }

    public let inputChannels: Int
    public let outputChannels: Int
    public let kernel: Size2D
    public let stride: Size2D
    public let padding: Padding
    public let initializer: WeightInitializer
    /// `[out, in, kh, kw]`
    public let weight: Parameter
    /// `[out]`, nil without bias.
    public let bias: Parameter?
    /// Held while a convolution uses the algorithms' shared buffers.
    static let workspaceLock = NSLock()
    /// Tests set it to run one algorithm whatever the input; nil lets `ConvolutionChooser` choose.
    var forcedAlgorithm: (any ConvolutionAlgorithm)?

    public init(_ inputChannels: Int, _ outputChannels: Int, kernel: Size2D, stride: Size2D = Size2D(square: 1),
                padding: Padding = .valid, bias: Bool = true, initializer: WeightInitializer = .glorot,
                l2: Float = 0, seed: UInt64? = nil) throws {
        guard inputChannels > 0, outputChannels > 0, kernel.height > 0, kernel.width > 0,
              stride.height > 0, stride.width > 0 else {
            throw LunetError("\(subject: Subject("Conv2d")): channels, kernel and stride must be positive")
        }
        try Size2D.checkWindow(kernel: kernel, stride: stride, padding: padding, layer: "nn.Conv2d")
        guard inputChannels <= 1 << 24, outputChannels <= 1 << 24 else {
            throw LunetError("\(subject: Subject("Conv2d")): at most \(1 << 24) channels, got \(inputChannels) -> \(outputChannels)")
        }
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.initializer = initializer
        let area = kernel.height * kernel.width
        var generator = seed.map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
        weight = try Parameter(name: "weight", value: try initializer.weight(
            [outputChannels, inputChannels, kernel.height, kernel.width],
            fanIn: inputChannels * area, fanOut: outputChannels * area, generator: &generator))
        try Parameter.checkL2(l2, layer: "nn.Conv2d")
        weight.l2 = l2
        self.bias = bias ? try Parameter(name: "bias", value: try .zeros([outputChannels])) : nil
        super.init()
    }

    public override var detail: String? {
        var text = "\(inputChannels) -> \(outputChannels), \(kernel.text)"
        if stride != Size2D(square: 1) { text += ", stride \(stride.height == stride.width ? "\(stride.height)" : stride.text)" }
        if padding != .valid { text += ", \(padding.text)" }
        if bias == nil { text += ", no bias" }
        return text
    }

    /// How this layer computes inputs of `inputShape` `[batch, in, h, w]`:
    /// `im2col + sgemm` or `Winograd F(4x4, 3x3)` (and its pieces).
    public func algorithm(forInputShape inputShape: [Int]) throws -> String {
        algorithm(for: try geometry(for: inputShape)).description
    }

    /// The algorithm for one input size: fixed by kernel, stride, channels and output size.
    func algorithm(for g: ConvolutionGeometry) -> any ConvolutionAlgorithm {
        forcedAlgorithm ?? ConvolutionChooser.algorithm(kernel: kernel, stride: stride, inputChannels: inputChannels,
                                                         outputHeight: g.outputHeight, outputWidth: g.outputWidth)
    }

    /// The chosen algorithm, or the exact one when `data` holds a NaN or an infinity
    /// the chosen one would spread (Winograd's transforms mix whole tiles).
    private func algorithm(for g: ConvolutionGeometry, data: [Tensor<Float>]) -> any ConvolutionAlgorithm {
        let chosen = algorithm(for: g)
        if chosen.isExactOnNonFiniteValues || data.allSatisfy(\.allFinite) { return chosen }
        return ConvolutionChooser.exact
    }

    public override var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public override var configuration: [String: ConfigurationValue] {
        var result: [String: ConfigurationValue] = [
            "in": .int(inputChannels), "out": .int(outputChannels), "kernel": kernel.configurationValue,
            "stride": stride.configurationValue, "padding": padding.configurationValue, "bias": .bool(bias != nil),
            "init": .string(initializer.rawValue),
        ]
        if weight.l2 != 0 { result["l2"] = .double(Double(weight.l2)) }
        return result
    }

    func geometry(for inputShape: [Int]) throws -> ConvolutionGeometry {
        guard inputShape.count == 4 else {
            throw inputError("expected a 4-d input [batch, \(inputChannels), height, width], got shape \(formatShape(inputShape))")
        }
        guard inputShape[1] == inputChannels else { throw inputError("input has \(inputShape[1]) channels") }
        guard let geometry = ConvolutionGeometry(channels: inputChannels, height: inputShape[2], width: inputShape[3],
                                                 kernel: kernel, stride: stride, padding: padding) else {
            throw inputError("input \(inputShape[2])x\(inputShape[3]) is smaller than the \(kernel.text) kernel")
        }
        return geometry
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        let g = try geometry(for: inputShape)
        return [inputShape[0], outputChannels, g.outputHeight, g.outputWidth]
    }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        let g = try geometry(for: input.shape)
        let batch = input.shape[0]
        let shape = [batch, outputChannels, g.outputHeight, g.outputWidth]
        _ = try Tensor<Float>.elementCount(of: shape)  // refuse a too large output before sizing scratch for it
        Self.workspaceLock.lock()
        defer { Self.workspaceLock.unlock() }
        let algorithm = algorithm(for: g, data: [input, weight.value])
        let biasValues = bias?.value
        return try input.withUnsafeBufferPointer { x in
            try weight.value.withUnsafeBufferPointer { w in
                try Tensor(unsafeUninitializedShape: shape) { y in
                    let run = { (b: UnsafePointer<Float>?) throws in
                        try algorithm.forward(x.baseAddress!, batch: batch, geometry: g, outputChannels: self.outputChannels,
                                              weight: w.baseAddress!, bias: b, into: y.baseAddress!)
                    }
                    if let biasValues { try biasValues.withUnsafeBufferPointer { try run($0.baseAddress!) } } else { try run(nil) }
                }
            }
        }
    }

    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        try backward(input, gradOutput, inputGradient: true)!
    }

    /// The weight and bias gradients only: no input gradient to fold back (the first layer of a network).
    public override func accumulateParameterGradients(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws {
        _ = try backward(input, gradOutput, inputGradient: false)
    }

    /// Bias and weight gradients, and the input gradient when `inputGradient` (else nil).
    private func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>, inputGradient: Bool) throws -> Tensor<Float>? {
        let g = try geometry(for: input.shape)
        let batch = input.shape[0]
        let shape = [batch, outputChannels, g.outputHeight, g.outputWidth]
        guard gradOutput.shape == shape else {
            throw inputError("gradOutput has shape \(formatShape(gradOutput.shape)), expected \(formatShape(shape))")
        }
        if let bias {
            gradOutput.withUnsafeBufferPointer { dy in
                bias.accumulateBiasGradient(dy.baseAddress!, batch: batch, channels: outputChannels, plane: g.outputPlane)
            }
        }
        Self.workspaceLock.lock()
        defer { Self.workspaceLock.unlock() }
        let algorithm = algorithm(for: g, data: [input, gradOutput, weight.value])
        return try input.withUnsafeBufferPointer { x in
            try gradOutput.withUnsafeBufferPointer { dy in
                try weight.value.withUnsafeBufferPointer { w in
                    let run = { (dx: UnsafeMutablePointer<Float>?) throws in
                        try self.weight.gradient.withUnsafeMutableBufferPointer { dw in
                            try algorithm.backward(x.baseAddress!, dy.baseAddress!, batch: batch, geometry: g,
                                                   outputChannels: self.outputChannels, weight: w.baseAddress!,
                                                   weightGradient: dw.baseAddress!, inputGradient: dx)
                        }
                    }
                    guard inputGradient else {
                        try run(nil)
                        return nil
                    }
                    return try Tensor(unsafeUninitializedShape: input.shape) { try run($0.baseAddress!) }
                }
            }
        }
    }
}
