import Lunet
import XCTest

/// The loops' guarded optimizer step (`step(ifFinite:)`): the same weights
/// as `step()` when the update is finite, bit for bit; nothing of the
/// weights changed when it is not.
final class GuardedStepTests: XCTestCase {
    /// `count` seeded values, each parameter its own stream.
    func parameters(_ counts: [Int], seed: UInt64) throws -> [Parameter] {
        try counts.enumerated().map { index, count in
            let p = try Parameter(name: "p\(index)", value: try Tensor<Float>.randn([count], seed: seed + UInt64(index)))
            p.l2 = index == 1 ? 0.01 : 0
            return p
        }
    }

    func setGradients(_ parameters: [Parameter], step: Int) throws {
        for (index, p) in parameters.enumerated() {
            p.gradient = try Tensor<Float>.randn([p.value.count], seed: UInt64(100 * step + index))
        }
    }

    /// Three steps of a plain and a guarded copy of one optimizer from the same start.
    func assertGuardedEqualsPlain(_ make: ([Parameter]) throws -> Optimizer, file: StaticString = #filePath, line: UInt = #line) throws {
        // 1,003 elements: the eight-wide loops and their scalar tails.
        let plain = try parameters([1_003, 17], seed: 1), guarded = try parameters([1_003, 17], seed: 1)
        let (a, b) = (try make(plain), try make(guarded))
        for step in 0..<3 {
            try setGradients(plain, step: step)
            try setGradients(guarded, step: step)
            try a.step()
            XCTAssertTrue(try b.step(ifFinite: { $0 }), file: file, line: line)
            for (x, y) in zip(plain, guarded) { XCTAssertEqual(x.value.scalars, y.value.scalars, file: file, line: line) }
        }
        XCTAssertEqual(b.stepCount, 3, file: file, line: line)
    }

    func testGuardedStepsEqualPlainSteps() throws {
        try assertGuardedEqualsPlain { try Adam(parameters: $0, learningRate: 0.01) }
        try assertGuardedEqualsPlain { try Adam(parameters: $0, learningRate: 0.01, amsgrad: true, weightDecay: 0.1) }
        try assertGuardedEqualsPlain { try SGD(parameters: $0, learningRate: 0.1) }
        try assertGuardedEqualsPlain { try SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01) }
    }

    /// lr 1e38 on gradients of 10: the update overflows to -inf, so it is
    /// refused; the weights, the step count and the finite moments stay.
    func testAnUpdateToInfinityIsRefused() throws {
        for make in [{ try SGD(parameters: $0, learningRate: 1e38) } as ([Parameter]) throws -> Optimizer,
                     { try SGD(parameters: $0, learningRate: 1e38, momentum: 0.5) }] {
            let parameters = try parameters([9, 3], seed: 2)
            let optimizer = try make(parameters)
            let before = parameters.map(\.value.scalars)
            for p in parameters { p.gradient = try Tensor(shape: p.value.shape, repeating: 10) }
            var vote: Bool?
            XCTAssertFalse(try optimizer.step(ifFinite: { vote = $0; return $0 }))
            XCTAssertEqual(vote, false)
            XCTAssertEqual(parameters.map(\.value.scalars), before)
            XCTAssertEqual(optimizer.stepCount, 0)
        }
        // A NaN gradient: Adam refuses it and its moments stay finite, so a
        // later finite step trains as if the refused one had not come.
        let parameters = try parameters([20], seed: 3), reference = try self.parameters([20], seed: 3)
        let adam = try Adam(parameters: parameters, learningRate: 0.01), plain = try Adam(parameters: reference, learningRate: 0.01)
        parameters[0].gradient = try Tensor(shape: [20], scalars: (0..<20).map { $0 == 4 ? .nan : 0 })
        let before = parameters[0].value.scalars
        XCTAssertFalse(try adam.step(ifFinite: { $0 }))
        XCTAssertEqual(parameters[0].value.scalars, before)
        parameters[0].gradient = try Tensor(shape: [20], repeating: 0.5)
        reference[0].gradient = try Tensor(shape: [20], repeating: 0.5)
        XCTAssertTrue(try adam.step(ifFinite: { $0 }))
        try plain.step()
        XCTAssertTrue(parameters[0].value.scalars.allSatisfy(\.isFinite))
        XCTAssertEqual(parameters[0].value.scalars, reference[0].value.scalars)
    }

    /// The ranks' vote decides: a finite update that another rank refuses is not applied.
    func testTheVoteDecides() throws {
        let parameters = try parameters([5], seed: 4)
        let optimizer = try SGD(parameters: parameters, learningRate: 0.1)
        let before = parameters[0].value.scalars
        parameters[0].gradient = try Tensor(shape: [5], repeating: 1)
        XCTAssertFalse(try optimizer.step(ifFinite: { _ in false }))
        XCTAssertEqual(parameters[0].value.scalars, before)
    }

    /// A copy of a weight taken before the step keeps its values (copy on write).
    func testCopiesKeepTheirValues() throws {
        let parameters = try parameters([6], seed: 5)
        let copy = parameters[0].value
        let before = copy.scalars
        let optimizer = try Adam(parameters: parameters, learningRate: 0.1)
        parameters[0].gradient = try Tensor(shape: [6], repeating: 1)
        XCTAssertTrue(try optimizer.step(ifFinite: { $0 }))
        XCTAssertEqual(copy.scalars, before)
        XCTAssertNotEqual(parameters[0].value.scalars, before)
    }
}
