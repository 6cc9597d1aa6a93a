import Lunet
import XCTest

final class OptimizerTests: XCTestCase {
    func parameter(_ values: [Float], l2: Float = 0) throws -> Parameter {
        let p = try Parameter(name: "weight", value: try Tensor(shape: [values.count], scalars: values))
        p.l2 = l2
        return p
    }

    func testPenaltyIsKerasL2() throws {
        let penalized = try parameter([1, -2, 3], l2: 0.5)
        let free = try parameter([10, 10])
        let optimizer = try SGD(parameters: [penalized, free])
        // 0.5 * (1 + 4 + 9); the unpenalized parameter adds nothing.
        XCTAssertEqual(optimizer.penalty(), 7)
        XCTAssertEqual(L2Penalty.value(of: [penalized, free]), 7)
    }

    func testStepAddsPenaltyGradientLikeWeightDecay() throws {
        // l2 adds 2 * l2 * w to the update: the same as weightDecay = 2 * l2.
        for makeOptimizer in [
            { (p: Parameter, decay: Float) in try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, weightDecay: decay) as Optimizer },
            { (p: Parameter, decay: Float) in try Adam(parameters: [p], learningRate: 0.1, amsgrad: true, weightDecay: decay) as Optimizer },
        ] {
            let penalized = try parameter([0.5, -1, 2], l2: 0.05)
            let decayed = try parameter([0.5, -1, 2])
            let a = try makeOptimizer(penalized, 0), b = try makeOptimizer(decayed, 0.1)
            for _ in 0..<3 {
                for p in [penalized, decayed] { p.gradient = try Tensor(shape: [3], scalars: [0.1, 0.2, -0.3]) }
                try a.step()
                try b.step()
            }
            XCTAssertEqual(penalized.value.scalars, decayed.value.scalars)
            // The penalty's gradient goes into the update only, not into Parameter.gradient.
            XCTAssertEqual(penalized.gradient.scalars, [0.1, 0.2, -0.3])
        }
    }

    func testAddGradientForCustomLoops() throws {
        let p = try parameter([1, -2], l2: 0.25)
        XCTAssertEqual(try L2Penalty.addGradient(to: [p]), 1.25)
        XCTAssertEqual(p.gradient.scalars, [0.5, -1])
    }

    func testZeroGradClearsGradients() throws {
        let p = try parameter([1, 2])
        p.gradient = try Tensor(shape: [2], scalars: [3, 4])
        try Adam(parameters: [p]).zeroGrad()
        XCTAssertEqual(p.gradient.scalars, [0, 0])
    }

    func testReplacedParameterIsReported() throws {
        let p = try parameter([1, 2])
        let optimizer = try Adam(parameters: [p])
        p.value = try Tensor.zeros([3])
        p.gradient = try Tensor.zeros([3])
        XCTAssertThrowsError(try optimizer.step()) {
            XCTAssertEqual("\($0)", "Adam: 'weight' has 3 values, 2 when the optimizer was made; make a new optimizer")
        }
    }

    func testRejectsInvalidSettings() {
        XCTAssertThrowsError(try SGD(parameters: [], nesterov: true)) {
            XCTAssertEqual("\($0)", "SGD: nesterov needs a momentum above 0")
        }
        XCTAssertThrowsError(try Adam(parameters: [], beta1: 1)) {
            XCTAssertEqual("\($0)", "Adam: beta1 must be in [0, 1), got 1.0")
        }
    }

    func testAdamConvergesOnAQuadratic() throws {
        // Minimizes sum((w - 3)^2): a smoke test of the sign and scale of updates.
        let p = try parameter([0, 10, -5])
        let optimizer = try Adam(parameters: [p], learningRate: 0.1)
        for _ in 0..<500 {
            p.gradient = try (p.value - 3) * 2
            try optimizer.step()
        }
        for value in p.value.scalars { XCTAssertEqual(value, 3, accuracy: 1e-2) }
    }
}
