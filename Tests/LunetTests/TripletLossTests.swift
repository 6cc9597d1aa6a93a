import Lunet
import XCTest

final class TripletLossTests: XCTestCase {
    func testForwardByHand() throws {
        // Row 1: d(a,p) = 1, d(a,n) = 4 squared -> max(1 - 4 + 0.5, 0) = 0.
        // Row 2: d(a,p) = 4, d(a,n) = 1 squared -> 4 - 1 + 0.5 = 3.5.
        let a = try Tensor<Float>(shape: [2, 2], scalars: [0, 0, 0, 0])
        let p = try Tensor<Float>(shape: [2, 2], scalars: [1, 0, 2, 0])
        let n = try Tensor<Float>(shape: [2, 2], scalars: [0, 2, 0, 1])
        let squared = try TripletLoss(margin: 0.5, distance: .squared).forward(a, p, n)
        XCTAssertEqual(squared.loss, 1.75, accuracy: 1e-6)
        XCTAssertEqual(squared.activeFraction, 0.5)
        // Plain distances: row 1: 1 - 2 + 0.5 = -0.5 -> 0; row 2: 2 - 1 + 0.5 = 1.5.
        let plain = try TripletLoss(margin: 0.5, distance: .euclidean).forward(a, p, n)
        XCTAssertEqual(plain.loss, 0.75, accuracy: 1e-6)
        XCTAssertEqual(plain.activeFraction, 0.5)
    }

    /// A NaN distance goes through the loss, its active fraction and its
    /// gradient as through PyTorch's clamp_min (bench/reference/make_loop_references.py):
    /// a diverged network never shows a smaller loss.
    func testNaNDistancePropagatesAsInPyTorch() throws {
        let a = try Tensor<Float>(shape: [2, 2], scalars: [.nan, 0, 1, 0])
        let p = try Tensor<Float>.zeros([2, 2]), n = try Tensor<Float>.ones([2, 2])
        let loss = try TripletLoss(margin: 0.2, distance: .squared)
        let forward = try loss.forward(a, p, n)
        XCTAssertTrue(forward.loss.isNaN)
        XCTAssertTrue(forward.activeFraction.isNaN)
        let (ga, gp, gn) = try loss.backward(a, p, n)
        func same(_ x: Tensor<Float>, _ expected: [Float]) -> Bool {
            zip(x.scalars, expected).allSatisfy { $0.isNaN ? $1.isNaN : $0 == $1 }
        }
        XCTAssertTrue(same(ga, [.nan, 0.0, 1.0, 1.0]), "\(ga.scalars)")
        XCTAssertTrue(same(gp, [.nan, -0.0, -1.0, -0.0]), "\(gp.scalars)")
        XCTAssertTrue(same(gn, [.nan, -0.0, 0.0, -1.0]), "\(gn.scalars)")
        let stacked = try loss.lossAndGradient(stacked: try Tensor.concatenate([a, p, n], dimension: 0))
        XCTAssertTrue(stacked.loss.isNaN && stacked.activeFraction.isNaN)
    }

    func checkGradients(_ distance: DistanceMetric) throws {
        let loss = try TripletLoss(margin: 1.0, distance: distance)
        let a = try Tensor<Float>.randn([6, 5], seed: 1)
        let p = try Tensor<Float>.randn([6, 5], seed: 2)
        let n = try Tensor<Float>.randn([6, 5], seed: 3)
        let (ga, gp, gn) = try loss.backward(a, p, n)
        let active = try loss.forward(a, p, n).activeFraction
        XCTAssertTrue(active > 0 && active < 1, "the check should cover active and inactive triplets, got \(active)")
        let step: Float = 1e-3
        GradientCheck.assertClose(ga.scalars, try GradientCheck.numerical(a, step: step) { try loss.forward($0, p, n).loss }, tolerance: 2e-3)
        GradientCheck.assertClose(gp.scalars, try GradientCheck.numerical(p, step: step) { try loss.forward(a, $0, n).loss }, tolerance: 2e-3)
        GradientCheck.assertClose(gn.scalars, try GradientCheck.numerical(n, step: step) { try loss.forward(a, p, $0).loss }, tolerance: 2e-3)
    }

    func testSquaredGradientMatchesFiniteDifferences() throws {
        try checkGradients(.squared)
    }

    func testEuclideanGradientMatchesFiniteDifferences() throws {
        try checkGradients(.euclidean)
    }

