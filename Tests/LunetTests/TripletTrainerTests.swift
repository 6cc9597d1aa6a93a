@testable import Lunet
import XCTest

/// Triplet training through the one loop (`Trainer` over `TripletBatches`)
/// on real Omniglot with a small network.
final class TripletTrainerTests: XCTestCase {
    func trainer(_ sampler: TripletSampler, rounds: Int = 3, margin: Float = 0.2,
                 _ configure: (inout FitOptions) -> Void = { _ in }) throws -> Trainer {
        let dataset = try TripletFixtures.characters(12)
        let net = try TripletFixtures.network(width: 16, sigmoid: false)
        let source = try TripletBatches(dataset, sampler: sampler, loss: TripletLoss(margin: margin), batch: 32, steps: 10, seed: 5)
        var options = FitOptions()
        options.epochs = rounds
        configure(&options)
        return try Trainer(model: net, optimizer: Adam(module: net, learningRate: 1e-2), source: source, options: options)
    }

    func testShortTrainingLowersTheLoss() throws {
        let history = try trainer(RandomTripletSampler()).fit()
        XCTAssertEqual(history.stopReason, .completed)
        XCTAssertEqual(history.epochs.map(\.epoch), [0, 1, 2])
        let losses = history.epochs.map { $0["loss"]! }
        XCTAssertLessThan(losses[2], 0.8 * losses[0], "losses \(losses)")
        XCTAssertTrue(history.epochs.allSatisfy { $0["active"]! > 0 && $0["active"]! <= 1 && $0["embedded"] == 0 && $0.steps == 10 })
        XCTAssertEqual(history.epochs[0].logs.map(\.name), ["loss", "active", "embedded"])
    }

    func testHardMiningEmbedsTheAnchorsAndTheNegativeClassesEachStep() throws {
        let history = try trainer(HardestNegativeSampler(), rounds: 1).fit()
        let record = history.epochs[0]
        // 32 anchors and the 20 images of each of up to 11 other classes.
        XCTAssertGreaterThan(record["embedded"]!, 150)
        XCTAssertLessThanOrEqual(record["embedded"]!, 240)
        XCTAssertGreaterThan(record.batchSeconds, 0)
        XCTAssertNil(record.warning)
    }

    func testProgressIsOneLinePerRoundOffATerminalWithTheStop() throws {
        var text = ""
        var steps = 0
        let trainer = try self.trainer(RandomTripletSampler()) {
            $0.reporter = ProgressReporter(style: .lines, unit: "round", rate: "triplets/s", write: { text += $0 })
            $0.onBatch = { _, _, _ in steps += 1; return true }
        }
        let previous = Interruption.poll
        Interruption.poll = { steps >= 15 }
        defer { Interruption.poll = previous }
        _ = try trainer.fit()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 3, text)
        XCTAssertTrue(lines[0].hasPrefix("round 1/3  10/10  loss "), text)
        XCTAssertTrue(lines[0].contains("  active ") && lines[0].hasSuffix(" triplets/s"), text)
        XCTAssertEqual(lines[1], "interrupted during round 2: stopped after the last whole step")
        XCTAssertFalse(text.contains("\r"))
    }

    func testCtrlCStopsAtAStepBoundaryAndReturnsTheRoundsSoFar() throws {
        var checks = 0
        // Interrupt during the second round.
        let trainer = try self.trainer(RandomTripletSampler()) {
            $0.onBatch = { round, _, _ in if round == 1 { checks += 1 }; return true }
        }
        let previous = Interruption.poll
        Interruption.poll = { checks >= 3 }
        defer { Interruption.poll = previous }
        let history = try trainer.fit()
        XCTAssertEqual(history.stopReason, .interrupted)
        XCTAssertEqual(history.epochs.count, 1)
        XCTAssertEqual(history.stoppedEpoch, 1)
    }

    func testACollapsedNetworkIsReported() throws {
        let collapsed = try Tensor<Float>.full([6, 4], 0.5)
        XCTAssertEqual(CollapseCheck.warning(embeddings: collapsed, meanLoss: 0.2, activeFraction: 1, margin: 0.2),
                       "embeddings have collapsed: every embedding of the last batch lies within 0.001 of their mean (try a lower learning rate)")
        let spread = try Tensor<Float>.randn([6, 4], seed: 1)
        XCTAssertEqual(CollapseCheck.warning(embeddings: spread, meanLoss: 0.2, activeFraction: 1, margin: 0.2),
                       "the loss is stuck at the margin (0.2): the embeddings do not separate the triplets (try a lower learning rate)")
        XCTAssertNil(CollapseCheck.warning(embeddings: spread, meanLoss: 0.1, activeFraction: 0.6, margin: 0.2))
        // Nearly collapsed but not quite: one embedding 0.002 away.
        var near = try Tensor<Float>.full([6, 4], 0.5)
        try near.setValue(0.502, at: [5, 0])
        XCTAssertNil(CollapseCheck.warning(embeddings: near, meanLoss: 0.1, activeFraction: 0.6, margin: 0.2))
        XCTAssertEqual(CollapseCheck.largestDistanceFromMean(near), 0.002 * 5 / 6, accuracy: 1e-6)
    }
}
