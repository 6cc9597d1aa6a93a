import XCTest
@testable import LunetLua

/// `nn.*` constructors and `lunet.Module` methods as a Lua user meets them.
final class NNBindingsTests: LuaTestCase {
    func testForwardBackwardAndCall() throws {
        XCTAssertEqual(try run("""
            local fc = nn.Linear(4, 2, {seed = 1}):named("fc6")
            local x = tensor.randn({3, 4}, {seed = 2})
            local y = fc:forward(x)
            local dx = fc:backward(x, tensor.ones({3, 2}))
            local params, grads = fc:parameters()
            return tostring(fc), table.concat(y:shape(), "x"), table.concat(dx:shape(), "x"), #params,
                   table.concat(params[1]:shape(), "x"), grads[2]:sum(), fc(x):sum() == y:sum(), fc.name
            """), ["nn.Linear(4 -> 2) 'fc6'", "3x2", "3x4", "2", "2x4", "6.0", "true", "fc6"])
    }

    func testSequentialContainer() throws {
        XCTAssertEqual(try run("""
            local net = nn.Sequential{nn.Conv2d(1, 2, 3, {padding = "same", seed = 1}), nn.ReLU(),
                                      nn.MaxPool2d(2), nn.Flatten():named("code")}
            net:add(nn.Linear(8, 3, {seed = 2}):named("fc"))
            local x = tensor.randn({2, 1, 4, 4}, {seed = 3})
            local codes = net:outputs(x, {"code", "fc"})
            return #net, tostring(net:get(3)), table.concat(codes.code:shape(), "x"), table.concat(codes.fc:shape(), "x"),
                   table.concat(net:evaluate():backward(x, tensor.ones({2, 3})):shape(), "x"), net:get(5).weight:size(2)
            """), ["5", "nn.MaxPool2d(2x2)", "2x8", "2x3", "2x1x4x4", "8"])
        XCTAssertEqual(try eval("tostring(nn.Sequential{nn.Linear(2, 2):named('a'), nn.Tanh()})"),
                       ["nn.Sequential {\n  (1) 'a': nn.Linear(2 -> 2)\n  (2): nn.Tanh\n}"])
    }

    func testTrainingModeAndBuffers() throws {
        XCTAssertEqual(try run("""
            local bn = nn.BatchNorm2d(2, {momentum = 0.5})
            local x = tensor.ones({2, 2, 3, 3})
            bn:forward(x)
            local mean = bn.running_mean
            local drop = nn.Dropout(0.5, {seed = 1}):evaluate()
            local dropped = nn.Dropout(0.5, {seed = 1}):forward(x)
            return mean:sum(), bn.training, drop.training, drop:forward(x):sum(), (dropped * (dropped - 2)):sum()
            """), ["1.0", "true", "false", "36.0", "0.0"])
    }

    func testErrorsNameTheLayerAndTheOption() throws {
        assertError("nn.Linear(9216, 2048):named('fc6'):forward(tensor.zeros({2, 4096}))",
                    "test:1: nn.Linear(9216 -> 2048) 'fc6': input has 4096 features")
        assertError("nn.Conv2d(3, 96, 4, {paddin = 'same'})",
                    "test:1: unknown option 'paddin' for nn.Conv2d (did you mean 'padding'?)")
        assertError("nn.Conv2d(3, 96, 4, {padding = 'full'})",
                    "test:1: option 'padding' for nn.Conv2d must be 'valid', 'same' or a non-negative integer")
        assertError("nn.MaxPool2d('x')",
                    "test:1: bad argument #1 to 'MaxPool2d' (positive integer or pair {height, width} expected, got string)")
        assertError("nn.Sequential{nn.ReLU(), 3}", "test:1: bad argument #1 to 'Sequential' (item 2 is a number, expected an nn module)")
        assertError("nn.ReLU():add(nn.Tanh())", "test:1: nn.ReLU: add is only for nn.Sequential")
        assertError("nn.Sequential{}:get(2)", "test:1: nn.Sequential: index 2 out of range for 0 layers")
        assertError("nn.Linear(2, 2):forward(3)", "test:1: bad argument #1 to 'forward' (Float32 tensor expected, got number)")
    }

    func testSummaryAndHelp() throws {
        XCTAssertEqual(try run("""
            return lunet.doc(nn.Conv2d):match("^nn.Conv2d%(in, out, kernel") ~= nil,
                   lunet.doc(nn.Linear(2, 2)):match("m:forward%(x%)") ~= nil
            """), ["true", "true"])
        XCTAssertNoThrow(try run("nn.Sequential{nn.Flatten(), nn.Linear(12, 2)}:summary({3, 2, 2})"))
    }
}
