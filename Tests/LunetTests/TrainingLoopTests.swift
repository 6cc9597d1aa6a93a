import Foundation
import XCTest
@testable import Lunet

/// What the one training loop adds for both fits, on the classification
/// side: the guarded update, learning-rate schedules, the CSV log and the
/// checks made before the first step.
final class TrainingLoopTests: XCTestCase, TrainingFixture {

    /// Cross-entropy with its gradient scaled by `factor`: lr 1e38 then makes
    /// the very first update overflow while the loss stays finite.
    final class ScaledGradientLoss: Loss {
        let base = CrossEntropyLoss()
        let factor: Float
        init(_ factor: Float) { self.factor = factor }
        var subject: Subject { Subject("Scaled") }
        var inputCount: Int { 1 }
        func classCount(for inputs: [Tensor<Float>]) -> Int? { base.classCount(for: inputs) }
        func loss(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> LossValue { try base.loss(inputs, labels: labels) }
        func gradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> [Tensor<Float>] {
            try base.gradient(inputs, labels: labels).map { try $0 * factor }
        }
        func lossAndGradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> (value: LossValue, gradients: [Tensor<Float>]) {
            let (value, gradients) = try base.lossAndGradient(inputs, labels: labels)
            return (value, try gradients.map { try $0 * factor })
        }
    }

    /// A finite loss whose update would overflow: refused before it, the
    /// weights as they were, the history kept with its message.
    func testAnUpdateThatWouldOverflowIsRefused() throws {
        let net = try model()
        let start = weights(net)
        var output = ""
        let history = try trainer(net, try dataset(64, seed: 1), loss: ScaledGradientLoss(1e3),
                                           optimizer: SGD(module: net, learningRate: 1e38)) {
            $0.epochs = 3
            $0.reporter = ProgressReporter(style: .lines, write: { output += $0 })
        }.fit()
        XCTAssertEqual(history.stopReason, .diverged)
        XCTAssertEqual(history.stoppedEpoch, 0)
        XCTAssertEqual(history.epochs.count, 0)
        let message = try XCTUnwrap(history.message)
        XCTAssertTrue(message.hasPrefix("the update would make a weight non-finite (loss "), message)
        XCTAssertTrue(message.hasSuffix(", lr 1e+38) at epoch 1, batch 1: training stopped before that batch's update"), message)
        XCTAssertEqual(output, message + "\n")
        XCTAssertEqual(weights(net), start)
        XCTAssertTrue(net.parameters.allSatisfy { $0.gradient.scalars.allSatisfy { $0 == 0 } }, "gradients are cleared after fit")
    }

    /// lr 0 trains nothing and lr 1e-3 trains normally: the guard refuses neither.
    func testOrdinaryRatesAreNotRefused() throws {
        for rate: Float in [0, 1e-3] {
            let net = try model()
            let start = weights(net)
            let history = try trainer(net, try dataset(64, seed: 1), optimizer: Adam(module: net, learningRate: rate)) {
                $0.epochs = 2
            }.fit()
            XCTAssertEqual(history.stopReason, .completed, "lr \(rate)")
            XCTAssertNil(history.message)
            XCTAssertEqual(weights(net) == start, rate == 0, "lr \(rate)")
            XCTAssertTrue(weights(net).allSatisfy(\.isFinite))
        }
    }

    /// The loop sets each epoch's rate from the optimizer's schedule and logs it.
    func testScheduleSetsAndLogsEachEpochsRate() throws {
        let net = try model()
        let optimizer = try SGD(module: net, learningRate: 0.1)
        optimizer.schedule = try LearningRateSchedule(.step(every: 2, gamma: 0.5), initial: 0.1)
        var seen: [Float] = []
        let history = try trainer(net, try dataset(32, seed: 1), optimizer: optimizer) {
            $0.epochs = 5
            $0.onBatch = { _, _, _ in seen.append(optimizer.learningRate); return true }
        }.fit()
        XCTAssertEqual(history.epochs.map(\.learningRate), [0.1, 0.1, 0.05, 0.05, 0.025])
        XCTAssertEqual(seen, [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025])
    }

    func temporaryPath(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "lunet-\(UUID().uuidString)-" + name
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// One row per epoch with the header, values that read back exactly; a
    /// second run with the same columns continues the file, one with other
    /// columns is refused before its first step.
    func testCSVLogWritesContinuesAndRefusesOtherColumns() throws {
        let path = temporaryPath("log.csv")
        let accuracy = [try ClassificationMetric(name: "accuracy")]
        func run(_ epochs: Int, metrics: [ClassificationMetric], onBatch: @escaping (Int, Int, [(name: String, value: Double)]) throws -> Bool = { _, _, _ in true }) throws -> TrainingHistory {
            let net = try model()
            return try trainer(net, try dataset(32, seed: 1), optimizer: SGD(module: net, learningRate: 0.1), metrics: metrics,
                                        validation: try dataset(16, seed: 2)) {
                $0.epochs = epochs
                $0.csv = path
                $0.onBatch = onBatch
            }.fit()
        }
        let first = try run(2, metrics: accuracy)
        let second = try run(1, metrics: accuracy)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "epoch,loss,accuracy,val_loss,val_accuracy,lr")
        XCTAssertEqual(lines.count, 4)
        for (line, (index, record)) in zip(lines.dropFirst(), [(1, first.epochs[0]), (2, first.epochs[1]), (1, second.epochs[0])]) {
            let fields = line.split(separator: ",").map(String.init)
            XCTAssertEqual(fields[0], String(index))
            XCTAssertEqual(fields.dropFirst().map { Double($0)! }, record.logs.map(\.value) + [record.learningRate], line)
        }
        XCTAssertEqual(lines[1].split(separator: ",").last, "0.1")
        var stepped = false
        XCTAssertThrowsError(try run(1, metrics: [], onBatch: { _, _, _ in stepped = true; return true })) { error in
            XCTAssertEqual((error as? LunetError)?.message,
                           "csv: '\(path)' has the columns epoch,loss,accuracy,val_loss,val_accuracy,lr; this run logs epoch,loss,val_loss,lr (give another file)")
        }
        XCTAssertFalse(stepped, "refused before the first step")
    }

    /// A validation set of other images is an error before the first step,
    /// naming the set and both sizes; so is a training set the model cannot take.
    func testSizesAreCheckedBeforeTheFirstStep() throws {
        let net = try model()
        var stepped = false
        let other = try Dataset(images: try Tensor(shape: [4, 3, 4, 4], repeating: 0), labels: try Tensor(shape: [4], scalars: [0, 1, 2, 0]),
                                classes: ["a", "b", "c"])
        XCTAssertThrowsError(try trainer(net, try dataset(32, seed: 1), optimizer: SGD(module: net), validation: other) {
            $0.onBatch = { _, _, _ in stepped = true; return true }
        }.fit()) { error in
            XCTAssertEqual((error as? LunetError)?.message, "validation set: its images are 3x4x4, the training set's 1x4x4")
        }
        XCTAssertThrowsError(try trainer(net, other, optimizer: SGD(module: net)) {
            $0.onBatch = { _, _, _ in stepped = true; return true }
        }.fit()) { error in
            XCTAssertEqual((error as? LunetError)?.message, "training set: images of 3x4x4 do not fit the model: Linear(16 -> 8): input has 48 features")
        }
        XCTAssertFalse(stepped)
    }
}
