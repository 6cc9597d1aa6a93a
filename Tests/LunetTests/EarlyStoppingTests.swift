import XCTest
@testable import Lunet

/// Keras 3's EarlyStopping on scripted sequences of monitored values, and
/// restoring the best epoch's weights and buffers.
final class EarlyStoppingTests: XCTestCase {
    /// The 0-based epoch after which training stops (nil: never) and the best epoch.
    func run(_ values: [Double], monitor: String = "val_loss", patience: Int, minDelta: Double = 0) throws -> (stop: Int?, best: Int?) {
        let stopping = try EarlyStopping(monitor: monitor, patience: patience, minDelta: minDelta)
        var tracker = try Monitor(stopping.monitor, minDelta: stopping.minDelta)
        let model = try Linear(2, 2, seed: 1)
        for (epoch, value) in values.enumerated()
        where stopping.epochEnded(epoch, improved: tracker.record(value, epoch: epoch), model: model) {
            return (epoch, tracker.bestEpoch)
        }
        return (nil, tracker.bestEpoch)
    }

    func testPatienceZeroStopsAtTheFirstEpochWithoutImprovement() throws {
        XCTAssertEqual(try run([1.0, 0.8, 0.9, 0.7], patience: 0).stop, 2)
        XCTAssertEqual(try run([1.0, 0.8, 0.9, 0.7], patience: 0).best, 1)
        XCTAssertEqual(try run([1.0, 1.0], patience: 0).stop, 1, "an equal value is no improvement")
        XCTAssertNil(try run([1.0, 0.9, 0.8], patience: 0).stop)
        // The first epoch never stops (Keras' `epoch > 0`), even a NaN one.
        XCTAssertNil(try run([.nan], patience: 0).stop)
        XCTAssertEqual(try run([.nan, .nan], patience: 0).stop, 1)
    }

    func testPatienceTwoWaitsTwoEpochsWithoutImprovement() throws {
        XCTAssertEqual(try run([1.0, 0.8, 0.9, 0.85, 0.7], patience: 2).stop, 3)
        XCTAssertNil(try run([1.0, 0.8, 0.9, 0.7, 0.75], patience: 2).stop, "an improvement resets the wait")
        XCTAssertEqual(try run([1.0, 0.8, 0.9, 0.7, 0.75, 0.76], patience: 2).stop, 5)
    }

    func testMinDeltaAndDirection() throws {
        // 0.9 beats 1.0 by less than 0.15: not an improvement.
        XCTAssertEqual(try run([1.0, 0.9, 0.7], patience: 0, minDelta: 0.15).stop, 1)
        XCTAssertNil(try run([1.0, 0.8, 0.6], patience: 0, minDelta: 0.15).stop)
        // Accuracies improve upwards.
        XCTAssertEqual(try run([0.5, 0.6, 0.55], monitor: "val_accuracy", patience: 0).stop, 2)
        XCTAssertEqual(try run([0.5, 0.6, 0.55], monitor: "val_accuracy", patience: 0).best, 1)
        XCTAssertThrowsError(try EarlyStopping(patience: -1)) { error in
            XCTAssertEqual((error as? LunetError)?.message, "earlyStopping: patience must be a non-negative integer, got -1")
        }
        XCTAssertThrowsError(try EarlyStopping(minDelta: -0.1)) { error in
            XCTAssertEqual((error as? LunetError)?.message, "earlyStopping: minDelta must be a non-negative number, got -0.1")
        }
    }

    /// restoreBest gives back exactly the best epoch's parameters and
    /// batch-norm statistics, whatever came after.
    func testRestoreBestGivesBackTheBestEpochsWeightsAndBuffers() throws {
        let norm = try BatchNorm(2, spatialDimensions: 1)
        let model = Sequential([try Linear(3, 2, seed: 1), norm])
        let stopping = try EarlyStopping(patience: 5, restoreBest: true)
        var tracker = try Monitor("val_loss")
        var saved: [[Float]] = []
        for (epoch, value) in [1.0, 0.5, 0.7, 0.9].enumerated() {
            // Each "epoch" moves the weights and the running statistics.
            for parameter in model.parameters {
                parameter.value.storage.pointer.update(repeating: Float(epoch) + 0.25, count: parameter.value.count)
            }
            _ = try model.forward(try Tensor<Float>.randn([4, 3], seed: UInt64(epoch)))
            saved.append(model.parameters.flatMap(\.value.scalars) + model.namedBuffers.flatMap(\.1.scalars))
            XCTAssertFalse(stopping.epochEnded(epoch, improved: tracker.record(value, epoch: epoch), model: model))
        }
        let current = model.parameters.flatMap(\.value.scalars) + model.namedBuffers.flatMap(\.1.scalars)
        XCTAssertEqual(current, saved[3])
        try stopping.trainingEnded(model: model)
        XCTAssertEqual(model.parameters.flatMap(\.value.scalars) + model.namedBuffers.flatMap(\.1.scalars), saved[1])
        XCTAssertNotEqual(saved[1], saved[3])
    }

    /// When no epoch improves (NaN values), restoreBest keeps the first epoch's weights.
    func testRestoreBestWithoutImprovementKeepsTheFirstEpoch() throws {
        let model = Sequential([try Linear(3, 2, seed: 1)])
        let stopping = try EarlyStopping(patience: 5, restoreBest: true)
        var first: [Float] = []
        for epoch in 0..<3 {
            for parameter in model.parameters {
                parameter.value.storage.pointer.update(repeating: Float(epoch) + 0.5, count: parameter.value.count)
            }
            if epoch == 0 { first = model.parameters.flatMap(\.value.scalars) }
            XCTAssertFalse(stopping.epochEnded(epoch, improved: false, model: model))
        }
        try stopping.trainingEnded(model: model)
        XCTAssertEqual(model.parameters.flatMap(\.value.scalars), first)
    }

    /// Restoring writes through the parameters' mutable accessor: a copy of a
    /// weight taken before (copy on write shares its storage) keeps its values.
    func testRestoringKeepsCopiesTakenEarlier() throws {
        let model = try Linear(3, 2, seed: 1)
        let snapshot = ModelSnapshot(of: model)
        model.weight.value.withUnsafeMutableBufferPointer { $0.update(repeating: 7) }
        let copy = model.weight.value
        try snapshot.restore(into: model)
        XCTAssertEqual(copy.scalars, [Float](repeating: 7, count: 6))
        XCTAssertEqual(model.weight.value.scalars, try Linear(3, 2, seed: 1).weight.value.scalars)
    }
}