    func testEuclideanGradientIsFiniteAtZeroDistance() throws {
        // Anchor equals positive: d(a,p) = 0, the triplet is active through the margin.
        let a = try Tensor<Float>(shape: [1, 3], scalars: [1, 2, 3])
        let n = try Tensor<Float>(shape: [1, 3], scalars: [1, 2, 3.1])
        let loss = try TripletLoss(margin: 0.2, distance: .euclidean)
        XCTAssertEqual(try loss.forward(a, a, n).loss, 0.1, accuracy: 1e-6)
        let (ga, gp, gn) = try loss.backward(a, a, n)
        for value in ga.scalars + gp.scalars + gn.scalars { XCTAssertTrue(value.isFinite) }
        XCTAssertEqual(gp.scalars, [0, 0, 0])
        // d/dn of -|a - n| is (a - n) / |a - n| = (0, 0, -1); d/da is its negative.
        XCTAssertEqual(gn.scalars, [0, 0, -1])
        XCTAssertEqual(ga.scalars, [0, 0, 1])
    }

    func testStackedBatchMatchesSeparateTensors() throws {
        let loss = try TripletLoss(margin: 1, distance: .euclidean)
        let stacked = try Tensor<Float>.randn([9, 4], seed: 5)
        let parts = try (0..<3).map { try stacked.narrowed(dimension: 0, start: 3 * $0, length: 3) }
        let (value, active, gradient) = try loss.lossAndGradient(stacked: stacked)
        let separate = try loss.forward(parts[0], parts[1], parts[2])
        let (da, dp, dn) = try loss.backward(parts[0], parts[1], parts[2])
        XCTAssertEqual(value, separate.loss)
        XCTAssertEqual(active, separate.activeFraction)
        XCTAssertEqual(gradient.scalars, da.scalars + dp.scalars + dn.scalars)
        XCTAssertThrowsError(try loss.lossAndGradient(stacked: try Tensor.zeros([4, 2])))
    }

    func testRejectsMismatchedShapes() throws {
        let a = try Tensor<Float>.zeros([2, 3])
        XCTAssertThrowsError(try TripletLoss().forward(a, a, try Tensor<Float>.zeros([2, 4]))) {
            XCTAssertEqual("\($0)", "TripletLoss(margin: 0.2, distance: 'squared'): anchor, positive and negative must have one shape, got 2x3, 2x3 and 2x4")
        }
    }
}

/// The shared loss protocol: the fused call equals the separate ones, stacked
/// batches split into their inputs.
final class LossProtocolTests: XCTestCase {
    func testTripletFusedEqualsSeparate() throws {
        let loss: any Loss = try TripletLoss(margin: 0.5)
        let inputs = try (1...3).map { try Tensor<Float>.randn([4, 3], seed: UInt64($0)) }
        let (value, gradients) = try loss.lossAndGradient(inputs, labels: nil)
        XCTAssertEqual(value, try loss.loss(inputs, labels: nil))
        XCTAssertEqual(loss.statisticNames, ["activeFraction"])
        for (fused, separate) in zip(gradients, try loss.gradient(inputs, labels: nil)) {
            XCTAssertTrue(fused.isIdentical(to: separate))
        }
        let (stackedValue, stackedGradient) = try loss.lossAndGradient(batch: try Tensor.concatenate(inputs, dimension: 0), labels: nil)
        XCTAssertEqual(stackedValue, value)
        XCTAssertTrue(stackedGradient.isIdentical(to: try Tensor.concatenate(gradients, dimension: 0)))
        XCTAssertThrowsError(try loss.loss(Array(inputs.prefix(2)), labels: nil)) { error in
            XCTAssertEqual((error as? LunetError)?.message, "TripletLoss(margin: 0.5, distance: 'squared'): 3 inputs expected, got 2")
        }
    }

    func testCrossEntropyThroughTheProtocol() throws {
        let loss: any Loss = CrossEntropyLoss()
        let logits = try Tensor<Float>.randn([3, 4], seed: 1)
        let labels = try Tensor<Int32>(shape: [3], scalars: [0, 3, 1])
        XCTAssertEqual(try loss.loss([logits], labels: labels).loss, try CrossEntropyLoss().forward(logits, labels))
        XCTAssertEqual(loss.classCount(for: [logits]), 4)
        XCTAssertThrowsError(try loss.loss([logits], labels: nil)) { error in
            XCTAssertEqual((error as? LunetError)?.message, "CrossEntropyLoss: class labels expected")
        }
    }
}
