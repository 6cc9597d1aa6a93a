/// Sizes of a sliding-window layer (convolution, pooling) for one input size:
/// padding resolved, output size computed.
struct ConvolutionGeometry: Equatable {
    let channels: Int
    let height: Int
    let width: Int
    let kernel: Size2D
    let stride: Size2D
    let padTop: Int
    let padLeft: Int
    let outputHeight: Int
    let outputWidth: Int

    /// Nil when the kernel does not fit the (padded) input.
    init?(channels: Int, height: Int, width: Int, kernel: Size2D, stride: Size2D, padding: Padding) {
        let vertical = padding.resolve(input: height, kernel: kernel.height, stride: stride.height)
        let horizontal = padding.resolve(input: width, kernel: kernel.width, stride: stride.width)
        guard vertical.output > 0, horizontal.output > 0 else { return nil }
        self.channels = channels
        self.height = height
        self.width = width
        self.kernel = kernel
        self.stride = stride
        padTop = vertical.before
        padLeft = horizontal.before
        outputHeight = vertical.output
        outputWidth = horizontal.output
    }

    var inputPlane: Int { height * width }
    var outputPlane: Int { outputHeight * outputWidth }
    /// Rows of the patch matrix: channels x kernel area.
    var patchSize: Int { channels * kernel.height * kernel.width }

    /// Output columns `ow` whose input column `ow * stride - padLeft + kj` is inside the image.
    @inline(__always)
    func validColumns(_ kj: Int) -> Range<Int> {
        Self.validOutputs(offset: padLeft - kj, stride: stride.width, outputs: outputWidth, inputs: width)
    }

    /// Output rows `oh` whose input row `oh * stride - padTop + ki` is inside the image.
    @inline(__always)
    func validRows(_ ki: Int) -> Range<Int> {
        Self.validOutputs(offset: padTop - ki, stride: stride.height, outputs: outputHeight, inputs: height)
    }

    /// Along one axis: the outputs `o` with `0 <= o * stride - offset < inputs`.
    @inline(__always)
    static func validOutputs(offset: Int, stride: Int, outputs: Int, inputs: Int) -> Range<Int> {
        let low = offset > 0 ? (offset + stride - 1) / stride : 0
        let high = Swift.min(outputs, (inputs - 1 + offset) / stride + 1)
        return low..<Swift.max(low, high)
    }
}
