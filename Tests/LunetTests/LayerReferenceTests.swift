import XCTest
@testable import Lunet

/// lunet against numbers PyTorch 1.13 produced once (bench/reference/make_nn_references.py).
final class LayerReferenceTests: XCTestCase {
    var references: LayerReferences!

    override func setUpWithError() throws {
        references = try LayerReferences()
    }

    func padding(_ name: String) throws -> Padding {
        try references.string(name, "padding") == "same" ? .same : .valid
    }

    /// `algorithm`, given the case's kernel, forces that algorithm; without it the layer's own choice.
    func checkConvolution(_ name: String, algorithm: ((Size2D) -> any ConvolutionAlgorithm)? = nil) throws {
        let weight = try references.tensor(name, "weight")
        let kernel = Size2D(square: try references.int(name, "kernel"))
        let conv = try Conv2d(weight.shape[1], weight.shape[0], kernel: kernel,
                              stride: Size2D(square: try references.int(name, "stride")), padding: try padding(name))
        conv.forcedAlgorithm = algorithm?(kernel)
        conv.weight.value = weight
        conv.bias!.value = try references.tensor(name, "bias")
        let x = try references.tensor(name, "x")
        let label = "\(name) [\(try conv.algorithm(forInputShape: x.shape))]"
        assertClose(try conv.forward(x), try references.tensor(name, "y"), "\(label) output")
        let dx = try conv.backward(x, try references.tensor(name, "gradOutput"))
        assertClose(dx, try references.tensor(name, "dx"), "\(label) input gradient")
        assertClose(conv.weight.gradient, try references.tensor(name, "dweight"), "\(label) weight gradient")
        assertClose(conv.bias!.gradient, try references.tensor(name, "dbias"), "\(label) bias gradient")
    }

    func testConvolutionValid() throws {
        try checkConvolution("conv_valid_stride1")
        try checkConvolution("conv_valid_stride2")
    }

    func testConvolutionSame() throws {
        try checkConvolution("conv_same_stride1_even_kernel")
        try checkConvolution("conv_same_stride1_kernel5")
        try checkConvolution("conv_same_stride2")
    }

    /// The two paths that take any stride, each on every case.
    func testConvolutionIm2colAndRowUnfold() throws {
        for algorithm: any ConvolutionAlgorithm in [Im2colConvolution(), RowUnfoldConvolution()] {
            for name in ["conv_valid_stride1", "conv_valid_stride2", "conv_same_stride1_even_kernel",
                         "conv_same_stride1_kernel5", "conv_same_stride2"] {
                try checkConvolution(name) { _ in algorithm }
            }
        }
    }

    func testConvolutionWinogradStrideOne() throws {
        for tileSize in [6, 8] {
            // Winograd takes stride 1 only.
            for name in ["conv_valid_stride1", "conv_same_stride1_even_kernel", "conv_same_stride1_kernel5"] {
                try checkConvolution(name) {
                    WinogradConvolution(kernel: $0.height, tileSize: tileSize, filterSize: Swift.min($0.height, tileSize == 6 ? 4 : 5))
                }
            }
        }
    }

    func checkPooling(_ name: String) throws {
        let kernel = Size2D(square: try references.int(name, "kernel"))
        let pool = try MaxPool2d(kernel: kernel, stride: Size2D(square: try references.int(name, "stride")), padding: try padding(name))
        let x = try references.tensor(name, "x")
        assertClose(try pool.forward(x), try references.tensor(name, "y"), "\(name) output")
        assertClose(try pool.backward(x, try references.tensor(name, "gradOutput")), try references.tensor(name, "dx"),
                    "\(name) input gradient")
    }

    func testMaxPoolSamePadding() throws {
        try checkPooling("maxpool_same_odd")
        try checkPooling("maxpool_same_even")
        try checkPooling("maxpool_same_kernel2_odd")
        try checkPooling("maxpool_valid")
    }

    func checkBatchNorm(_ name: String, dimensions: Int) throws {
        let x = try references.tensor(name, "x")
        let bn = try BatchNorm(x.shape[1], spatialDimensions: dimensions)
        bn.weight.value = try references.tensor(name, "weight")
        bn.bias.value = try references.tensor(name, "bias")
        assertClose(try bn.forward(x), try references.tensor(name, "y"), "\(name) output")
        assertClose(try bn.backward(x, try references.tensor(name, "gradOutput")), try references.tensor(name, "dx"),
                    "\(name) input gradient")
        assertClose(bn.weight.gradient, try references.tensor(name, "dweight"), "\(name) weight gradient")
        assertClose(bn.bias.gradient, try references.tensor(name, "dbias"), "\(name) bias gradient")
        assertClose(bn.runningMean, try references.tensor(name, "running_mean"), "\(name) running mean")
        assertClose(bn.runningVariance, try references.tensor(name, "running_var"), "\(name) running variance")
        bn.setTraining(false)
        assertClose(try bn.forward(try references.tensor(name, "x_eval")), try references.tensor(name, "y_eval"),
                    "\(name) evaluation output")
    }

    func testBatchNorm() throws {
        try checkBatchNorm("batchnorm2d", dimensions: 2)
        try checkBatchNorm("batchnorm1d", dimensions: 1)
    }

    func testLinearAndL2Normalize() throws {
        let linear = try Linear(5, 4)
        linear.weight.value = try references.tensor("linear", "weight")
        linear.bias!.value = try references.tensor("linear", "bias")
        let x = try references.tensor("linear", "x")
        assertClose(try linear.forward(x), try references.tensor("linear", "y"), "linear output")
        assertClose(try linear.backward(x, try references.tensor("linear", "gradOutput")), try references.tensor("linear", "dx"), "linear dx")
        assertClose(linear.weight.gradient, try references.tensor("linear", "dweight"), "linear dweight")
        assertClose(linear.bias!.gradient, try references.tensor("linear", "dbias"), "linear dbias")
        let normalize = L2Normalize()
        let v = try references.tensor("l2normalize", "x")
        assertClose(try normalize.forward(v), try references.tensor("l2normalize", "y"), "l2normalize output")
        assertClose(try normalize.backward(v, try references.tensor("l2normalize", "gradOutput")),
                    try references.tensor("l2normalize", "dx"), "l2normalize dx")
    }
}
