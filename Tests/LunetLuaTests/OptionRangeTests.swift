import LunetLua
import XCTest

/// Every numeric option of the tensor, optim and data bindings is checked
/// against its range (`NumberRange`, the vocabulary layers declare theirs in).
final class OptionRangeTests: LuaTestCase {
    func testTensorConstructorOptions() throws {
        assertError("tensor.randn({2}, {std = -1})", "test:1: tensor.randn: std must be a non-negative number, got -1")
        assertError("tensor.randn({2}, {std = 0 / 0})", "test:1: tensor.randn: std must be a non-negative number, got -nan")
        assertError("tensor.randn({2}, {mean = math.huge})", "test:1: tensor.randn: mean must be a finite number, got inf")
        assertError("tensor.rand({2}, {low = 0 / 0})", "test:1: tensor.rand: low must be a finite number, got -nan")
        assertError("tensor.rand({2}, {high = -math.huge})", "test:1: tensor.rand: high must be a finite number, got -inf")
        XCTAssertEqual(try eval("tensor.randn({3}, {std = 0, mean = 2}):sum()"), ["6.0"])
    }

    func testOptimizerOptions() throws {
        try run("m = nn.Linear(2, 2)")
        assertError("optim.SGD(m, {lr = -1})", "test:1: optim.SGD: lr must be a non-negative number, got -1")
        assertError("optim.SGD(m, {momentum = 2})", "test:1: optim.SGD: momentum must be in [0, 1), got 2")
        assertError("optim.SGD(m, {weightDecay = -0.5})", "test:1: optim.SGD: weightDecay must be a non-negative number, got -0.5")
        assertError("optim.Adam(m, {lr = math.huge})", "test:1: optim.Adam: lr must be a non-negative number, got inf")
        assertError("optim.Adam(m, {beta1 = 1})", "test:1: optim.Adam: beta1 must be in [0, 1), got 1")
        assertError("optim.Adam(m, {beta2 = -0.1})", "test:1: optim.Adam: beta2 must be in [0, 1), got -0.1")
        assertError("optim.Adam(m, {eps = -1e-9})", "test:1: optim.Adam: eps must be a non-negative number, got -1e-09")
        assertError("optim.Adam(m, {weightDecay = 0 / 0})", "test:1: optim.Adam: weightDecay must be a non-negative number, got -nan")
        XCTAssertEqual(try eval("optim.SGD(m, {lr = 0, momentum = 0.9})"), ["optim.SGD{lr = 0, momentum = 0.9, nesterov = false, weightDecay = 0}"])
    }
}
