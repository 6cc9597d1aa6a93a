import LunetLua
import XCTest

final class SequentialBackwardTests: LuaTestCase {
    /// Issue 11: no silent recompute. The Koch network in training mode
    /// (dropout, batch norm) refuses a backward that is not its forward's.
    func testBackwardInTrainingModeNeedsTheLastForwardsInput() throws {
        let setup = """
            local net = require("lunet.models").koch{size = 72, embedding = 8, seed = 1}
            local x = tensor.randn({2, 1, 72, 72}, {seed = 1})
            local g = tensor.ones({2, 8})
            net:forward(x)
            local dx = net:backward(x, g)

            """
        XCTAssertEqual(try run(setup + "return table.concat(dx:shape(), 'x')"), ["2x1x72x72"])
        assertError(setup + "net:backward(x, g)",
                    "test:6: nn.Sequential: in training mode, backward runs once per forward and this forward's backward already ran; run forward on it first (recomputing it here would redraw dropout masks and move batch-norm statistics)")
        assertError(setup + "net:backward(tensor.randn({2, 1, 72, 72}), g)",
                    "test:6: nn.Sequential: in training mode, backward needs the input of the last forward, and this is another input; run forward on it first (recomputing it here would redraw dropout masks and move batch-norm statistics)")
        // In evaluation mode the recompute is exact: the same gradient as after forward.
        XCTAssertEqual(try run(setup + """
            net:evaluate()
            local y = tensor.randn({2, 1, 72, 72}, {seed = 2})
            net:forward(y)
            local first = net:backward(y, g)
            net:forward(x)
            local second = net:backward(y, g)
            return (first - second):abs():max(), net:backward(y, g):equal(first)
            """), ["0.0", "true"])
    }
}
