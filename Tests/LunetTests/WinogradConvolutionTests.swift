import XCTest
@testable import Lunet

/// Every convolution path against a float64 direct convolution: forward, input,
/// weight and bias gradients; Winograd's error stated and bounded (1e-4 relative).
final class WinogradConvolutionTests: XCTestCase {
    /// One case: a layer shape, an input shape and padding.
    struct Case {
        let channels: Int, outputs: Int, kernel: Int, padding: Padding
        let batch: Int, height: Int, width: Int
        var stride = 1
    }

    /// Odd and even sizes, same and valid padding, every kernel the pieces handle.
    let cases = [
        Case(channels: 3, outputs: 4, kernel: 3, padding: .same, batch: 2, height: 7, width: 6),
        Case(channels: 2, outputs: 3, kernel: 3, padding: .valid, batch: 3, height: 9, width: 8),
        Case(channels: 5, outputs: 2, kernel: 4, padding: .same, batch: 2, height: 7, width: 7),
        Case(channels: 3, outputs: 3, kernel: 4, padding: .valid, batch: 1, height: 10, width: 9),
        Case(channels: 3, outputs: 4, kernel: 5, padding: .same, batch: 2, height: 8, width: 11),
        Case(channels: 2, outputs: 3, kernel: 7, padding: .valid, batch: 2, height: 13, width: 12),
        Case(channels: 2, outputs: 2, kernel: 8, padding: .same, batch: 1, height: 9, width: 10),
        Case(channels: 2, outputs: 2, kernel: 3, padding: .explicit(1), batch: 2, height: 4, width: 4),
    ]

    /// Every Winograd form a k x k kernel can take: tiles of 6 and 8, pieces of 2 to n - 1 taps.
    func forms(kernel: Int) -> [WinogradConvolution] {
        [6, 8].flatMap { n in (2...Swift.min(kernel, n - 1)).map { WinogradConvolution(kernel: kernel, tileSize: n, filterSize: $0) } }
    }

    /// `Aᵀ [(G f) ⊙ (Bᵀ d)]` for every split of tiles of 6 and 8, against the direct correlation.
    func testTransformsComputeOneDimensionalCorrelations() {
        let values: [Float] = [0.3, -1.2, 2.0, 0.7, -0.4, 1.1, -0.9, 0.6], taps: [Float] = [0.5, -0.25, 1.5, 0.8, -0.6, 0.35, -1.1]
        for n in [6, 8] {
            for r in 2...(n - 1) {
                let transform = WinogradTransform(tileSize: n, filterSize: r), m = transform.outputSize
                let d = Array(values.prefix(n)), f = Array(taps.prefix(r))
                var transformed = [Float](repeating: 0, count: n), filtered = transformed, y = [Float](repeating: 0, count: m)
                d.withUnsafeBufferPointer { transform.bt.apply($0.baseAddress!, inputStride: 1, into: &transformed, outputStride: 1, count: 1) }
                f.withUnsafeBufferPointer { transform.g.apply($0.baseAddress!, inputStride: 1, into: &filtered, outputStride: 1, count: 1) }
                let products = zip(filtered, transformed).map(*)
                products.withUnsafeBufferPointer { transform.at.apply($0.baseAddress!, inputStride: 1, into: &y, outputStride: 1, count: 1) }
                for i in 0..<m {
                    let expected = (0..<r).reduce(Float(0)) { $0 + d[i + $1] * f[$1] }
                    XCTAssertEqual(y[i], expected, accuracy: 1e-5, "F(\(m), \(r)) on \(n) points, output \(i)")
                }
            }
        }
    }

    /// `apply` (rows of ±p computed as E ± O) against the dense product, on rows of several values.
    func testCoefficientMatricesAgainstDenseProducts() {
        for n in [6, 8] {
            let transform = WinogradTransform(tileSize: n, filterSize: 3)
            for matrix in [transform.bt, transform.b, transform.g, transform.at, transform.a] {
                let count = 5
                let input = (0..<matrix.columns * count).map { Float(($0 * 37 % 23) - 11) / 7 }
                var output = [Float](repeating: .nan, count: matrix.rows * count)
                input.withUnsafeBufferPointer {
                    matrix.apply($0.baseAddress!, inputStride: count, into: &output, outputStride: count, count: count)
                }
                for i in 0..<matrix.rows {
                    for x in 0..<count {
                        let expected = (0..<matrix.columns).reduce(Float(0)) { $0 + matrix[i, $1] * input[$1 * count + x] }
                        XCTAssertEqual(output[i * count + x], expected, accuracy: 1e-4, "\(n) points, \(matrix.rows)x\(matrix.columns) row \(i)")
                    }
                }
            }
        }
    }

