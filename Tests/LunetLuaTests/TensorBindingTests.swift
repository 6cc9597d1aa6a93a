import LunetLua
import XCTest

final class TensorBindingTests: LuaTestCase {
    func testCreationPrintsShortViews() throws {
        XCTAssertEqual(try eval("tostring(tensor.zeros({100, 3, 64, 64})):match('[^\\n]+$')"), ["[Float32 tensor of shape 100x3x64x64]"])
        XCTAssertEqual(try eval("tensor.from({{1, 2}, {3, 4}})"), ["1.0000 2.0000\n3.0000 4.0000\n[Float32 tensor of shape 2x2]"])
        XCTAssertEqual(try eval("tensor.ones(2, 3, {dtype = 'uint8'}):shape()[2], tensor.ones(2, 3):numel()"), ["3", "6"])
        XCTAssertEqual(try eval("tensor.full({2}, 7, {dtype = 'int32'})"), ["7 7\n[Int32 tensor of shape 2]"])
        XCTAssertEqual(try eval("tensor.arange(4):sum(), tensor.arange(3, {dtype = 'int32'}):type()"), ["6.0", "Int32"])
        XCTAssertEqual(try eval("tostring(tensor.rand({3}, {seed = 1}):equal(tensor.rand({3}, {seed = 1})))"), ["true"])
        XCTAssertEqual(try eval("tensor.rand({3}, {seed = 1}):equal(tensor.rand({3}, {seed = 2}))"), ["false"])
    }

    func testManualSeedMakesUnseededCallsReproducible() throws {
        let first = try eval("(function() tensor.manualSeed(5); return tensor.randn({4}):totable()[4] end)()")
        let second = try eval("(function() tensor.manualSeed(5); return tensor.randn({4}):totable()[4] end)()")
        XCTAssertEqual(first, second)
    }

    func testMathReductionsAndIndicesAreOneBased() throws {
        try run("x = tensor.from({{1, 5, 3}, {4, 2, 6}})")
        XCTAssertEqual(try eval("x:sum(), x:mean(), x:max(), x:min(), x:argmax()"), ["21.0", "3.5", "6.0", "1.0", "6"])
        XCTAssertEqual(try eval("x:sum(1):totable()[3], x:argmax(2):totable()[1], x:max(2):totable()[2]"), ["9.0", "2", "6.0"])
        XCTAssertEqual(try eval("x:get(2, 3), x:get(1):totable()[2]"), ["6.0", "5.0"])
        XCTAssertEqual(try eval("x:clone():set(1, 1, -1):get(1, 1), x:get(1, 1)"), ["-1.0", "1.0"])
        XCTAssertEqual(try eval("x:index({2, 1}):get(1, 1), x:index(tensor.from({3}, {dtype = 'int32'}), 2):totable()[2][1]"), ["4.0", "6.0"])
        XCTAssertEqual(try eval("x:narrow(2, 2, 2):totable()[2][2], x:t():shape()[1], x:reshape(3, 2):get(3, 1)"), ["6.0", "3", "2.0"])
        let topk = try eval("(function() local v, i = x:topk(2); return v:get(2, 1), i:get(2, 1), i:type() end)()")
        XCTAssertEqual(topk, ["6.0", "3", "Int32"])
        XCTAssertEqual(try eval("(function() local v, i = x:sort(); return v:get(1, 1), i:get(1, 3) end)()"), ["1.0", "2"])
        XCTAssertEqual(try eval("(x * 2 + 1 - x / x):get(2, 3), (-x):get(1, 2), (10 - x):get(1, 1)"), ["12.0", "-5.0", "9.0"])
        XCTAssertEqual(try eval("(x + tensor.from({10, 20, 30})):get(2, 2), #x"), ["22.0", "2"])
        XCTAssertEqual(try eval("x:matmul(x:t()):get(1, 2), string.format('%.6f', tensor.from({{3, 4}}):normalize():get(1, 2))"), ["32.0", "0.800000"])
        XCTAssertEqual(try eval("tensor.from({-1, 4}):abs():sqrt():totable()[2], tensor.from({-2, 9}):clamp(0, 3):totable()[2]"), ["2.0", "3.0"])
        XCTAssertEqual(try eval("tensor.cat({x, x}, 1):shape()[1], tensor.stack({x, x}):dim()"), ["4", "3"])
        XCTAssertEqual(try eval("tensor.from({0, 51, 255}, {dtype = 'uint8'}):float({scale = true}):get(2) == tensor.from({0.2}):get(1)"), ["true"])
        XCTAssertEqual(try eval("tensor.from({0.2, 2.7}):byte():totable()[2], tensor.from({-2.7}):int():get(1)"), ["3", "-2"])
        XCTAssertEqual(try eval("x:totable()[2][3], tensor.from({1, 2}, {dtype = 'int32'}):totable()[2]"), ["6.0", "2"])
    }

