import XCTest
@testable import Lunet

/// Finite-difference checks of recorded expressions: the loss is
/// `sum(f(x...) * R)` with R fixed and random, differentiated in Double
/// around Float inputs and compared with the tape's backward.
enum TapeCheck {
    typealias Expression = (Tape, [Variable]) throws -> Variable

    static func weighted(_ y: Tensor<Float>, _ r: Tensor<Float>) -> Float {
        Float(zip(y.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
    }

    /// The tape's gradients of `sum(f(inputs) * r)` for each input.
    static func analytic(_ inputs: [Tensor<Float>], ones: Bool = false, _ f: Expression) throws -> [Tensor<Float>] {
        let tape = Tape()
        tape.start()
        let leaves = inputs.map { tape.input($0) }
        let y = try f(tape, leaves)
        tape.stop()
        let r = ones ? try Tensor<Float>.ones(y.shape) : try Tensor<Float>.randn(y.shape, seed: 7)
        let gradients = try tape.backward(y, gradient: r)
        return try zip(leaves, inputs).map { try gradients[$0.node!] ?? Tensor(shape: $1.shape, repeating: 0) }
    }

    static func check(_ inputs: [Tensor<Float>], step: Float = 1e-2, tolerance: Float = 1e-2, _ f: Expression,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let analytic = try analytic(inputs, f)
        let shape = try f(Tape(), inputs.map { Variable($0) }).shape
        let r = try Tensor<Float>.randn(shape, seed: 7)
        for i in inputs.indices {
            let numeric = try GradientCheck.numerical(inputs[i], step: step) { xi in
                var operands = inputs.map { Variable($0) }
                operands[i] = Variable(xi)
                return weighted(try f(Tape(), operands).value, r)
            }
            XCTAssertEqual(analytic[i].shape, inputs[i].shape, file: file, line: line)
            GradientCheck.assertClose(analytic[i].scalars, numeric, tolerance: tolerance, file: file, line: line)
        }
    }

    static func randn(_ shape: [Int], _ seed: UInt64) throws -> Tensor<Float> { try .randn(shape, seed: seed) }
    /// Values in [0.5, 1.5] and away from kinks, for log, sqrt, division.
    static func positive(_ shape: [Int], _ seed: UInt64) throws -> Tensor<Float> { try Tensor<Float>.rand(shape, seed: seed) + 0.5 }
}
