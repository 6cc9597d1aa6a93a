import XCTest
@testable import Lunet

/// Finite-difference checks of every layer's backward: input and parameter gradients.
final class LayerGradientTests: XCTestCase {
    func input(_ shape: [Int], seed: UInt64 = 7) throws -> Tensor<Float> {
        try Tensor<Float>.randn(shape, seed: seed)
    }

    /// Values at least 0.1 from zero, so a step of 0.01 never crosses ReLU's kink.
    func awayFromZero(_ shape: [Int]) throws -> Tensor<Float> {
        try input(shape).mapped { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
    }

    /// Distinct values 0.1 apart in a shuffled order, so no pooling window has near-ties.
    func distinct(_ shape: [Int]) throws -> Tensor<Float> {
        let count = shape.reduce(1, *)
        var generator = RandomGenerator(seed: 3)
        let values = (0..<count).map { Float($0) * 0.1 - Float(count) * 0.05 }.shuffled(using: &generator)
        return try Tensor(shape: shape, scalars: values)
    }

    func testLinear() throws {
        try FiniteDifference.check(try Linear(5, 3, seed: 1), input: input([4, 5]))
        try FiniteDifference.check(try Linear(5, 3, bias: false, seed: 1), input: input([2, 5]))
    }

    func testConv2dValidAndStrided() throws {
        try FiniteDifference.check(try Conv2d(2, 3, kernel: Size2D(square: 3), seed: 1), input: input([2, 2, 5, 6]))
        try FiniteDifference.check(try Conv2d(2, 2, kernel: Size2D(3, 2), stride: Size2D(square: 2), seed: 2),
                                   input: input([2, 2, 7, 6]))
    }

    func testConv2dSamePadding() throws {
        try FiniteDifference.check(try Conv2d(2, 3, kernel: Size2D(square: 4), padding: .same, seed: 1), input: input([2, 2, 5, 5]))
        try FiniteDifference.check(try Conv2d(3, 2, kernel: Size2D(square: 3), stride: Size2D(square: 2), padding: .same, seed: 3),
                                   input: input([1, 3, 6, 5]))
        try FiniteDifference.check(try Conv2d(1, 2, kernel: Size2D(square: 3), padding: .explicit(1), bias: false, seed: 4),
                                   input: input([3, 1, 4, 4]))
    }

    /// More images than one chunk holds: the chunked product paths.
    func testConv2dAcrossChunks() throws {
        let conv = try Conv2d(2, 2, kernel: Size2D(square: 2), seed: 5)
        XCTAssertGreaterThan(Im2colConvolution().chunkSize(try conv.geometry(for: [9, 2, 3, 3]), batch: 9), 1)
        try FiniteDifference.check(conv, input: input([9, 2, 3, 3]))
    }

    func testMaxPool2d() throws {
        try FiniteDifference.check(try MaxPool2d(kernel: Size2D(square: 2)), input: distinct([2, 2, 4, 5]))
        try FiniteDifference.check(try MaxPool2d(kernel: Size2D(square: 3), stride: Size2D(square: 2), padding: .same),
                                   input: distinct([1, 2, 7, 6]))
    }

    func testActivations() throws {
        try FiniteDifference.check(ReLU(), input: awayFromZero([3, 7]))
        try FiniteDifference.check(Sigmoid(), input: input([3, 7]))
        try FiniteDifference.check(Tanh(), input: input([3, 7]))
        try FiniteDifference.check(Flatten(), input: input([2, 3, 2, 2]))
        try FiniteDifference.check(L2Normalize(), input: input([4, 6]))
    }

    func testDropoutWithFixedMask() throws {
        let dropout = try Dropout(0.4)
        try FiniteDifference.check(dropout, input: input([5, 8]), prepare: { dropout.reseed(11) })
        let y = try dropout.forward(try Tensor.ones([1, 1000]))
        let zeros = y.scalars.filter { $0 == 0 }.count
        XCTAssertTrue((300...500).contains(zeros), "about 40% dropped, got \(zeros)")
        XCTAssertTrue(y.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.6) < 1e-6 })
        dropout.setTraining(false)
        XCTAssertTrue(try dropout.forward(y).isIdentical(to: y))
    }

    func testBatchNormTrainingAndEvaluation() throws {
        let bn2 = try BatchNorm(3, spatialDimensions: 2)
        bn2.weight.value = try Tensor(shape: [3], scalars: [0.5, 1.5, -1])
        bn2.bias.value = try Tensor(shape: [3], scalars: [0.1, 0, -0.3])
        try FiniteDifference.check(bn2, input: input([3, 3, 2, 3]), step: 1e-2, tolerance: 2e-2)
        try FiniteDifference.check(try BatchNorm(4, spatialDimensions: 1), input: input([5, 4]), tolerance: 2e-2)
        bn2.setTraining(false)
        try FiniteDifference.check(bn2, input: input([2, 3, 2, 2]))
    }

    func testSequentialOfEveryKind() throws {
        let net = Sequential([
            try Conv2d(1, 2, kernel: Size2D(square: 3), padding: .same, seed: 1),
            try BatchNorm(2, spatialDimensions: 2), Tanh(),
            try MaxPool2d(kernel: Size2D(square: 2)), Flatten(),
            try Linear(8, 3, seed: 2), Sigmoid(), try Linear(3, 2, seed: 3), L2Normalize(),
        ])
        try FiniteDifference.check(net, input: input([3, 1, 4, 4]), tolerance: 3e-2)
    }
}
