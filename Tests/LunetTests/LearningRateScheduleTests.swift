import Lunet
import XCTest

/// Step and cosine schedules against PyTorch 1.13's StepLR and
/// CosineAnnealingLR (bench/reference/make_loop_references.py, output in
/// bench/reference/loop_references.txt): the rate each epoch trains with.
final class LearningRateScheduleTests: XCTestCase {
    func rates(_ kind: LearningRateSchedule.Kind, epochs: Int) throws -> [Double] {
        let schedule = try LearningRateSchedule(kind, initial: 0.1)
        return (0..<epochs).map { schedule.rate(at: $0) }
    }

    func assertClose(_ actual: [Double], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-12 * Swift.max(1, Swift.abs(e)), file: file, line: line) }
    }

    func testStepAgainstPyTorch() throws {
        assertClose(try rates(.step(every: 3, gamma: 0.5), epochs: 10),
                    [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125])
    }

    func testCosineAgainstPyTorch() throws {
        assertClose(try rates(.cosine(epochs: 4, minimum: 0.01), epochs: 12),
                    [0.1, 0.08681980515339464, 0.05500000000000001, 0.023180194846605363, 0.01, 0.023180194846605363,
                     0.05500000000000002, 0.08681980515339469, 0.10000000000000006, 0.0868198051533947, 0.05500000000000005,
                     0.023180194846605412])
        assertClose(try rates(.cosine(epochs: 5, minimum: 0), epochs: 6),
                    [0.1, 0.09045084971874738, 0.06545084971874737, 0.03454915028125263, 0.009549150281252633, 0.0])
    }

    func testTheOptimizerTakesEachEpochsRate() throws {
        let net = try Linear(2, 2, seed: 1)
        let optimizer = try SGD(module: net, learningRate: 0.1)
        let schedule = try LearningRateSchedule(.step(every: 2, gamma: 0.1), initial: 0.1)
        XCTAssertEqual(schedule.advance(optimizer), 0.1, accuracy: 1e-15)
        XCTAssertEqual(schedule.advance(optimizer), 0.01, accuracy: 1e-15)
        XCTAssertEqual(optimizer.learningRate, Float(0.1 * 0.1))
        XCTAssertEqual(schedule.epoch, 2)
        schedule.apply(epoch: 0, to: optimizer)
        XCTAssertEqual(optimizer.learningRate, 0.1)
    }

    func testBadSettingsAreRefused() {
        XCTAssertThrowsError(try LearningRateSchedule(.step(every: 0, gamma: 0.1), initial: 0.1)) { error in
            XCTAssertEqual((error as? LunetError)?.message, "schedule: every must be a positive integer, got 0")
        }
        XCTAssertThrowsError(try LearningRateSchedule(.cosine(epochs: 3, minimum: -1), initial: 0.1)) { error in
            XCTAssertEqual((error as? LunetError)?.message, "schedule: minimum must be a non-negative number, got -1.0")
        }
    }
}
