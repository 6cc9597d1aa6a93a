/// One way to compute a convolution layer's passes. `Conv2d` keeps the
/// weights, checks shapes and takes `Conv2d.workspaceLock`; an algorithm
/// computes on raw buffers with workspaces of its own, shared by every layer
/// (layers run one at a time). `ConvolutionChooser` picks one per input size;
/// a new algorithm is one new type and one line there.
///
/// ```swift
/// let algorithm = ConvolutionChooser.algorithm(kernel: Size2D(square: 3), stride: Size2D(square: 1),
///                                              inputChannels: 64, outputHeight: 32, outputWidth: 32)
/// print(algorithm)   // Winograd F(4x4, 3x3)
/// ```
protocol ConvolutionAlgorithm: CustomStringConvertible {
    /// `y [batch, out, oh, ow]` of `x [batch, in, h, w]`, weight `[out, in, kh, kw]`, bias `[out]` added.
    func forward(_ x: UnsafePointer<Float>, batch: Int, geometry: ConvolutionGeometry, outputChannels: Int,
                 weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) throws

    /// `dw [out, in, kh, kw] +=` the weight gradient and, with `dx`,
    /// `dx [batch, in, h, w] =` the input gradient, from `x` and `dy [batch, out, oh, ow]`.
    func backward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, batch: Int, geometry: ConvolutionGeometry,
                  outputChannels: Int, weight: UnsafePointer<Float>, weightGradient dw: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?) throws

    /// Whether a NaN or Inf reaches exactly the values that depend on it, as in
    /// a direct convolution. Where not (transforms mixing whole tiles),
    /// non-finite data takes `ConvolutionChooser.exact` instead.
    var isExactOnNonFiniteValues: Bool { get }
}

/// The one place a convolution's algorithm is chosen.
enum ConvolutionChooser {
    /// Winograd for stride-1 square kernels of 3 to 8 over 8 or more input
    /// channels (`WinogradConvolution.choose`); the row unfold below 8 input
    /// channels (first layers), im2col for the rest.
    ///
    /// Measured (`LunetBench conv`, 2 cores): below 8 channels the row unfold ran
    /// 1.3-4x faster than im2col on every shape tried (kernels 1 to 11, strides 1
    /// to 4, outputs 8 to 112 wide; Koch's first layer forward 0.097 -> 0.042 s),
    /// never slower; over 128 or 256 channels and 14-wide outputs im2col ran
    /// 2.3x faster (each one-row product repacks the whole weight).
    static func algorithm(kernel: Size2D, stride: Size2D, inputChannels: Int, outputHeight: Int,
                          outputWidth: Int) -> any ConvolutionAlgorithm {
        if let winograd = WinogradConvolution.choose(kernel: kernel, stride: stride, inputChannels: inputChannels,
                                                     outputHeight: outputHeight, outputWidth: outputWidth) {
            return winograd
        }
        return inputChannels < 8 ? RowUnfoldConvolution() : Im2colConvolution()
    }

    /// The algorithm whose NaN and Inf footprint is a direct convolution's.
    static var exact: any ConvolutionAlgorithm { Im2colConvolution() }
}