    /// The matrices of tiles of 6 are the textbook ones (Lavin & Gray's F(4, 3) `Bᵀ`).
    func testInputTransformOfSixPoints() {
        let bt = WinogradTransform(tileSize: 6, filterSize: 3).bt.values
        XCTAssertEqual(bt, [4, 0, -5, 0, 1, 0,
                            0, -4, -4, 1, 1, 0,
                            0, 4, -4, -1, 1, 0,
                            0, -2, -1, 2, 1, 0,
                            0, 2, -1, -2, 1, 0,
                            0, 4, 0, -5, 0, 1])
    }

    func testSelectionByKernelStrideChannelsAndSize() throws {
        func algorithm(_ c: Int, _ k: Int, size: Int, stride: Int = 1, padding: Padding = .same) throws -> String {
            try Conv2d(c, 8, kernel: Size2D(square: k), stride: Size2D(square: stride), padding: padding)
                .algorithm(forInputShape: [1, c, size, size])
        }
        // The seed networks' layers.
        XCTAssertEqual(try algorithm(96, 5, size: 32), "Winograd F(4x4, 5x5)", "Q1 conv2")
        XCTAssertEqual(try algorithm(192, 3, size: 16), "Winograd F(4x4, 3x3)", "Q1 conv3: 8-point tiles waste a third of 18x18")
        XCTAssertEqual(try algorithm(64, 7, size: 48, padding: .valid), "Winograd F(5x5, 4x4) x 4 pieces", "Koch conv2")
        XCTAssertEqual(try algorithm(128, 4, size: 21, padding: .valid), "Winograd F(5x5, 4x4)", "Koch conv3")
        XCTAssertEqual(try algorithm(128, 4, size: 9, padding: .valid), "Winograd F(3x3, 4x4)", "Koch conv4: 6x6 out")
        XCTAssertEqual(try algorithm(64, 3, size: 60), "Winograd F(6x6, 3x3)")
        XCTAssertEqual(try algorithm(3, 4, size: 64), "row unfold + sgemm", "Q1 conv1, 3 channels: Winograd's products too thin")
        XCTAssertEqual(try algorithm(1, 10, size: 105), "row unfold + sgemm", "Koch conv1")
        XCTAssertEqual(try algorithm(7, 3, size: 32, stride: 2), "row unfold + sgemm")
        XCTAssertEqual(try algorithm(8, 3, size: 32, stride: 2), "im2col + sgemm")
        XCTAssertEqual(try algorithm(96, 3, size: 32, stride: 2), "im2col + sgemm")
        XCTAssertEqual(try Conv2d(96, 8, kernel: Size2D(3, 5)).algorithm(forInputShape: [1, 96, 9, 9]), "im2col + sgemm")
        let summary = try Sequential([try Conv2d(3, 16, kernel: Size2D(square: 3)), try Conv2d(16, 4, kernel: Size2D(square: 3))])
            .summary(inputShape: [3, 8, 8])
        XCTAssertTrue(summary.contains("1: Conv2d(3 -> 16, 3x3) [row unfold + sgemm]"), summary)
        XCTAssertTrue(summary.contains("2: Conv2d(16 -> 4, 3x3) [Winograd F(4x4, 3x3)]"), summary)
    }

    /// im2col and every Winograd form on every case: worst error relative to the largest reference value.
    func testEveryPathAgainstFloat64Reference() throws {
        for (index, c) in cases.enumerated() {
            let algorithms: [any ConvolutionAlgorithm] = [Im2colConvolution(), RowUnfoldConvolution()] + forms(kernel: c.kernel)
            for path in algorithms {
                let errors = try errorsAgainstReference(c, path: path, seed: UInt64(index))
                let label = "case \(index) (\(c.kernel)x\(c.kernel), \(c.padding.text)) \(path)"
                for (what, error) in errors {
                    XCTAssertLessThan(error, path is WinogradConvolution ? 1e-4 : 1e-5, "\(label) \(what)")
                }
            }
        }
    }

    /// The paths that take any stride, on strides of 2 and 3, batches past the row
    /// unfold's 8 groups, and outputs of several blocks of rows in its weight gradient
    /// (100 wide: 7 rows a block, 20 rows).
    func testStridedAndLongPathsAgainstFloat64Reference() throws {
        let strided = [Case(channels: 2, outputs: 3, kernel: 3, padding: .same, batch: 3, height: 9, width: 8, stride: 2),
                       Case(channels: 1, outputs: 4, kernel: 4, padding: .valid, batch: 11, height: 11, width: 10, stride: 3),
                       Case(channels: 3, outputs: 2, kernel: 5, padding: .same, batch: 2, height: 12, width: 13, stride: 2),
                       Case(channels: 1, outputs: 3, kernel: 3, padding: .valid, batch: 2, height: 22, width: 102),
                       Case(channels: 2, outputs: 2, kernel: 1, padding: .valid, batch: 9, height: 5, width: 6)]
        for (index, c) in strided.enumerated() {
            for path: any ConvolutionAlgorithm in [Im2colConvolution(), RowUnfoldConvolution()] {
                for (what, error) in try errorsAgainstReference(c, path: path, seed: 40 + UInt64(index)) {
                    XCTAssertLessThan(error, 1e-5, "case \(index) (\(c.kernel)x\(c.kernel), stride \(c.stride)) \(path) \(what)")
                }
            }
        }
    }

