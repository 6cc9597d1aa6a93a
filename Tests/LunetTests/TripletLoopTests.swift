import Foundation
import XCTest
@testable import Lunet

/// What triplet training gained from the one loop, on synthetic images:
/// validation (one-shot accuracy, the triplet loss), early stopping with
/// restoreBest, checkpoints, callbacks, divergence, Ctrl-C in a sampler,
/// and memory linear in the batch.
final class TripletLoopTests: XCTestCase {
    /// 1x8x8 images, `perClass` of each of `classes` classes: class c lights
    /// pixel (c + offset) mod 64, over noise.
    func dataset(classes: Int, perClass: Int = 6, offset: Int = 0, seed: UInt64 = 1) throws -> Dataset {
        var generator = RandomGenerator(seed: seed)
        var pixels: [UInt8] = [], labels: [Int32] = []
        for c in 0..<classes {
            for _ in 0..<perClass {
                for p in 0..<64 { pixels.append(p == (c + offset) % 64 ? 255 : UInt8(generator.nextInt(below: 90))) }
                labels.append(Int32(c))
            }
        }
        return try Dataset(images: try Tensor(shape: [labels.count, 1, 8, 8], scalars: pixels),
                           labels: try Tensor(shape: [labels.count], scalars: labels), classes: (0..<classes).map { "c\($0)" })
    }

    func network() throws -> Sequential { Sequential([Flatten(), try Linear(64, 8, seed: 1)]) }

    func weights(_ model: Module) -> [Float] { model.parameters.flatMap(\.value.scalars) }

    func trainer(_ net: Module, sampler: TripletSampler = RandomTripletSampler(), lr: Float = 1e-2, sgd: Bool = false, batch: Int = 16,
                 steps: Int = 5, _ configure: (inout FitOptions) throws -> Void = { _ in }) throws -> Trainer {
        let source = try TripletBatches(try dataset(classes: 12), sampler: sampler, loss: TripletLoss(margin: 0.2), batch: batch,
                                        steps: steps, seed: 3)
        var options = FitOptions()
        options.epochs = 3
        try configure(&options)
        let optimizer: Optimizer = sgd ? try SGD(module: net, learningRate: lr) : try Adam(module: net, learningRate: lr)
        return try Trainer(model: net, optimizer: optimizer, source: source, options: options)
    }

    func testValidationLogsOneShotAccuracyAndTheTripletLoss() throws {
        let net = try network()
        let heldOut = try dataset(classes: 8, offset: 20, seed: 2)
        let validation = try TripletValidation(heldOut, way: 5, tasks: 40, triplets: 30, seed: 4, loss: TripletLoss(margin: 0.2))
        let history = try trainer(net) { $0.validation = validation }.fit()
        XCTAssertEqual(history.monitor, "val_accuracy")
        XCTAssertEqual(history.epochs[0].logs.map(\.name), ["loss", "active", "embedded", "val_loss", "val_accuracy"])
        // The last round's values are those of the trained network.
        let last = history.epochs[2]
        let oneShot = try OneShot.evaluate(.network(net), heldOut, way: 5, tasks: 40, seed: 4)
        XCTAssertEqual(last["val_accuracy"], oneShot.accuracy)
        let triplets = try RandomTripletSampler().sample(TripletContext(dataset: heldOut, embedding: nil, seed: 4), count: 30)
        let embed = { (list: [Int]) in try EmbeddingFunction.network(net).embed(heldOut.images, at: list) }
        let loss = try TripletLoss(margin: 0.2).forward(embed(triplets.anchors), embed(triplets.positives), embed(triplets.negatives)).loss
        XCTAssertEqual(last["val_loss"]!, Double(loss), accuracy: 1e-6)
        XCTAssertEqual(history.best?["val_accuracy"], history.epochs.map { $0["val_accuracy"]! }.max())
    }