    func testArgumentErrorsUseLauxlibWords() {
        assertError("local a = tensor.zeros(2, 2); a:matmul('x')",
                    "test:1: bad argument #1 to 'matmul' (Float32 tensor expected, got string)")
        assertError("tensor.zeros(2, 2):matmul(tensor.zeros(3, 2))", "test:1: matmul: inner sizes differ, 2x2 x 3x2")
        assertError("local _ = tensor.zeros(2, 3) + tensor.zeros(3, 2)", "test:1: add: shapes 2x3 and 3x2 do not match")
        assertError("tensor.zeros('a')", "test:1: bad argument #1 to 'zeros' (table of sizes expected, got string)")
        assertError("tensor.rand({2}, {sed = 1})", "test:1: unknown option 'sed' for tensor.rand (did you mean 'seed'?)")
        assertError("tensor.zeros(2):get(3)", "test:1: index 3 out of range for dimension 1 of size 2")
        assertError("tensor.zeros(2):sum(2)", "test:1: bad argument #1 to 'sum' (dimension 2 out of range for a tensor with 1 dimension)")
        assertError("local _ = tensor.zeros(2, {dtype = 'uint8'}) * 2", "test:1: bad argument #1 to 'mul' (Float32 tensor expected, got UInt8 tensor)")
        assertError("tensor.from({{1, 2}, {3}})", "test:1: bad argument #1 to 'from' (nested tables are not rectangular: 2 and 1)")
        assertError("tensor.zeros(2, {dtype = 'float64'})", "test:1: tensor.zeros: dtype must be one of 'float32', 'uint8', 'int32', got 'float64'")
        assertError("tensor.load('/nonexistent.npy')", "test:1: cannot read '/nonexistent.npy': no such file")
    }

    func testErrorsCaughtByPcallLeakNoSwiftObject() throws {
        lua.collectGarbage()
        let before = TensorBox.liveCount
        try run("""
            for i = 1, 50 do
              local ok = pcall(function()
                local a = tensor.rand({10, 10})
                local b = a:matmul(a) + 1
                return tensor.cat({a, b, 'oops'}, 1)
              end)
              assert(not ok)
            end
            """)
        lua.collectGarbage()
        XCTAssertEqual(TensorBox.liveCount, before)
        XCTAssertEqual(try eval("tensor.ones(3):sum()"), ["3.0"])
    }

    func testCollectorSeesTensorMemory() throws {
        // 2,000 tensors of 4 MB each: without reporting their bytes to Lua's
        // collector, the process would hold 8 GB before Lua ever collects.
        try run("for i = 1, 2000 do local x = tensor.zeros(1000, 1000) end")
        XCTAssertLessThan(TensorBox.liveCount, 200)
    }

    func testGcTwiceIsSafe() throws {
        try run("local x = tensor.zeros(2); local gc = debug.getmetatable(x).__gc; gc(x); gc(x)")
        assertError("local x = tensor.zeros(2); debug.getmetatable(x).__gc(x); return x:sum()",
                    "test:1: calling 'sum' on bad self (tensor expected, got userdata)")
    }

    func testOtherUserdataIsNeverTakenForABox() throws {
        XCTAssertEqual(try eval("getmetatable(tensor.zeros(1))"), ["lunet.Tensor"])
        // Neither lunet's __gc nor a copied marker makes a file handle a box.
        try run("debug.getmetatable(tensor.zeros(2)).__gc(io.stdout)")
        try run("debug.getmetatable(io.stdout).__lunet = true")
        XCTAssertEqual(try eval("tensor.isTensor(io.stdout)"), ["false"])
        XCTAssertEqual(try eval("io.stdout ~= nil and io.type(io.stdout)"), ["file"])
    }

    func testSaveAndLoadNpyFromLua() throws {
        let path = NSTemporaryDirectory() + "lunet-binding-\(getpid()).npy"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try run("x = tensor.randn({3, 4}, {seed = 3}); x:save('\(path)')")
        XCTAssertEqual(try eval("tensor.load('\(path)'):equal(x)"), ["true"])
    }

    func testHelpDocumentsEveryBinding() throws {
        XCTAssertEqual(try eval("lunet.doc(tensor.zeros)"), ["tensor.zeros(shape[, {dtype='float32'|'uint8'|'int32'}])\n  A tensor of zeros; shape is a table {2, 3} or sizes 2, 3.\n    dtype: the element type"])
        XCTAssertTrue(try eval("lunet.doc(tensor)")[0].hasPrefix("tensor: n-dimensional arrays"))
        XCTAssertTrue(try eval("lunet.doc(tensor.zeros(1))")[0].contains("a:matmul(b)"))
        XCTAssertTrue(try eval("lunet.doc()")[0].contains("tensor"))
        // Every binding of every library has a signature and a doc line.
        let undocumented = try eval("""
            (function()
              local missing = {}
              for _, t in ipairs({tensor, getmetatable(tensor.zeros(1)).__methods}) do
                for name, f in pairs(t) do
                  local text = lunet.doc(f)
                  if text:find('no documentation') then missing[#missing + 1] = name end
                end
              end
              return #missing
            end)()
            """)
        XCTAssertEqual(undocumented, ["0"])
    }

    func testCompletionListsGlobalsFieldsAndMethods() throws {
        XCTAssertEqual(lua.completions(for: "tensor.ze"), ["tensor.zeros"])
        XCTAssertTrue(lua.completions(for: "tens").contains("tensor"))
        try run("x = tensor.zeros(2)")
        XCTAssertEqual(lua.completions(for: "x:mat"), ["x:matmul"])
        XCTAssertEqual(lua.completions(for: "nothing.here"), [])
    }
}
