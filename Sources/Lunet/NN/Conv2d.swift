import Foundation

/// A 2-d convolution (cross-correlation, as in every framework) over
/// `[batch, in, h, w]`, weight `[out, in, kh, kw]` as in PyTorch.
///
/// Stride-1 square kernels of 3 to 8 over 8 or more input channels run by
/// Winograd minimal filtering (`WinogradConvolution`, 4 to 6 times fewer
/// multiplications); the others go through the batch in chunks: the chunk's
/// patches are unfolded into one matrix (im2col) and multiplied by the weight in
/// one `sgemm`. `algorithm(forInputShape:)` names the choice; the buffers are kept between calls.
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
    /// Patch matrix of a chunk, `[in * kh * kw, chunk * oh * ow]`; in backward also its gradient.
    /// Shared by every convolution: layers run one at a time, so one buffer
    /// serves a whole network (150 MB less on the Babenko network than one per layer).
    nonisolated(unsafe) private static let columns = Workspace<Float>()
    /// Product of a chunk, `[out, chunk * oh * ow]` (forward output, backward gathered gradient).
    nonisolated(unsafe) private static let product = Workspace<Float>()
    /// Held while a convolution uses the shared buffers (its own and Winograd's).
    static let workspaceLock = NSLock()
    /// Tests set it to run one path whatever the input; nil lets `path(for:)` choose.
    var forcedPath: ConvolutionPath?

    /// Images per chunk aim for this many product columns, so small outputs still make wide products.
    static let targetColumns = 2048
    /// Cap on the patch matrix, in floats (32 MB).
    static let maximumColumnsSize = 8 << 20

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
        path(for: try geometry(for: inputShape)).description
    }

    /// The path for one input size: fixed by kernel, stride, channels and output size.
    func path(for g: ConvolutionGeometry) -> ConvolutionPath {
        if let forcedPath { return forcedPath }
        return WinogradConvolution.choose(kernel: kernel, stride: stride, inputChannels: inputChannels,
                                          outputHeight: g.outputHeight, outputWidth: g.outputWidth)
            .map(ConvolutionPath.winograd) ?? .im2col
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

    /// Images per chunk for this geometry and batch.
    func chunkSize(_ g: ConvolutionGeometry, batch: Int) -> Int {
        let wanted = (Self.targetColumns + g.outputPlane - 1) / g.outputPlane
        let fitting = Self.maximumColumnsSize / Swift.max(g.patchSize * g.outputPlane, 1)
        return Swift.max(1, Swift.min(batch, wanted, fitting))
    }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        let g = try geometry(for: input.shape)
        let batch = input.shape[0]
        let shape = [batch, outputChannels, g.outputHeight, g.outputWidth]
        _ = try Tensor<Float>.elementCount(of: shape)  // refuse a too large output before sizing scratch for it
        Self.workspaceLock.lock()
        defer { Self.workspaceLock.unlock() }
        // Winograd's transforms spread a NaN or Inf over whole tiles; non-finite data
        // takes the direct path, which marks exactly the outputs whose window holds it.
        if case .winograd(let winograd) = path(for: g), input.allFinite, weight.value.allFinite {
            return try forward(input, geometry: g, winograd: winograd)
        }
        let chunk = chunkSize(g, batch: batch)
        let col = try Self.columns.reserve(g.patchSize * chunk * g.outputPlane)
        let out = try Self.product.reserve(outputChannels * chunk * g.outputPlane)
        let biasValues = bias?.value.scalars
        return try input.withUnsafeBufferPointer { x in
            try weight.value.withUnsafeBufferPointer { w in
                try Tensor(unsafeUninitializedShape: shape) { y in
                    for start in Swift.stride(from: 0, to: batch, by: chunk) {
                        let count = Swift.min(chunk, batch - start)
                        let width = count * g.outputPlane
                        g.im2col(images: x.baseAddress! + start * g.channels * g.inputPlane, count: count, col: col, rowStride: width)
                        // A single image's product is already in output layout: write it in place.
                        let target = count == 1 ? y.baseAddress! + start * outputChannels * g.outputPlane : out
                        BLAS.sgemm(m: outputChannels, n: width, k: g.patchSize, a: w.baseAddress!, lda: g.patchSize,
                                   b: col, ldb: width, c: target, ldc: width)
                        scatter(target, into: y.baseAddress! + start * outputChannels * g.outputPlane,
                                count: count, plane: g.outputPlane, bias: biasValues)
                    }
                }
            }
        }
    }

    /// `[out, count * plane]` -> `[count, out, plane]`, adding the bias (in place when
    /// source and destination are the same single image).
    private func scatter(_ source: UnsafeMutablePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                         count: Int, plane: Int, bias: [Float]?) {
        let channels = outputChannels
        ParallelLoop.forEach(count * channels, grain: 4) { range in
            for item in range {
                let i = item / channels, o = item % channels
                let src = source + o * count * plane + i * plane, dst = destination + (i * channels + o) * plane
                let b = bias?[o] ?? 0
                for p in 0..<plane { dst[p] = src[p] + b }
            }
        }
    }

    /// `[count, out, plane]` -> `[out, count * plane]`.
    private func gather(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int, plane: Int) {
        let channels = outputChannels
        ParallelLoop.forEach(count * channels, grain: 4) { range in
            for item in range {
                let i = item / channels, o = item % channels
                (destination + o * count * plane + i * plane).update(from: source + (i * channels + o) * plane, count: plane)
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
        if case .winograd(let winograd) = path(for: g), input.allFinite, gradOutput.allFinite, weight.value.allFinite {
            return try backward(input, gradOutput, geometry: g, winograd: winograd, inputGradient: inputGradient)
        }
        let run = { (dx: UnsafeMutablePointer<Float>?) throws in
            try input.withUnsafeBufferPointer { x in
                try gradOutput.withUnsafeBufferPointer { dy in
                    try self.im2colBackward(x.baseAddress!, dy.baseAddress!, geometry: g, batch: batch, into: dx)
                }
            }
        }
        guard inputGradient else {
            try run(nil)
            return nil
        }
        return try Tensor(shape: input.shape) { try run($0.baseAddress!) }
    }

    /// Per chunk: unfold the input again, `dW += dY col^T`,
    /// and with `dx`, `dcol = W^T dY` folded back into the input gradient. The caller holds `workspaceLock`.
    private func im2colBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, geometry g: ConvolutionGeometry,
                                batch: Int, into dx: UnsafeMutablePointer<Float>?) throws {
        let chunk = chunkSize(g, batch: batch)
        let col = try Self.columns.reserve(g.patchSize * chunk * g.outputPlane)
        let gathered = try Self.product.reserve(outputChannels * chunk * g.outputPlane)
        let outputChannels = outputChannels
        try weight.value.withUnsafeBufferPointer { w in
            try weight.gradient.withUnsafeMutableBufferPointer { dw in
                for start in Swift.stride(from: 0, to: batch, by: chunk) {
                    let count = Swift.min(chunk, batch - start)
                    let width = count * g.outputPlane
                    let dyChunk = dy + start * outputChannels * g.outputPlane
                    g.im2col(images: x + start * g.channels * g.inputPlane, count: count, col: col, rowStride: width)
                    let grad: UnsafePointer<Float>
                    if count == 1 {
                        grad = dyChunk
                    } else {
                        gather(dyChunk, into: gathered, count: count, plane: g.outputPlane)
                        grad = UnsafePointer(gathered)
                    }
                    BLAS.sgemm(transposeB: true, m: outputChannels, n: g.patchSize, k: width,
                               a: grad, lda: width, b: col, ldb: width, beta: 1, c: dw.baseAddress!, ldc: g.patchSize)
                    guard let dx else { continue }
                    BLAS.sgemm(transposeA: true, m: g.patchSize, n: width, k: outputChannels,
                               a: w.baseAddress!, lda: g.patchSize, b: grad, ldb: width, c: col, ldc: width)
                    g.col2im(col: col, rowStride: width, count: count, gradImages: dx + start * g.channels * g.inputPlane)
                }
            }
        }
    }
}
