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
}