    /// A batch split over several chunks, the last one short.
    func testWinogradAcrossUnevenChunks() throws {
        for n in [6, 8] {
            var winograd = WinogradConvolution(kernel: 3, tileSize: n, filterSize: 3)
            winograd.maximumChunkSize = n * n * 4 * 4 * 2   // two images of at most 4 tiles x 4 rows per chunk
            let c = Case(channels: 4, outputs: 3, kernel: 3, padding: .same, batch: 5, height: 8, width: 7)
            for (what, error) in try errorsAgainstReference(c, path: winograd, seed: 9) {
                XCTAssertLessThan(error, 1e-4, "uneven chunks, \(winograd) \(what)")
            }
        }
    }

    /// The row unfold's groups follow the sizes alone: 8 on Koch's first layer (100,800
    /// floats a group), fewer for large images (64 MB in all), never below 2 or above the batch.
    func testRowUnfoldGroups() {
        XCTAssertEqual(RowUnfoldConvolution.groups(batch: 96, perGroup: 100_800), 8)
        XCTAssertEqual(RowUnfoldConvolution.groups(batch: 96, perGroup: 4 << 20), 4)
        XCTAssertEqual(RowUnfoldConvolution.groups(batch: 96, perGroup: 100 << 20), 2)
        XCTAssertEqual(RowUnfoldConvolution.groups(batch: 1, perGroup: 100 << 20), 1)
        XCTAssertEqual(RowUnfoldConvolution.groups(batch: 3, perGroup: 10), 3)
    }

    /// Planes split into blocks of tile rows (more tiles than a block), several planes
    /// to a block with the last group short, and filter counts past one filter block
    /// and not a multiple of it (9 x 10 filters; 3 x 5 x 9 pieces).
    func testWinogradAcrossBlocks() throws {
        let layers = [Case(channels: 2, outputs: 3, kernel: 3, padding: .same, batch: 1, height: 75, width: 70),
                      Case(channels: 9, outputs: 10, kernel: 3, padding: .same, batch: 3, height: 6, width: 10),
                      Case(channels: 3, outputs: 5, kernel: 7, padding: .valid, batch: 2, height: 11, width: 12)]
        for c in layers {
            let output = c.padding == .same ? (c.height, c.width) : (c.height - c.kernel + 1, c.width - c.kernel + 1)
            let tiles = WinogradConvolution.Tiling(height: output.0, width: output.1, tile: 4)
            for path in forms(kernel: c.kernel) {
                for (what, error) in try errorsAgainstReference(c, path: path, seed: 31) {
                    XCTAssertLessThan(error, 1e-4, "\(c.channels)->\(c.outputs) \(c.height)x\(c.width) \(path) \(what)")
                }
            }
            if c.height == 75 {
                let blocking = WinogradConvolution.Blocking(tiles)
                XCTAssertLessThan(blocking.rowsPerBlock, tiles.high, "the plane takes several blocks")
            }
        }
    }

    /// Channel counts and image sizes of the seed networks' layers (fewer outputs), each by the form chosen for it:
    /// Babenko conv3 and conv2, Koch conv2, conv3 and conv4.
    func testWinogradErrorOnReferenceLayerSizes() throws {
        let layers = [Case(channels: 192, outputs: 8, kernel: 3, padding: .same, batch: 1, height: 16, width: 16),
                      Case(channels: 96, outputs: 8, kernel: 5, padding: .same, batch: 1, height: 32, width: 32),
                      Case(channels: 64, outputs: 4, kernel: 7, padding: .valid, batch: 1, height: 30, width: 30),
                      Case(channels: 128, outputs: 4, kernel: 4, padding: .valid, batch: 1, height: 21, width: 21),
                      Case(channels: 128, outputs: 4, kernel: 4, padding: .valid, batch: 2, height: 9, width: 9)]
        for (index, c) in layers.enumerated() {
            let chosen = WinogradConvolution(kernel: c.kernel, outputHeight: c.padding == .same ? c.height : c.height - c.kernel + 1,
                                             outputWidth: c.padding == .same ? c.width : c.width - c.kernel + 1)
            for (what, error) in try errorsAgainstReference(c, path: chosen, seed: 20 + UInt64(index)) {
                print(String(format: "%d->%d %dx%d %@ %@: %.1e", c.channels, c.outputs, c.kernel, c.kernel, chosen.description, what, error))
                XCTAssertLessThan(error, 1e-4, "\(c.channels)->\(c.outputs) \(chosen) \(what)")
            }
        }
    }

