import Foundation
import XCTest
@testable import Lunet

/// The fit loop on a small synthetic task: learning, validation, stops
/// (diverged, interrupted, callback), restoring the best epoch, checkpoints.
final class TrainerTests: XCTestCase, TrainingFixture {
    func testFitLearnsAndRecordsEveryValue() throws {
        let net = try model()
        net.setTraining(false)
        let metrics = [try ClassificationMetric(name: "accuracy"), try ClassificationMetric(name: "top2")]
        let history = try trainer(net, try dataset(160, seed: 1), optimizer: Adam(module: net, learningRate: 0.02), metrics: metrics,
                                  validation: try dataset(60, seed: 2)) { $0.epochs = 6 }.fit()
        XCTAssertEqual(history.stopReason, .completed)
        XCTAssertEqual(history.stoppedEpoch, 5)
        XCTAssertEqual(history.epochs.count, 6)
        XCTAssertEqual(history.epochs[0].logs.map(\.name), ["loss", "accuracy", "top2", "val_loss", "val_accuracy", "val_top2"])
        let first = history.epochs[0], last = history.epochs[5]
        XCTAssertLessThan(last["loss"]!, first["loss"]! * 0.5)
        XCTAssertLessThan(last["val_loss"]!, first["val_loss"]!)
        XCTAssertGreaterThan(last["val_accuracy"]!, 0.9)
        XCTAssertGreaterThanOrEqual(last["val_top2"]!, last["val_accuracy"]!)
        XCTAssertGreaterThan(last.itemsPerSecond, 0)
        XCTAssertEqual(history.epochs.map(\.learningRate), [Double](repeating: 0.02, count: 6))
        XCTAssertEqual(history.epochs.map(\.steps), [Int](repeating: 10, count: 6))
        XCTAssertEqual(history.monitor, "val_loss")
        XCTAssertEqual(history.best?["val_loss"], history.epochs.map { $0["val_loss"]! }.min())
        XCTAssertFalse(net.isTraining, "the model's mode is restored")
        // The evaluator agrees with the last epoch's validation values.
        let evaluation = try Evaluator(loss: CrossEntropyLoss(), metrics: [try ClassificationMetric(name: "accuracy")], batchSize: 7)
            .evaluate(net, on: try dataset(60, seed: 2))
        XCTAssertEqual(evaluation[0].value, last["val_loss"]!, accuracy: 1e-5)
        XCTAssertEqual(evaluation[1].value, last["val_accuracy"]!, accuracy: 1e-12)
    }

    func testSameSeedSameTraining() throws {
        func run() throws -> [Float] {
            let net = try model()
            _ = try trainer(net, try dataset(64, seed: 1), optimizer: SGD(module: net, learningRate: 0.1)) { $0.epochs = 2 }.fit()
            return weights(net)
        }
        XCTAssertEqual(try run(), try run())
        let net = try model()
        let once = try trainer(net, try dataset(16, seed: 1), optimizer: SGD(module: net))
        _ = try once.fit()
        XCTAssertThrowsError(try once.fit()) { error in
            XCTAssertEqual((error as? LunetError)?.message, "this Trainer already ran a fit; make a new one")
        }
    }

    /// A loss that turns NaN at one call.
    final class PoisonedLoss: Loss {
        let base = CrossEntropyLoss()
        var calls = 0
        let poisonedCall: Int
        init(at call: Int) { poisonedCall = call }
        var subject: Subject { Subject("Poisoned") }
        var inputCount: Int { 1 }
        func loss(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> LossValue { try base.loss(inputs, labels: labels) }
        func gradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> [Tensor<Float>] { try base.gradient(inputs, labels: labels) }
        func lossAndGradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> (value: LossValue, gradients: [Tensor<Float>]) {
            calls += 1
            var result = try base.lossAndGradient(inputs, labels: labels)
            if calls == poisonedCall { result.value.loss = .nan }
            return result
        }
    }

    func testNaNLossStopsBeforeTheUpdateAndNamesEpochAndBatch() throws {
        let net = try model()
        var output = ""
        var beforeBad: [Float] = []
        // 64 images in batches of 16: 4 batches an epoch; call 7 is epoch 2, batch 3.
        let history = try trainer(net, try dataset(64, seed: 1), loss: PoisonedLoss(at: 7), optimizer: SGD(module: net, learningRate: 0.1)) {
            $0.epochs = 5
            $0.onBatch = { [unowned self] _, _, _ in beforeBad = weights(net); return true }
            $0.reporter = ProgressReporter(style: .lines, write: { output += $0 })
        }.fit()
        XCTAssertEqual(history.stopReason, .diverged)
        XCTAssertEqual(history.stoppedEpoch, 1)
        XCTAssertEqual(history.epochs.count, 1)
        let message = "loss is nan at epoch 2, batch 3: training stopped before that batch's update"
        XCTAssertEqual(history.message, message)
        XCTAssertTrue(output.hasSuffix(message + "\n"), output)
        XCTAssertEqual(weights(net), beforeBad)
    }

