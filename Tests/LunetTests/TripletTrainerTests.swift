@testable import Lunet
import XCTest

/// `triplet.fit`'s engine on real Omniglot with a small network.
final class TripletTrainerTests: XCTestCase {
    func trainer(_ sampler: TripletSampler, rounds: Int = 3, margin: Float = 0.2) throws -> TripletTrainer {
        let dataset = try TripletFixtures.characters(12)
        let net = try TripletFixtures.network(width: 16, sigmoid: false)
        return try TripletTrainer(network: net, dataset: dataset, sampler: sampler,
                                  optimizer: Adam(module: net, learningRate: 1e-2), loss: TripletLoss(margin: margin),
                                  batch: 32, steps: 10, rounds: rounds, seed: 5)
    }

    func testShortTrainingLowersTheLoss() throws {
        let history = try trainer(RandomTripletSampler()).fit()
        XCTAssertEqual(history.stopReason, "completed")
        XCTAssertEqual(history.rounds.map(\.round), [1, 2, 3])
        let losses = history.rounds.map(\.loss)
        XCTAssertLessThan(losses[2], 0.8 * losses[0], "losses \(losses)")
        XCTAssertTrue(history.rounds.allSatisfy { $0.activeFraction > 0 && $0.activeFraction <= 1 && $0.embeddedPerStep == 0 })
    }

    func testHardMiningEmbedsTheAnchorsAndTheNegativeClassesEachStep() throws {
        let history = try trainer(HardestNegativeSampler(), rounds: 1).fit()
        let log = history.rounds[0]
        // 32 anchors and the 20 images of each of up to 11 other classes.
        XCTAssertGreaterThan(log.embeddedPerStep, 150)
        XCTAssertLessThanOrEqual(log.embeddedPerStep, 240)
        XCTAssertGreaterThan(log.miningSeconds, 0)
        XCTAssertNil(log.warning)
    }

    func testProgressIsOneLinePerRoundOffATerminalWithTheStop() throws {
        let trainer = try self.trainer(RandomTripletSampler())
        var text = ""
        trainer.reporter = ProgressReporter(style: .lines, unit: "round", rate: "triplets/s", write: { text += $0 })
        let previous = Interruption.poll
        var steps = 0
        trainer.onStep = { _, _, _ in steps += 1 }
        Interruption.poll = { steps >= 15 }
        defer { Interruption.poll = previous }
        _ = try trainer.fit()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 3, text)
        XCTAssertTrue(lines[0].hasPrefix("round 1/3  10/10  loss "), text)
        XCTAssertTrue(lines[0].contains("  active ") && lines[0].hasSuffix(" triplets/s"), text)
        XCTAssertEqual(lines[1], "interrupted: stopped at a step boundary after 1 complete round")
        XCTAssertFalse(text.contains("\r"))
    }

    func testCtrlCStopsAtAStepBoundaryAndReturnsTheRoundsSoFar() throws {
        let trainer = try self.trainer(RandomTripletSampler())
        var checks = 0
        let previous = Interruption.poll
        // Interrupt during the second round.
        trainer.onStep = { round, _, _ in if round == 2 { checks += 1 } }
        Interruption.poll = { checks >= 3 }
        defer { Interruption.poll = previous }
        let history = try trainer.fit()
        XCTAssertEqual(history.stopReason, "interrupted")
        XCTAssertEqual(history.rounds.count, 1)
    }

    func testACollapsedNetworkIsReported() throws {
        let collapsed = try Tensor<Float>.full([6, 4], 0.5)
        XCTAssertEqual(CollapseCheck.warning(embeddings: collapsed, meanLoss: 0.2, activeFraction: 1, margin: 0.2),
                       "embeddings have collapsed: all pairwise distances in the last batch are below 1e-06 (try a lower learning rate)")
        let spread = try Tensor<Float>.randn([6, 4], seed: 1)
        XCTAssertEqual(CollapseCheck.warning(embeddings: spread, meanLoss: 0.2, activeFraction: 1, margin: 0.2),
                       "the loss is stuck at the margin (0.2): the embeddings do not separate the triplets (try a lower learning rate)")
        XCTAssertNil(CollapseCheck.warning(embeddings: spread, meanLoss: 0.1, activeFraction: 0.6, margin: 0.2))
    }
}
