import XCTest
@testable import Lunet

/// Every convolution path against a float64 direct convolution: forward, input,
/// weight and bias gradients; Winograd's error stated and bounded (1e-4 relative).
final class WinogradConvolutionTests: XCTestCase {
    /// One case: a layer shape, an input shape and padding.
    struct Case {
        let channels: Int, outputs: Int, kernel: Int, padding: Padding
        let batch: Int, height: Int, width: Int
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

    /// `Aᵀ [(G f) ⊙ (Bᵀ d)]` by the matrices and by the hand-written lines, against the direct correlation.
    func testTransformsComputeOneDimensionalCorrelations() {
        for r in 3...5 {
            let transform = WinogradTransform(filterSize: r), m = transform.outputSize
            let d: [Float] = [0.3, -1.2, 2.0, 0.7, -0.4, 1.1], f: [Float] = Array([0.5, -0.25, 1.5, 0.8, -0.6].prefix(r))
            var transformed = [Float](repeating: 0, count: 6), rows = transformed
            d.withUnsafeBufferPointer { WinogradTransform.inputLine($0.baseAddress!, 1, &transformed, 1) }
            d.withUnsafeBufferPointer { WinogradTransform.inputRows($0.baseAddress!, into: &rows, count: 1) }
            XCTAssertEqual(rows, transformed, "inputRows and inputLine agree")
            let products = (0..<6).map { j in (0..<r).reduce(Float(0)) { $0 + transform.g[j * r + $1] * f[$1] } * transformed[j] }
            var lines = [Float](repeating: 0, count: m)
            products.withUnsafeBufferPointer { WinogradTransform.outputLine($0.baseAddress!, 1, &lines, 1, outputs: m) }
            for i in 0..<m {
                let y = (0..<6).reduce(Float(0)) { $0 + transform.at[i * 6 + $1] * products[$1] }
                let expected = (0..<r).reduce(Float(0)) { $0 + d[i + $1] * f[$1] }
                XCTAssertEqual(y, expected, accuracy: 1e-5, "F(\(m), \(r)) output \(i)")
                XCTAssertEqual(lines[i], expected, accuracy: 1e-5, "F(\(m), \(r)) output \(i) by outputLine")
            }
        }
    }

    func testSelectionByKernelStrideAndChannels() throws {
        func algorithm(_ c: Int, _ k: Int, stride: Int = 1) throws -> String {
            try Conv2d(c, 8, kernel: Size2D(square: k), stride: Size2D(square: stride), padding: .same).algorithm
        }
        XCTAssertEqual(try algorithm(192, 3), "Winograd F(4x4, 3x3)")
        XCTAssertEqual(try algorithm(96, 5), "Winograd F(4x4, 3x3) x 4 pieces")
        XCTAssertEqual(try algorithm(128, 4), "Winograd F(3x3, 4x4)")
        XCTAssertEqual(try algorithm(64, 7), "Winograd F(3x3, 4x4) x 4 pieces")
        XCTAssertEqual(try algorithm(3, 4), "im2col + sgemm", "3 channels: products too thin")
        XCTAssertEqual(try algorithm(1, 10), "im2col + sgemm")
        XCTAssertEqual(try algorithm(96, 3, stride: 2), "im2col + sgemm")
        XCTAssertEqual(try Conv2d(96, 8, kernel: Size2D(3, 5)).algorithm, "im2col + sgemm")
        let summary = try Sequential([try Conv2d(3, 16, kernel: Size2D(square: 3)), try Conv2d(16, 4, kernel: Size2D(square: 3))])
            .summary(inputShape: [3, 8, 8])
        XCTAssertTrue(summary.contains("1: Conv2d(3 -> 16, 3x3) [im2col + sgemm]"), summary)
        XCTAssertTrue(summary.contains("2: Conv2d(16 -> 4, 3x3) [Winograd F(4x4, 3x3)]"), summary)
    }

    /// Winograd and im2col on every case: worst error relative to the largest reference value.
    func testEveryPathAgainstFloat64Reference() throws {
        for (index, c) in cases.enumerated() {
            let paths: [(String, WinogradConvolution?)] = [("im2col", nil), ("winograd", WinogradConvolution(kernel: c.kernel))]
            for (name, winograd) in paths {
                let errors = try errorsAgainstReference(c, winograd: winograd, seed: UInt64(index))
                let label = "case \(index) (\(c.kernel)x\(c.kernel), \(c.padding.text)) \(name)"
                for (what, error) in errors {
                    print(String(format: "%@ %@: %.1e", label, what, error))
                    XCTAssertLessThan(error, name == "im2col" ? 1e-5 : 1e-4, "\(label) \(what)")
                }
            }
        }
    }

    /// A batch split over several chunks, the last one short.
    func testWinogradAcrossUnevenChunks() throws {
        var winograd = WinogradConvolution(kernel: 3)
        winograd.maximumChunkSize = 36 * 4 * 4 * 2   // two images of 4 tiles x 4 rows per chunk
        let c = Case(channels: 4, outputs: 3, kernel: 3, padding: .same, batch: 5, height: 8, width: 7)
        for (what, error) in try errorsAgainstReference(c, winograd: winograd, seed: 9) {
            XCTAssertLessThan(error, 1e-4, "uneven chunks \(what)")
        }
    }

    /// Channel counts and image sizes of the seed networks' layers (fewer outputs): Babenko conv3, conv2, Koch conv2.
    func testWinogradErrorOnReferenceLayerSizes() throws {
        let layers = [Case(channels: 192, outputs: 8, kernel: 3, padding: .same, batch: 1, height: 16, width: 16),
                      Case(channels: 96, outputs: 8, kernel: 5, padding: .same, batch: 1, height: 32, width: 32),
                      Case(channels: 64, outputs: 4, kernel: 7, padding: .valid, batch: 1, height: 24, width: 24)]
        for (index, c) in layers.enumerated() {
            for (what, error) in try errorsAgainstReference(c, winograd: WinogradConvolution(kernel: c.kernel), seed: 20 + UInt64(index)) {
                print(String(format: "%d->%d %dx%d Winograd %@: %.1e", c.channels, c.outputs, c.kernel, c.kernel, what, error))
                XCTAssertLessThan(error, 1e-4, "\(c.channels)->\(c.outputs) \(c.kernel)x\(c.kernel) \(what)")
            }
        }
    }

    func testWinogradFiniteDifferences() throws {
        for (index, c) in cases.enumerated() where c.kernel <= 5 {
            let conv = try Conv2d(c.channels, c.outputs, kernel: Size2D(square: c.kernel), padding: c.padding, seed: UInt64(index))
            conv.winograd = WinogradConvolution(kernel: c.kernel)
            try FiniteDifference.check(conv, input: try Tensor<Float>.randn([c.batch, c.channels, c.height, c.width], seed: 5))
        }
    }

    // MARK: - Reference

    /// Worst |lunet - float64| / max |float64| of output, input, weight and bias gradients.
    func errorsAgainstReference(_ c: Case, winograd: WinogradConvolution?, seed: UInt64) throws -> [(String, Double)] {
        let conv = try Conv2d(c.channels, c.outputs, kernel: Size2D(square: c.kernel), padding: c.padding, seed: seed)
        conv.winograd = winograd
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
                                let y = oy - g.padTop + ki
                                guard y >= 0, y < g.height else { continue }
                                for kj in 0..<kw {
                                    let xx = ox - g.padLeft + kj
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
