import XCTest
@testable import Lunet

/// Every recorded operation's gradient against central finite differences.
final class TapeGradientTests: XCTestCase {
    typealias C = TapeCheck

    func testArithmeticBroadcastsBothWays() throws {
        let a = try C.randn([3, 4], 1), row = try C.positive([1, 4], 2), column = try C.positive([3, 1], 3)
        for op in [ArithmeticOperator.add, .subtract, .multiply, .divide] {
            try C.check([a, row]) { t, v in try t.arithmetic(op, v[0], v[1]) }
            try C.check([column, a]) { t, v in try t.arithmetic(op, v[1], v[0]) }
            try C.check([try C.positive([4], 4), a]) { t, v in try t.arithmetic(op, v[1], v[0]) }
            try C.check([try C.positive([], 5), a]) { t, v in try t.arithmetic(op, v[0], v[1]) }
        }
    }

    func testArithmeticWithNumbers() throws {
        let a = try C.positive([2, 3], 6)
        for op in [ArithmeticOperator.add, .subtract, .multiply, .divide] {
            try C.check([a]) { t, v in try t.arithmetic(op, v[0], scalar: 1.7) }
            try C.check([a]) { t, v in try t.arithmetic(op, v[0], scalar: 1.7, scalarFirst: true) }
        }
        try C.check([a]) { t, v in try t.negate(v[0]) }
    }

    func testRepeatedUseAddsGradients() throws {
        let a = try C.randn([2, 3], 8)
        // x * x + x: gradient 2x + 1.
        try C.check([a]) { t, v in try t.arithmetic(.add, t.arithmetic(.multiply, v[0], v[0]), v[0]) }
        let g = try C.analytic([a], ones: true) { t, v in try t.reduce(.sum, t.arithmetic(.multiply, v[0], v[0])) }
        XCTAssertEqual(g[0].scalars, try (a * 2).scalars)
    }

    func testElementwiseFunctions() throws {
        // Kinks (abs, clamp, relu at 0, -0.35, 0.4) stay farther than the step from every value.
        let x = try C.randn([3, 5], 9).mapped { abs($0) < 0.05 ? $0 + 0.1 : $0 }, p = try C.positive([3, 5], 10)
        XCTAssertTrue(x.scalars.allSatisfy { abs($0 + 0.35) > 0.01 && abs($0 - 0.4) > 0.01 }, "\(x.scalars)")
        try C.check([p]) { t, v in try t.pow(v[0], 3) }
        try C.check([p]) { t, v in try t.pow(v[0], -0.5) }
        try C.check([x]) { t, v in try t.exp(v[0]) }
        try C.check([p]) { t, v in try t.log(v[0]) }
        try C.check([p]) { t, v in try t.sqrt(v[0]) }
        try C.check([x], step: 1e-3) { t, v in try t.abs(v[0]) }
        try C.check([x], step: 1e-3) { t, v in try t.clamp(v[0], low: -0.35, high: 0.4) }
        try C.check([x], step: 1e-3) { t, v in try t.clamp(v[0], low: 0, high: nil) }
        try C.check([x]) { t, v in try t.sigmoid(v[0]) }
        try C.check([x]) { t, v in try t.tanh(v[0]) }
        try C.check([x], step: 1e-3) { t, v in try t.relu(v[0]) }
    }

    func testShapeOperationsAndMatmul() throws {
        let a = try C.randn([3, 4], 11), b = try C.randn([4, 2], 12)
        try C.check([a, b]) { t, v in try t.matmul(v[0], v[1]) }
        try C.check([a]) { t, v in try t.transpose(v[0]) }
        try C.check([a]) { t, v in try t.reshape(v[0], [2, 6]) }
        try C.check([a]) { t, v in try t.narrow(v[0], dimension: 1, start: 1, length: 2) }
        try C.check([a]) { t, v in try t.narrow(v[0], dimension: 0, start: 2, length: 1) }
        try C.check([a]) { t, v in try t.index(v[0], [2, 0, 2], dimension: 0) }
        try C.check([a]) { t, v in try t.index(v[0], [3, 1], dimension: 1) }
        try C.check([a, try C.randn([2, 4], 13)]) { t, v in try t.cat([v[0], v[1], v[0]], dimension: 0) }
        try C.check([a, try C.randn([3, 1], 14)]) { t, v in try t.cat([v[1], v[0]], dimension: 1) }
        try C.check([a, try C.randn([3, 4], 15)]) { t, v in try t.stack([v[0], v[1]]) }
    }

    func testReductions() throws {
        let x = try C.randn([3, 4, 2], 16)
        for kind in [Tape.Reduction.sum, .mean, .max, .min] {
            try C.check([x], step: 1e-3) { t, v in try t.reduce(kind, v[0]) }
            for dim in 0..<3 {
                try C.check([x], step: 1e-3) { t, v in try t.reduce(kind, v[0], dimension: dim) }
            }
        }
    }

    func testNormalizeAndSoftmax() throws {
        let x = try C.randn([4, 5], 17)
        try C.check([x]) { t, v in try t.normalize(v[0]) }
        for dim in 0..<2 {
            try C.check([x]) { t, v in try t.softmax(v[0], dimension: dim) }
            try C.check([x]) { t, v in try t.logSoftmax(v[0], dimension: dim) }
        }
    }

    func testBuiltInModuleUsesItsOwnBackward() throws {
        let linear = try Linear(4, 3, seed: 1)
        let x = try C.randn([5, 4], 18)
        try C.check([x]) { t, v in try t.call(linear, v[0]) }
        // Parameter gradients land in the module, as its own backward puts them.
        linear.zeroGrad()
        _ = try C.analytic([x]) { t, v in try t.call(linear, v[0]) }
        let reference = try Linear(4, 3, seed: 1)
        _ = try reference.forward(x)
        _ = try reference.backward(x, try Tensor<Float>.randn([5, 3], seed: 7))
        XCTAssertEqual(linear.parameters[0].gradient.scalars, reference.parameters[0].gradient.scalars)
    }

    func testAModuleCalledTwiceOnOneTapeIsRefused() throws {
        let linear = try Linear(2, 2, seed: 1)
        let tape = Tape()
        let x = tape.input(try C.randn([1, 2], 19))
        _ = try tape.call(linear, x)
        XCTAssertThrowsError(try tape.call(linear, x)) { error in
            XCTAssertEqual("\(error)", "Linear(2 -> 2) is called twice in one recorded forward; its backward keeps only its last input (call it once on the joined batch, or use two modules)")
        }
    }

    func testConstantsRecordNothing() throws {
        let tape = Tape()
        let y = try tape.exp(Variable(try C.randn([2], 20)))
        XCTAssertNil(y.node)
        XCTAssertEqual(tape.count, 0)
    }
}
