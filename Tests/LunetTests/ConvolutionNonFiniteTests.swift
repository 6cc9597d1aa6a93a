import XCTest
@testable import Lunet

/// One NaN or Inf marks exactly the values that depend on it, on every
/// convolution path: a user tracing a NaN back finds where it came from.
/// Layers of 3 input channels run the row unfold, of 8 Winograd F(4x4, 3x3),
/// which sends non-finite data through im2col.
final class ConvolutionNonFiniteTests: XCTestCase {
    /// `[1, channels, 12, 12]` through a 3x3 valid convolution to 4 channels, `[1, 4, 10, 10]`.
    func layer(channels: Int) throws -> Conv2d {
        let conv = try Conv2d(channels, 4, kernel: Size2D(square: 3), seed: 3)
        let algorithm = conv.algorithm(for: try conv.geometry(for: [1, channels, 12, 12]))
        XCTAssertTrue(channels >= 8 ? algorithm is WinogradConvolution : algorithm is RowUnfoldConvolution, "\(algorithm)")
        return conv
    }

    func input(channels: Int, poison: Float) throws -> Tensor<Float> {
        var generator = RandomGenerator(seed: 5)
        var x = try Tensor<Float>.rand([1, channels, 12, 12], low: -1, high: 1, generator: &generator)
        x.withUnsafeMutableBufferPointer { $0[(1 * 12 + 5) * 12 + 6] = poison }  // channel 1, row 5, column 6
        return x
    }

    func nonFinite(_ t: Tensor<Float>) -> [Int] {
        t.scalars.indices.filter { !t.scalars[$0].isFinite }
    }

    func testOneBadInputMarksTheOutputsWhoseWindowHoldsIt() throws {
        for channels in [3, 8] {
            let conv = try layer(channels: channels)
            for poison in [Float.nan, .infinity, -.infinity] {
                let y = try conv.forward(try input(channels: channels, poison: poison))
                // Rows 3...5 and columns 4...6 of each of the 4 output channels.
                let expected = (0..<4).flatMap { o in (3...5).flatMap { r in (4...6).map { c in (o * 10 + r) * 10 + c } } }
                XCTAssertEqual(nonFinite(y), expected, "\(channels) channels, input \(poison)")
            }
        }
    }

    func testOneBadOutputGradientMarksTheInputsItReachesAndOneFilter() throws {
        for channels in [3, 8] {
            let conv = try layer(channels: channels)
            var generator = RandomGenerator(seed: 5)
            let x = try Tensor<Float>.rand([1, channels, 12, 12], low: -1, high: 1, generator: &generator)
            _ = try conv.forward(x)
            var dy = try Tensor<Float>.rand([1, 4, 10, 10], low: -1, high: 1, generator: &generator)
            dy.withUnsafeMutableBufferPointer { $0[(2 * 10 + 4) * 10 + 4] = .nan }  // output channel 2, row 4, column 4
            conv.zeroGrad()
            let dx = try conv.backward(x, dy)
            let reached = (0..<channels).flatMap { c in (4...6).flatMap { r in (4...6).map { col in (c * 12 + r) * 12 + col } } }
            XCTAssertEqual(nonFinite(dx), reached, "\(channels) channels: input gradient")
            let filter = Array((2 * channels * 9)..<(3 * channels * 9))
            XCTAssertEqual(nonFinite(conv.weight.gradient), filter, "\(channels) channels: weight gradient")
        }
    }

    /// The scan that routes non-finite data, on lengths around its 16-lane vectors.
    func testAllFiniteFindsEveryPosition() throws {
        for count in [0, 1, 15, 16, 17, 33, 100] {
            var values = [Float](repeating: 1.5, count: count)
            XCTAssertTrue(values.withUnsafeBufferPointer(\.allFinite), "\(count) finite values")
            for i in 0..<count {
                for bad in [Float.nan, .infinity, -.infinity] {
                    values[i] = bad
                    XCTAssertFalse(values.withUnsafeBufferPointer(\.allFinite), "\(bad) at \(i) of \(count)")
                    values[i] = -Float.greatestFiniteMagnitude
                    XCTAssertTrue(values.withUnsafeBufferPointer(\.allFinite), "largest magnitude at \(i) of \(count)")
                }
            }
        }
    }
}