    func testValidationSetsAreCheckedBeforeTheFirstStep() throws {
        XCTAssertThrowsError(try TripletValidation(try dataset(classes: 4), way: 5, tasks: 10, loss: TripletLoss())) { error in
            XCTAssertEqual((error as? LunetError)?.message,
                           "validation set: a 5-way task needs 5 classes (one with two images), got [Dataset: 24 images 1x8x8, 4 classes]")
        }
        let wide = try Dataset(images: try Tensor(shape: [12, 1, 8, 9], repeating: 0), labels: try Tensor(shape: [12], scalars: (0..<12).map { Int32($0 % 6) }),
                               classes: (0..<6).map { "c\($0)" })
        var stepped = false
        XCTAssertThrowsError(try trainer(try network()) {
            $0.validation = try TripletValidation(wide, way: 5, tasks: 10, loss: TripletLoss())
            $0.onBatch = { _, _, _ in stepped = true; return true }
        }.fit()) { error in
            XCTAssertEqual((error as? LunetError)?.message, "validation set: its images are 1x8x9, the training set's 1x8x8")
        }
        XCTAssertFalse(stepped)
    }

    /// lr 0: the validation loss on its fixed triplets never changes, so
    /// patience 0 stops after round 2 (the training loss would not do: each
    /// round draws other triplets).
    func testEarlyStoppingStopsWhenTheMonitorStalls() throws {
        let history = try trainer(try network(), lr: 0) {
            $0.epochs = 5
            $0.validation = try TripletValidation(try dataset(classes: 8, offset: 20, seed: 2), way: 5, tasks: 10, triplets: 20, seed: 4,
                                                  loss: TripletLoss(margin: 0.2))
            $0.earlyStopping = try EarlyStopping(monitor: "val_loss", patience: 0)
        }.fit()
        XCTAssertEqual(history.stopReason, .earlyStopping)
        XCTAssertEqual(history.epochs.count, 2)
        XCTAssertEqual(history.epochs[0]["val_loss"], history.epochs[1]["val_loss"])
        XCTAssertEqual(history.bestEpoch, 0)
    }

    /// restoreBest and the checkpoint hold the best round's weights.
    func testRestoreBestAndCheckpointKeepTheBestRound() throws {
        let path = NSTemporaryDirectory() + "lunet-triplet-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let net = try network()
        var perRound: [[Float]] = []
        let history = try trainer(net, lr: 0.5) {
            $0.epochs = 5
            $0.validation = try TripletValidation(try dataset(classes: 8, offset: 20, seed: 2), way: 5, tasks: 40, triplets: 30, seed: 4,
                                                  loss: TripletLoss(margin: 0.2))
            $0.earlyStopping = try EarlyStopping(monitor: "val_loss", patience: 5, restoreBest: true)
            $0.checkpoint = path
            $0.onEpoch = { [unowned self] _, _ in perRound.append(weights(net)); return true }
        }.fit()
        let best = try XCTUnwrap(history.bestEpoch)
        XCTAssertEqual(history.epochs[best]["val_loss"], history.epochs.map { $0["val_loss"]! }.min())
        XCTAssertEqual(weights(net), perRound[best])
        XCTAssertEqual(weights(try ModelFile.load(path, build: ModuleFactory.make)), perRound[best])
    }

    func testCallbacksStopOrThrow() throws {
        let stopped = try trainer(try network()) { $0.onEpoch = { round, _ in round < 1 } }.fit()
        XCTAssertEqual(stopped.stopReason, .callback)
        XCTAssertEqual(stopped.epochs.count, 2)
        var steps = 0
        let cut = try trainer(try network()) { $0.onBatch = { _, _, _ in steps += 1; return steps < 7 } }.fit()
        XCTAssertEqual(cut.stopReason, .callback)
        XCTAssertEqual(cut.epochs.count, 1)
        XCTAssertEqual(cut.stoppedEpoch, 1)
        struct Failure: Error {}
        let net = try network()
        net.setTraining(false)
        XCTAssertThrowsError(try trainer(net) { $0.onBatch = { _, _, _ in throw Failure() } }.fit()) { XCTAssertTrue($0 is Failure) }
        XCTAssertFalse(net.isTraining, "the model's mode is restored")
    }

