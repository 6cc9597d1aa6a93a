import Foundation
import XCTest
@testable import Lunet

/// The layers' eight-wide, core-split loops against plain Double references,
/// on shapes the small reference cases do not reach: blocks longer than a
/// summing run and of odd lengths, and enough features to split over cores.
final class LayerLoopTests: XCTestCase {
    /// `x` as Doubles.
    func doubles(_ x: Tensor<Float>) -> [Double] { x.scalars.map(Double.init) }

    /// Every `|actual - expected| <= tolerance * max(1, |expected|)`, reporting the worst.
    func assertClose(_ actual: [Float], _ expected: [Double], tolerance: Double, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        var worst = (index: 0, error: 0.0)
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            let error = abs(Double(a) - e) / Swift.max(1, abs(e))
            if error > worst.error || error.isNaN { worst = (i, error.isNaN ? .infinity : error) }
        }
        XCTAssertLessThanOrEqual(worst.error, tolerance, "\(what): element \(worst.index) is \(actual[worst.index]), expected \(expected[worst.index])",
                                 file: file, line: line)
    }

    func testBatchNorm2dOnLongOddBlocks() throws {
        let (batch, features, spatial) = (3, 4, 37 * 41)
        // An offset mean, so a variance summed carelessly would lose digits.
        var generator = RandomGenerator(seed: 5)
        let x = try Tensor<Float>.randn([batch, features, 37, 41], mean: 3, std: 2, generator: &generator)
        let dy = try Tensor<Float>.randn(x.shape, seed: 6)
        let bn = try BatchNorm(features, spatialDimensions: 2)
        bn.weight.value = try Tensor(shape: [features], scalars: [0.5, 1.5, -1, 2])
        bn.bias.value = try Tensor(shape: [features], scalars: [0.1, 0, -0.3, 1])
        let y = try bn.forward(x)
        let dx = try bn.backward(x, dy)

        let (xs, gs, w, b) = (doubles(x), doubles(dy), doubles(bn.weight.value), doubles(bn.bias.value))
        let count = Double(batch * spatial)
        var expectedY = [Double](repeating: 0, count: xs.count), expectedDx = expectedY
        var dweight = [Double](repeating: 0, count: features), dbias = dweight, runningMean = dweight, runningVar = dweight
        for c in 0..<features {
            let indices = (0..<batch).flatMap { n in (0..<spatial).map { (n * features + c) * spatial + $0 } }
            let mean = indices.reduce(0) { $0 + xs[$1] } / count
            let variance = indices.reduce(0) { $0 + (xs[$1] - mean) * (xs[$1] - mean) } / count
            let istd = 1 / (variance + 1e-5).squareRoot()
            let sumDy = indices.reduce(0) { $0 + gs[$1] }
            let sumDyXhat = indices.reduce(0) { $0 + gs[$1] * (xs[$1] - mean) * istd }
            for i in indices {
                let xhat = (xs[i] - mean) * istd
                expectedY[i] = xhat * w[c] + b[c]
                expectedDx[i] = w[c] * istd * (gs[i] - sumDy / count - xhat * sumDyXhat / count)
            }
            (dweight[c], dbias[c]) = (sumDyXhat, sumDy)
            runningMean[c] = 0.1 * mean
            runningVar[c] = 0.9 + 0.1 * variance * count / (count - 1)
        }
        assertClose(y.scalars, expectedY, tolerance: 1e-5, "output")
        assertClose(dx.scalars, expectedDx, tolerance: 1e-5, "input gradient")
        assertClose(bn.weight.gradient.scalars, dweight, tolerance: 1e-5, "weight gradient")
        assertClose(bn.bias.gradient.scalars, dbias, tolerance: 1e-5, "bias gradient")
        assertClose(bn.runningMean.scalars, runningMean, tolerance: 1e-6, "running mean")
        assertClose(bn.runningVariance.scalars, runningVar, tolerance: 1e-6, "running variance")

        // Evaluation: the running statistics, dx = w * istd * dy.
        bn.setTraining(false)
        let yEval = try bn.forward(x), dxEval = try bn.backward(x, dy)
        var expectedEval = [Double](repeating: 0, count: xs.count), expectedDxEval = expectedEval
        for i in xs.indices {
            let c = i / spatial % features
            let istd = 1 / (runningVar[c] + 1e-5).squareRoot()
            expectedEval[i] = (xs[i] - runningMean[c]) * istd * w[c] + b[c]
            expectedDxEval[i] = w[c] * istd * gs[i]
        }
        assertClose(yEval.scalars, expectedEval, tolerance: 1e-5, "evaluation output")
        assertClose(dxEval.scalars, expectedDxEval, tolerance: 1e-5, "evaluation input gradient")
    }

    /// Max pooling as first written: each window clipped to the image, cells
    /// in row-major order, a cell wins when strictly greater than the best so
    /// far (from -inf), the first cell when none does. Returns the output and
    /// the input gradient of `dy` (each gradient to its window's winner).
    func referencePooling(_ x: Tensor<Float>, _ dy: Tensor<Float>, kernel: Int, stride: Int, same: Bool) -> ([Float], [Float]) {
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        let padTop = same ? Swift.max((oh - 1) * stride + kernel - h, 0) / 2 : 0
        let padLeft = same ? Swift.max((ow - 1) * stride + kernel - w, 0) / 2 : 0
        let xs = x.scalars, gs = dy.scalars
        var y = [Float](repeating: 0, count: gs.count), dx = [Float](repeating: 0, count: xs.count)
        for plane in 0..<planes {
            for i in 0..<oh {
                for j in 0..<ow {
                    let top = i * stride - padTop, left = j * stride - padLeft
                    let rows = Swift.max(top, 0)..<Swift.min(top + kernel, h), columns = Swift.max(left, 0)..<Swift.min(left + kernel, w)
                    var best = -Float.infinity, bestIndex = plane * h * w + rows.lowerBound * w + columns.lowerBound
                    for r in rows {
                        for c in columns where xs[plane * h * w + r * w + c] > best {
                            best = xs[plane * h * w + r * w + c]
                            bestIndex = plane * h * w + r * w + c
                        }
                    }
                    let out = (plane * oh + i) * ow + j
                    y[out] = xs[bestIndex]
                    dx[bestIndex] += gs[out]
                }
            }
        }
        return (y, dx)
    }

    /// Both as bit patterns, so NaN == NaN and -0 != 0.
    func assertIdentical(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        if let i = a.indices.first(where: { i in i < b.count && a[i].bitPattern != b[i].bitPattern }) {
            XCTFail("\(what): element \(i) is \(a[i]), expected \(b[i])", file: file, line: line)
        }
    }

    func testMaxPoolingMatchesTheWindowByWindowDefinition() throws {
        // Widths around the eight-wide blocks (one block, blocks plus an
        // overlapping last one, too narrow for a block), strides 1, 2 and 3,
        // values with many ties, and -inf and NaN cells.
        let cases: [(shape: [Int], kernel: Int, stride: Int, same: Bool)] = [
            ([2, 3, 9, 37], 3, 2, true), ([1, 2, 8, 16], 3, 2, true), ([2, 2, 10, 40], 2, 2, false),
            ([1, 3, 7, 23], 3, 1, false), ([1, 2, 9, 53], 3, 3, true), ([3, 1, 6, 12], 2, 2, true),
            ([1, 2, 5, 21], 4, 2, false), ([2, 1, 11, 64], 3, 2, true),
        ]
        for (index, item) in cases.enumerated() {
            var generator = RandomGenerator(seed: UInt64(index))
            var values = (0..<item.shape.reduce(1, *)).map { _ in Float(generator.nextInt(below: 7)) - 3 }
            for i in stride(from: 5, to: values.count, by: 17) { values[i] = -.infinity }
            for i in stride(from: 11, to: values.count, by: 29) { values[i] = .nan }
            // A whole window of NaN and -inf.
            (values[0], values[1], values[item.shape[3]], values[item.shape[3] + 1]) = (.nan, -.infinity, .nan, .nan)
            let x = try Tensor(shape: item.shape, scalars: values)
            let pool = try MaxPool2d(kernel: Size2D(square: item.kernel), stride: Size2D(square: item.stride),
                                     padding: item.same ? .same : .valid)
            let y = try pool.forward(x)
            let dy = try Tensor<Float>.randn(y.shape, seed: 4)
            let (expectedY, expectedDx) = referencePooling(x, dy, kernel: item.kernel, stride: item.stride, same: item.same)
            let what = "\(pool.description) on \(formatShape(item.shape))"
            assertIdentical(y.scalars, expectedY, "\(what) output")
            assertIdentical(try pool.backward(x, dy).scalars, expectedDx, "\(what) input gradient")
        }
    }

    /// `LUNET_LOOP_THREADS` is read at every loop: setting it after loops ran
    /// (as `Distributed.start` does) takes effect, and 0 means one thread.
    func testLoopThreadsAreReadAtEachLoop() {
        let previous = getenv("LUNET_LOOP_THREADS").map { String(cString: $0) }
        defer { if let previous { setenv("LUNET_LOOP_THREADS", previous, 1) } else { unsetenv("LUNET_LOOP_THREADS") } }
        ParallelLoop.forEach(10) { _ in }
        setenv("LUNET_LOOP_THREADS", "3", 1)
        XCTAssertEqual(ParallelLoop.workers, 3)
        var ranges: [Range<Int>] = []
        let lock = NSLock()
        ParallelLoop.forEach(9) { range in lock.lock(); ranges.append(range); lock.unlock() }
        XCTAssertEqual(ranges.sorted { $0.lowerBound < $1.lowerBound }, [0..<3, 3..<6, 6..<9])
        setenv("LUNET_LOOP_THREADS", "0", 1)
        XCTAssertEqual(ParallelLoop.workers, 1)
        unsetenv("LUNET_LOOP_THREADS")
        XCTAssertEqual(ParallelLoop.workers, ParallelLoop.cores)
    }
}
