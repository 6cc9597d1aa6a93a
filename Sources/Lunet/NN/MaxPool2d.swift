/// 2-d max pooling over `[batch, channels, h, w]`. `same` padding follows
/// Keras (output `ceil(in / stride)`, the extra padding at the bottom/right);
/// padded cells never win. Backward routes each gradient to the input cell
/// that won. The stride defaults to the kernel size.
///
/// ```lua
/// local pool = nn.MaxPool2d(3, {stride = 2, padding = "same"})
/// local y = pool:forward(tensor.randn({1, 96, 64, 64}))   -- 1x96x32x32
/// ```
public final class MaxPool2d: Module {
    /// The name model files record: the declaration's, not the Swift class's.
    public override var typeName: String { Self.declaration.typeName }

    public let kernel: Size2D
    public let stride: Size2D
    public let padding: Padding
    /// For each output cell of the last forward, the flat index of the winner
    /// in its input plane: `[batch, channels, oh, ow]`.
    private let winners = Workspace<Int32>()
    /// The input they index, held weakly so it does not outlive its owner
    /// (as `BatchNorm`'s statistics input).
    private weak var winnersInput: TensorStorage<Float>?
    private var winnersShape: [Int] = []

    public init(kernel: Size2D, stride: Size2D? = nil, padding: Padding = .valid) throws {
        let stride = stride ?? kernel
        guard kernel.height > 0, kernel.width > 0, stride.height > 0, stride.width > 0 else {
            throw LunetError("\(subject: Subject("MaxPool2d")): kernel and stride must be positive")
        }
        if case .explicit = padding { throw LunetError("\(subject: Subject("MaxPool2d")): padding must be 'valid' or 'same'") }
        try Size2D.checkWindow(kernel: kernel, stride: stride, padding: padding, layer: "nn.MaxPool2d")
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        super.init()
    }

    public override var detail: String? {
        var text = kernel.text
        if stride != kernel { text += ", stride \(stride.height == stride.width ? "\(stride.height)" : stride.text)" }
        if padding != .valid { text += ", \(padding.text)" }
        return text
    }

    public override var configuration: [String: ConfigurationValue] {
        ["kernel": kernel.configurationValue, "stride": stride.configurationValue, "padding": padding.configurationValue]
    }

    func geometry(for inputShape: [Int]) throws -> ConvolutionGeometry {
        guard inputShape.count == 4 else {
            throw inputError("expected a 4-d input [batch, channels, height, width], got shape \(formatShape(inputShape))")
        }
        guard let geometry = ConvolutionGeometry(channels: inputShape[1], height: inputShape[2], width: inputShape[3],
                                                 kernel: kernel, stride: stride, padding: padding) else {
            throw inputError("input \(inputShape[2])x\(inputShape[3]) is smaller than the \(kernel.text) window")
        }
        return geometry
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        let g = try geometry(for: inputShape)
        return [inputShape[0], inputShape[1], g.outputHeight, g.outputWidth]
    }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        let g = try geometry(for: input.shape)
        let planes = input.shape[0] * g.channels
        let shape = [input.shape[0], g.channels, g.outputHeight, g.outputWidth]
        // Winners are Int32 offsets into a plane.
        guard g.inputPlane <= Int(Int32.max) else {
            throw inputError("a \(g.height)x\(g.width) plane is larger than the \(Int32.max) cells max pooling indexes")
        }
        let index = try winners.reserve(planes * g.outputPlane)
        winnersInput = input.storage
        winnersShape = input.shape
        return try input.withUnsafeBufferPointer { x in
            try Tensor(unsafeUninitializedShape: shape) { y in
                ParallelLoop.forEach(planes) { range in
                    for plane in range {
                        let offset = plane * g.outputPlane
                        pool(g, x.baseAddress! + plane * g.inputPlane, y.baseAddress! + offset, index + offset)
                    }
                }
            }
        }
    }

    /// Max over each window of one plane; the window is clipped to the image,
    /// so padding never wins. Ties go to the first cell in row-major order,
    /// and NaN never wins (a window of NaN and -inf gives its first cell).
    /// Eight outputs at a time where their windows lie inside the image
    /// (`MaxPoolKernels`), one at a time at the edges.
    /// Wrapping arithmetic: every offset lies inside a plane whose size the
    /// geometry checked (and fits Int32), so the overflow checks would only cost time.
    private func pool(_ g: ConvolutionGeometry, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                      _ winner: UnsafeMutablePointer<Int32>) {
        let width = g.width
        // Outputs whose windows need no clipping on the left and right.
        let inside = g.validColumns(0).lowerBound..<Swift.max(g.validColumns(0).lowerBound, g.validColumns(g.kernel.width &- 1).upperBound)
        for oh in 0..<g.outputHeight {
            let top = oh &* g.stride.height &- g.padTop
            let rows = Swift.max(top, 0)..<Swift.min(top &+ g.kernel.height, g.height)
            let out = oh &* g.outputWidth
            func eight(from ow: Int) {
                MaxPoolKernels.eight(x, rows: rows, width: width, left: ow &* g.stride.width &- g.padLeft,
                                     stride: g.stride.width, kernelWidth: g.kernel.width, y + (out &+ ow), winner + (out &+ ow))
            }
            func one(_ ow: Int) {
                let left = ow &* g.stride.width &- g.padLeft
                let columns = Swift.max(left, 0)..<Swift.min(left &+ g.kernel.width, width)
                var best = -Float.infinity, bestIndex = rows.lowerBound &* width &+ columns.lowerBound
                for ih in rows {
                    let rowStart = ih &* width
                    for iw in columns where x[rowStart &+ iw] > best {
                        best = x[rowStart &+ iw]
                        bestIndex = rowStart &+ iw
                    }
                }
                y[out &+ ow] = x[bestIndex]
                winner[out &+ ow] = Int32(truncatingIfNeeded: bestIndex)
            }
            for ow in 0..<inside.lowerBound { one(ow) }
            if inside.count >= 8 {
                for block in 0..<inside.count / 8 { eight(from: inside.lowerBound &+ block &* 8) }
                // The last outputs as one more block ending at the edge, overlapping the one before.
                if inside.count % 8 != 0 { eight(from: inside.upperBound &- 8) }
            } else {
                for ow in inside { one(ow) }
            }
            for ow in inside.upperBound..<g.outputWidth { one(ow) }
        }
    }

    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        let g = try geometry(for: input.shape)
        let shape = [input.shape[0], g.channels, g.outputHeight, g.outputWidth]
        guard gradOutput.shape == shape else {
            throw inputError("gradOutput has shape \(formatShape(gradOutput.shape)), expected \(formatShape(shape))")
        }
        if winnersInput !== input.storage || winnersShape != input.shape { _ = try forward(input) }
        let planes = input.shape[0] * g.channels
        let index = UnsafePointer(winners.pointer)
        return try gradOutput.withUnsafeBufferPointer { dy in
            // Each plane zeroed just before its scatter, by the core that scatters into it.
            try Tensor(unsafeUninitializedShape: input.shape) { dx in
                ParallelLoop.forEach(planes) { range in
                    for plane in range {
                        let source = dy.baseAddress! + plane * g.outputPlane, winner = index + plane * g.outputPlane
                        let target = dx.baseAddress! + plane * g.inputPlane
                        target.update(repeating: 0, count: g.inputPlane)
                        for p in 0..<g.outputPlane { target[Int(truncatingIfNeeded: winner[p])] += source[p] }
                    }
                }
            }
        }
    }
}