    /// Adam at lr 1e38 (the case): its first step size, 1e38 / (1 - 0.9),
    /// is infinite, so the first update would make the weights NaN: refused,
    /// the weights as they started.
    func testAHugeLearningRateDivergesBeforeTheBadUpdate() throws {
        let net = try network()
        let start = weights(net)
        var output = ""
        let history = try trainer(net, lr: 1e38) {
            $0.reporter = ProgressReporter(style: .lines, unit: "round", write: { output += $0 })
        }.fit()
        XCTAssertEqual(history.stopReason, .diverged)
        let message = try XCTUnwrap(history.message)
        XCTAssertTrue(message.hasPrefix("the update would make a weight non-finite (loss 0."), message)
        XCTAssertTrue(message.hasSuffix(", lr 1e+38) at round 1, step 1: training stopped before that step's update"), message)
        XCTAssertEqual(output, message + "\n")
        XCTAssertEqual(history.epochs.count, 0)
        XCTAssertEqual(weights(net), start)
        for rate: Float in [0, 1e-3] {
            let net = try network()
            let start = weights(net)
            let history = try trainer(net, lr: rate).fit()
            XCTAssertEqual(history.stopReason, .completed)
            XCTAssertTrue(history.epochs.allSatisfy { $0["loss"]!.isFinite })
            XCTAssertEqual(weights(net) == start, rate == 0)
        }
    }

    /// SGD at lr 1e30: the first update is finite (weights near 1e29), the
    /// next embeddings' squared distances overflow the loss, which stops
    /// before that step's update: the weights of the last good step, finite.
    func testALossThatOverflowsStopsBeforeItsUpdate() throws {
        let net = try network()
        var afterStep: [Float] = []
        let history = try trainer(net, lr: 1e30, sgd: true) {
            $0.onBatch = { [unowned self] _, _, _ in afterStep = weights(net); return true }
        }.fit()
        XCTAssertEqual(history.stopReason, .diverged)
        XCTAssertEqual(history.message, "loss is inf at round 1, step 2: training stopped before that step's update")
        XCTAssertEqual(weights(net), afterStep)
        XCTAssertTrue(afterStep.allSatisfy(\.isFinite) && afterStep.contains { Swift.abs($0) > 1e20 })
    }

    /// A sampler interrupted by Ctrl-C (as a Lua sampler is): the fit stops
    /// with the rounds so far and consumes the request.
    final class InterruptedSampler: TripletSampler {
        var calls = 0
        let random = RandomTripletSampler()
        var subject: Subject { Subject("interrupted") }
        var usesEmbeddings: Bool { false }
        func sample(_ context: TripletContext, count: Int) throws -> TripletIndices {
            calls += 1
            if calls == 8 { throw Interruption.Interrupted() }
            return try random.sample(context, count: count)
        }
    }

    func testCtrlCInsideASamplerReturnsTheHistory() throws {
        var consumed = false
        let consume = Interruption.consume
        Interruption.consume = { consumed = true; return true }
        defer { Interruption.consume = consume }
        let net = try network()
        var afterStep: [Float] = []
        let history = try trainer(net, sampler: InterruptedSampler()) {
            $0.onBatch = { [unowned self] _, _, _ in afterStep = weights(net); return true }
        }.fit()
        XCTAssertEqual(history.stopReason, .interrupted)
        XCTAssertEqual(history.epochs.count, 1)
        XCTAssertEqual(history.stoppedEpoch, 1)
        XCTAssertEqual(weights(net), afterStep)
        XCTAssertTrue(consumed)
    }

    /// 6,000 triplets a step (18,000 images) from each built-in sampler: the
    /// step, the mining and the collapse check hold memory linear in the
    /// batch (a [3B, 3B] distance matrix alone would be 1.3 GB, batch-hard's
    /// [B, B] 144 MB).
    func testLargeBatchesNeedMemoryLinearInTheBatch() throws {
        let data = try dataset(classes: 600, perClass: 10)
        for sampler: TripletSampler in [RandomTripletSampler(), try HardestNegativeSampler(), try BatchHardSampler(classes: 600, perClass: 10)] {
            let net = try network()
            let source = try TripletBatches(data, sampler: sampler, loss: TripletLoss(), batch: 6000, steps: 1, seed: 1)
            var options = FitOptions()
            options.epochs = 1
            let trainer = try Trainer(model: net, optimizer: Adam(module: net), source: source, options: options)
            let before = StorageAllocator.statistics.live
            StorageAllocator.resetLivePeak()
            let history = try trainer.fit()
            let peak = StorageAllocator.statistics.peakLive - before
            XCTAssertEqual(history.stopReason, .completed)
            XCTAssertLessThan(peak, 40 << 20, "\(sampler.subject): \(peak >> 20) MiB live at the peak")
        }
    }
}