    /// Ctrl-C (the host's flag) stops at the next batch boundary; the history
    /// so far comes back and the request is consumed.
    func testInterruptionStopsAtABatchBoundary() throws {
        var pending = false
        let (poll, consume) = (Interruption.poll, Interruption.consume)
        Interruption.poll = { pending }
        Interruption.consume = { defer { pending = false }; return pending }
        defer { (Interruption.poll, Interruption.consume) = (poll, consume) }
        let net = try model()
        var steps = 0
        var afterStep: [Float] = []
        let history = try trainer(net, try dataset(64, seed: 1), optimizer: SGD(module: net, learningRate: 0.1)) {
            $0.epochs = 5
            $0.onBatch = { [unowned self] epoch, batch, _ in
                steps += 1
                afterStep = weights(net)
                if epoch == 1, batch == 1 { pending = true }
                return true
            }
        }.fit()
        XCTAssertEqual(history.stopReason, .interrupted)
        XCTAssertEqual(history.stoppedEpoch, 1)
        XCTAssertEqual(history.epochs.count, 1)
        XCTAssertEqual(steps, 6)
        XCTAssertEqual(weights(net), afterStep)
        XCTAssertFalse(pending, "the request was consumed")
    }

    func testCallbacksStopOrThrow() throws {
        let net = try model()
        let stopped = try trainer(net, try dataset(32, seed: 1), optimizer: SGD(module: net)) {
            $0.epochs = 5
            $0.onEpoch = { epoch, _ in epoch < 1 }
        }.fit()
        XCTAssertEqual(stopped.stopReason, .callback)
        XCTAssertEqual(stopped.epochs.count, 2)
        struct Failure: Error {}
        net.setTraining(false)
        XCTAssertThrowsError(try trainer(net, try dataset(32, seed: 1), optimizer: SGD(module: net)) {
            $0.onBatch = { _, _, _ in throw Failure() }
        }.fit()) { error in
            XCTAssertTrue(error is Failure)
        }
        XCTAssertFalse(net.isTraining)
        // A callback stopped by Ctrl-C ends the fit as interrupted, not as an error.
        let interrupted = try trainer(net, try dataset(32, seed: 1), optimizer: SGD(module: net)) {
            $0.onEpoch = { _, _ in throw Interruption.Interrupted() }
        }.fit()
        XCTAssertEqual(interrupted.stopReason, .interrupted)
        XCTAssertEqual(interrupted.epochs.count, 1)
    }

    /// restoreBest in a real fit: the weights at the end are those of the
    /// best epoch, and the checkpoint file holds the same model.
    func testRestoreBestAndCheckpoint() throws {
        let path = NSTemporaryDirectory() + "lunet-checkpoint-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let net = try model()
        var perEpoch: [[Float]] = []
        // A large learning rate makes the validation loss jump about.
        let history = try trainer(net, try dataset(64, seed: 1), optimizer: SGD(module: net, learningRate: 6), validation: try dataset(40, seed: 3)) {
            $0.epochs = 6
            $0.earlyStopping = try EarlyStopping(monitor: "val_loss", patience: 10, restoreBest: true)
            $0.checkpoint = path
            $0.onEpoch = { [unowned self] _, _ in perEpoch.append(weights(net)); return true }
        }.fit()
        let best = try XCTUnwrap(history.bestEpoch)
        XCTAssertEqual(best, 2, "a middle epoch, so that restoring matters")
        XCTAssertNotEqual(perEpoch[best], perEpoch.last)
        XCTAssertEqual(history.epochs[best]["val_loss"], history.epochs.map { $0["val_loss"]! }.min())
        XCTAssertEqual(weights(net), perEpoch[best])
        let loaded = try ModelFile.load(path, build: ModuleFactory.make)
        XCTAssertEqual(weights(loaded), perEpoch[best])
    }

    func testMonitorMustBeLogged() throws {
        let net = try model()
        XCTAssertThrowsError(try trainer(net, try dataset(16, seed: 1), optimizer: SGD(module: net)) {
            $0.earlyStopping = try EarlyStopping(monitor: "val_loss")
        }) { error in
            XCTAssertEqual((error as? LunetError)?.message, "earlyStopping: monitor 'val_loss' is not logged (logged: loss; give validation data)")
        }
    }
}
