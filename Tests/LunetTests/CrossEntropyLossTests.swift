import Lunet
import XCTest

final class CrossEntropyLossTests: XCTestCase {
    // Inputs and PyTorch 1.13's outputs from bench/reference/make_optim_references.py.
    let logits = try! Tensor<Float>(shape: [3, 4], scalars: [1, 2, 0.5, -1, 1000, 1001, 999, 1002, -3, 0, 3, 0.25])
    let targets = try! Tensor<Int32>(shape: [3], scalars: [1, 3, 0])
    let referenceLoss: Float = 2.3484320640563965
    let referenceGradient: [Float] = [0.07473593950271606, -0.1301799863576889, 0.045329637825489044, 0.010114410892128944, 0.02904811128973961, 0.07896094024181366, 0.01068620290607214, -0.11869524419307709, -0.3325931131839752, 0.014868110418319702, 0.29863396286964417, 0.019091032445430756]

    func testMatchesPyTorch() throws {
        let loss = CrossEntropyLoss()
        XCTAssertEqual(try loss.forward(logits, targets), referenceLoss, accuracy: 1e-6)
        let gradient = try loss.backward(logits, targets).scalars
        for (g, r) in zip(gradient, referenceGradient) { XCTAssertEqual(g, r, accuracy: 1e-7) }
        let (fused, fusedGradient) = try loss.lossAndGradient(logits, targets)
        XCTAssertEqual(fused, try loss.forward(logits, targets))
        XCTAssertEqual(fusedGradient.scalars, gradient)
    }

    func testGradientMatchesFiniteDifferences() throws {
        let loss = CrossEntropyLoss()
        let x = try Tensor<Float>.randn([5, 7], seed: 3)
        let y = try Tensor<Int32>(shape: [5], scalars: [0, 6, 3, 3, 1])
        let numeric = try GradientCheck.numerical(x, step: 1e-2) { try loss.forward($0, y) }
        GradientCheck.assertClose(try loss.backward(x, y).scalars, numeric, tolerance: 1e-3)
    }

    func testStableForExtremeLogits() throws {
        let x = try Tensor<Float>(shape: [2, 3], scalars: [1e30, -1e30, 0, -80, -80, -80])
        let y = try Tensor<Int32>(shape: [2], scalars: [1, 2])
        let loss = try CrossEntropyLoss().forward(x, y)
        // Row 1: -log softmax = 2e30 (finite in Float only through the shift); row 2: log 3.
        XCTAssertTrue(loss.isFinite)
        XCTAssertEqual(loss, (2e30 + logf(3)) / 2, accuracy: 1e24)
        XCTAssertFalse(try CrossEntropyLoss().backward(x, y).scalars.contains { !$0.isFinite })
    }

    func testRejectsBadTargets() throws {
        let loss = CrossEntropyLoss()
        XCTAssertThrowsError(try loss.forward(logits, try Tensor<Int32>(shape: [3], scalars: [0, 4, 1]))) {
            XCTAssertEqual("\($0)", "CrossEntropyLoss: row 1: class 4 out of range for 4 classes")
        }
        XCTAssertThrowsError(try loss.forward(logits, try Tensor<Int32>(shape: [2], scalars: [0, 1]))) {
            XCTAssertEqual("\($0)", "CrossEntropyLoss: 3 logit rows need 3 targets, got Int32 tensor of shape 2")
        }
        XCTAssertThrowsError(try loss.forward(try Tensor<Float>.zeros([4]), targets)) {
            XCTAssertEqual("\($0)", "CrossEntropyLoss: logits must be a non-empty batch x classes matrix, got Float32 tensor of shape 4")
        }
    }
}
