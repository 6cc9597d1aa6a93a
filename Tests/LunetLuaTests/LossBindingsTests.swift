import LunetLua
import XCTest

final class LossBindingsTests: LuaTestCase {
    func testCrossEntropyTakesOneBasedLabels() throws {
        // The engine test's PyTorch reference, with labels shifted to 1-based.
        let setup = """
            local logits = tensor.from({{1, 2, 0.5, -1}, {1000, 1001, 999, 1002}, {-3, 0, 3, 0.25}})
            local labels = tensor.from({2, 4, 1}, {dtype = 'int32'})
            local criterion = nn.CrossEntropy()
            """
        XCTAssertEqual(try run(setup + "return string.format('%.6f', criterion:forward(logits, labels))"), ["2.348432"])
        XCTAssertEqual(try run(setup + "local g = criterion:backward(logits, labels) return g:shape()[1], g:shape()[2], string.format('%.6f', g:get(1, 2))"),
                       ["3", "4", "-0.130180"])
        XCTAssertEqual(try eval("tostring(nn.CrossEntropy())"), ["nn.CrossEntropy()"])
    }

    func testCrossEntropyErrors() {
        let setup = "local c, x = nn.CrossEntropy(), tensor.zeros({2, 3}) "
        assertError(setup + "c:forward(x, tensor.from({1, 4}, {dtype = 'int32'}))",
                    "test:1: bad argument #2 to 'forward' (label 4 at position 2 is not a class in 1..3)")
        assertError(setup + "c:forward(x, tensor.from({0, 1}, {dtype = 'int32'}))",
                    "test:1: bad argument #2 to 'forward' (label 0 at position 1 is not a class in 1..3)")
        assertError(setup + "c:forward(x, tensor.from({1, 2}))",
                    "test:1: bad argument #2 to 'forward' (Int32 tensor expected, got Float32 tensor)")
        assertError(setup + "c:forward(x, tensor.from({1}, {dtype = 'int32'}))",
                    "test:1: nn.CrossEntropy: 2 logit rows need 2 targets, got Int32 tensor of shape 1")
    }

    func testTripletLossForwardAndBackward() throws {
        let setup = """
            local a = tensor.from({{0, 0}, {0, 0}})
            local p = tensor.from({{1, 0}, {2, 0}})
            local n = tensor.from({{0, 2}, {0, 1}})
            local criterion = nn.TripletLoss{margin = 0.5}
            """
        XCTAssertEqual(try run(setup + "return criterion:forward(a, p, n)"), ["1.75", "0.5"])
        XCTAssertEqual(try run(setup + "local da, dp, dn = criterion:backward(a, p, n) return da:get(2, 1), dp:get(2, 1), dn:get(2, 2)"),
                       ["-2.0", "2.0", "-1.0"])
        XCTAssertEqual(try run(setup + "return nn.TripletLoss{margin = 0.5, distance = 'euclidean'}:forward(a, p, n)"), ["0.75", "0.5"])
        XCTAssertEqual(try eval("tostring(nn.TripletLoss())"), ["nn.TripletLoss{margin = 0.2, distance = 'squared'}"])
    }

    func testTripletLossOptionsAreChecked() {
        assertError("nn.TripletLoss{margn = 1}", "test:1: unknown option 'margn' for nn.TripletLoss (did you mean 'margin'?)")
        assertError("nn.TripletLoss{distance = 'cosine'}",
                    "test:1: nn.TripletLoss: distance must be one of 'squared', 'euclidean', got 'cosine'")
        assertError("nn.TripletLoss():forward(tensor.zeros({2, 3}), tensor.zeros({2, 3}), tensor.zeros({3, 3}))",
                    "test:1: nn.TripletLoss{margin = 0.2, distance = 'squared'}: anchor, positive and negative must have one shape, got 2x3, 2x3 and 3x3")
    }

    func testCriteriaAreDocumented() throws {
        XCTAssertEqual(try eval("lunet.doc(nn.CrossEntropy)"), ["nn.CrossEntropy()\n  Softmax cross-entropy on logits [batch, classes] with class labels, mean over the batch (log-softmax fused, stable)."])
        XCTAssertTrue(try eval("lunet.doc(nn.CrossEntropy())")[0].hasPrefix("nn criterion: A loss (criterion)"))
    }
}