    func testWinogradFiniteDifferences() throws {
        for (index, c) in cases.enumerated() where c.kernel <= 5 {
            for n in [6, 8] {
                let conv = try Conv2d(c.channels, c.outputs, kernel: Size2D(square: c.kernel), padding: c.padding, seed: UInt64(index))
                conv.forcedAlgorithm = WinogradConvolution(kernel: c.kernel, tileSize: n, filterSize: Swift.min(c.kernel, 4))
                try FiniteDifference.check(conv, input: try Tensor<Float>.randn([c.batch, c.channels, c.height, c.width], seed: 5))
            }
        }
    }

    // MARK: - Reference

    /// Worst |lunet - float64| / max |float64| of output, input, weight and bias gradients.
    func errorsAgainstReference(_ c: Case, path: any ConvolutionAlgorithm, seed: UInt64) throws -> [(String, Double)] {
        let conv = try Conv2d(c.channels, c.outputs, kernel: Size2D(square: c.kernel), stride: Size2D(square: c.stride),
                              padding: c.padding, seed: seed)
        conv.forcedAlgorithm = path
        conv.bias!.value = try Tensor<Float>.randn([c.outputs], seed: seed + 1)
        let x = try Tensor<Float>.randn([c.batch, c.channels, c.height, c.width], seed: seed + 2)
        let y = try conv.forward(x)
        let dy = try Tensor<Float>.randn(y.shape, seed: seed + 3)
        let dx = try conv.backward(x, dy)
        let g = try conv.geometry(for: x.shape)
        let reference = DirectConvolution(geometry: g, batch: c.batch, outputs: c.outputs, x: x.scalars.map(Double.init),
                                          weight: conv.weight.value.scalars.map(Double.init))
        let bias = conv.bias!.value.scalars.map(Double.init)
        let expected = reference.forward(bias: bias)
        let (dxExpected, dwExpected, dbExpected) = reference.backward(dy.scalars.map(Double.init))
        return [("output", relativeError(y.scalars, expected)), ("input gradient", relativeError(dx.scalars, dxExpected)),
                ("weight gradient", relativeError(conv.weight.gradient.scalars, dwExpected)),
                ("bias gradient", relativeError(conv.bias!.gradient.scalars, dbExpected))]
    }

    func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
        XCTAssertEqual(actual.count, expected.count)
        let scale = expected.map(abs).max() ?? 1
        return zip(actual, expected).map { abs(Double($0) - $1) }.max()! / Swift.max(scale, 1e-30)
    }
}

/// A convolution in float64 by its definition, for reference values.
struct DirectConvolution {
    let geometry: ConvolutionGeometry
    let batch: Int, outputs: Int
    let x: [Double], weight: [Double]

    /// Calls `body(outputIndex, inputIndex, weightIndex)` for every product term.
    func forEachTerm(_ body: (Int, Int, Int) -> Void) {
        let g = geometry, kh = g.kernel.height, kw = g.kernel.width
        for i in 0..<batch {
            for o in 0..<outputs {
                for oy in 0..<g.outputHeight {
                    for ox in 0..<g.outputWidth {
                        let out = ((i * outputs + o) * g.outputHeight + oy) * g.outputWidth + ox
                        for c in 0..<g.channels {
                            for ki in 0..<kh {
                                let y = oy * g.stride.height - g.padTop + ki
                                guard y >= 0, y < g.height else { continue }
                                for kj in 0..<kw {
                                    let xx = ox * g.stride.width - g.padLeft + kj
                                    guard xx >= 0, xx < g.width else { continue }
                                    body(out, ((i * g.channels + c) * g.height + y) * g.width + xx, ((o * g.channels + c) * kh + ki) * kw + kj)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func forward(bias: [Double]) -> [Double] {
        let plane = geometry.outputPlane
        var y = (0..<batch * outputs * plane).map { bias[$0 / plane % outputs] }
        forEachTerm { out, input, w in y[out] += x[input] * weight[w] }
        return y
    }

    func backward(_ dy: [Double]) -> (dx: [Double], dw: [Double], db: [Double]) {
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: weight.count)
        forEachTerm { out, input, w in
            dx[input] += dy[out] * weight[w]
            dw[w] += dy[out] * x[input]
        }
        let plane = geometry.outputPlane
        var db = [Double](repeating: 0, count: outputs)
        for (index, value) in dy.enumerated() { db[index / plane % outputs] += value }
        return (dx, dw, db)
    }
}
