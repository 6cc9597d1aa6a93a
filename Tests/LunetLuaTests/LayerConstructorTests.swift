import LunetLua
import XCTest

/// `nn.<Layer>` constructors are made from the layers' declarations: each
/// declared range is enforced, and `help` prints the declared signature.
final class LayerConstructorTests: LuaTestCase {
    func testOutOfRangeOptionsAreRefused() {
        assertError("nn.L2Normalize{eps = -1}", "test:1: nn.L2Normalize: eps must be positive, got -1")
        assertError("nn.Dropout(1)", "test:1: bad argument #1 to 'Dropout' (p must be in [0, 1), got 1)")
        assertError("nn.Dropout(0 / 0)", "test:1: bad argument #1 to 'Dropout' (p must be in [0, 1), got -nan)")
        assertError("nn.Linear(0, 3)", "test:1: bad argument #1 to 'Linear' (in must be an integer from 1 to 2^40, got 0)")
        assertError("nn.Linear(2, 3, {l2 = math.huge})", "test:1: nn.Linear: l2 must be a non-negative number, got inf")
        assertError("nn.Conv2d(2^25, 3, 3)", "test:1: bad argument #1 to 'Conv2d' (in must be an integer from 1 to 2^24, got 33554432.0)")
        assertError("nn.BatchNorm2d(3, {momentum = -0.5})", "test:1: nn.BatchNorm2d: momentum must be in [0, 1], got -0.5")
    }

    func testWrongTypesAndMissingArguments() {
        assertError("nn.Linear(2)", "test:1: bad argument #2 to 'Linear' (integer expected, got no value)")
        assertError("nn.Linear(2, 3, {bias = 1})", "test:1: option 'bias' for nn.Linear: boolean expected, got 1")
        assertError("nn.Linear(2, 3, {init = 'xavier'})", "test:1: nn.Linear: init must be one of 'glorot', 'he', got 'xavier'")
        assertError("nn.Linear(2, 3, {seed = 1.5})", "test:1: option 'seed' for nn.Linear: integer expected, got 1.5")
        assertError("nn.Linear(2, 3, {l2 = print})", "test:1: option 'l2' for nn.Linear: number expected, got function")
        assertError("nn.ReLU(3)", "test:1: bad argument #1 to 'ReLU' (options table expected, got number)")
        assertError("nn.Dropout(0.5, {p = 0.1})", "test:1: unknown option 'p' for nn.Dropout")
    }

    func testOptionalPositionalArgumentAndDefaults() throws {
        XCTAssertEqual(try eval("nn.Dropout(), nn.Dropout({seed = 1}), nn.Dropout(0.25, {seed = 1})"),
                       ["nn.Dropout(0.5)", "nn.Dropout(0.5)", "nn.Dropout(0.25)"])
        XCTAssertEqual(try eval("nn.MaxPool2d(3, {stride = 2, padding = 'same'}), nn.MaxPool2d({2, 3})"),
                       ["nn.MaxPool2d(3x3, stride 2, same)", "nn.MaxPool2d(2x3)"])
    }

    func testHelpPrintsTheDeclaration() throws {
        XCTAssertEqual(try eval("lunet.doc(nn.BatchNorm1d)"), ["""
            nn.BatchNorm1d(size[, {momentum=0.1, eps=1e-5}])
              Batch normalization of [batch, n] (PyTorch semantics: batch statistics in training, running ones in evaluation).
                Ranges: size >= 1, momentum in [0, 1], eps > 0.
            """])
        XCTAssertEqual(try eval("lunet.doc(nn.Linear):match('^[^\\n]*')"), ["nn.Linear(in, out[, {bias=true, init='glorot'|'he', seed=, l2=0}])"])
        XCTAssertEqual(try eval("lunet.doc(nn.Dropout):match('^[^\\n]*')"), ["nn.Dropout([p=0.5][, {seed=}])"])
        XCTAssertEqual(try eval("lunet.doc(nn.MaxPool2d):match('^[^\\n]*')"), ["nn.MaxPool2d(kernel[, {stride=kernel, padding='valid'|'same'}])"])
        XCTAssertEqual(try eval("lunet.doc(nn.L2Normalize):match('^[^\\n]*')"), ["nn.L2Normalize([{eps=1e-12}])"])
        XCTAssertEqual(try eval("lunet.doc(nn.ReLU):match('^[^\\n]*')"), ["nn.ReLU()"])
        // Every declared layer is a constructor in nn, and builds with its required arguments.
        XCTAssertEqual(try eval("""
            (function()
              local names = {}
              for _, name in ipairs({'Linear', 'Conv2d', 'MaxPool2d', 'BatchNorm1d', 'BatchNorm2d', 'Dropout',
                                     'ReLU', 'Sigmoid', 'Tanh', 'Flatten', 'L2Normalize', 'Sequential'}) do
                assert(type(nn[name]) == 'function', name)
                names[#names + 1] = name
              end
              return #names
            end)()
            """), ["12"])
    }
}
