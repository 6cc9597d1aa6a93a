import LunetLua
import XCTest

/// What `print` and the REPL show for lunet values, and what a scalar
/// tensor's messages say.
final class ReplDisplayTests: LuaTestCase {
    func testTensorsPrintTheirValuesShortened() throws {
        XCTAssertEqual(try eval("tensor.arange(200)"),
                       ["  0.0000   1.0000   2.0000 ... 197.0000 198.0000 199.0000\n[Float32 tensor of shape 200]"])
        XCTAssertEqual(try eval("tensor.full({}, 2.5)"), ["2.5000\n[Float32 scalar tensor (0 dimensions)]"])
        let lines = try eval("tensor.zeros({100, 3, 64, 64})")[0].split(separator: "\n")
        XCTAssertEqual(lines.first, "(1,1,.,.) =")
        XCTAssertEqual(lines.last, "[Float32 tensor of shape 100x3x64x64]")
    }

    /// The REPL prints through the global print as lua does, so a `__tostring`
    /// that raises or recurses forever is an error the user sees, not a silent `(table)`.
    func testFailingToStringIsReported() throws {
        let session = ReplSession(state: lua)
        try run("bad = setmetatable({}, {__tostring = function() error('no text', 0) end})")
        XCTAssertEqual(session.evaluate("bad"), .failure("error calling 'print' (no text)"))
        try run("deep = setmetatable({}, {__tostring = function(s) return tostring(s) end})")
        guard case .failure(let message) = session.evaluate("deep") else { return XCTFail("recursion was not reported") }
        XCTAssertTrue(message.hasPrefix("error calling 'print' ("), message)
        try run("print = nil")
        XCTAssertEqual(session.evaluate("1 + 1"), .failure("error calling 'print' (attempt to call a nil value)"))
        XCTAssertEqual(session.evaluate("x = 1"), .ran)
    }

    func testClassListPrintsItsNames() throws {
        try run("""
            names, labels = {}, {} for i = 1, 12 do names[i], labels[i] = 'c' .. i, i end
            ds = data.dataset(tensor.zeros({12, 1, 2, 2}, {dtype = 'uint8'}), tensor.from(labels, {dtype = 'int32'}), {classes = names})
            """)
        XCTAssertEqual(try eval("ds.classes"), ["{'c1', 'c2', 'c3', ..., 'c10', 'c11', 'c12'} (12 classes)"])
        XCTAssertEqual(try eval("ds:classes{'c2', 5}.classes"), ["{'c2', 'c5'} (2 classes)"])
        XCTAssertEqual(try eval("ds:classes{12}.classes"), ["{'c12'} (1 class)"])
        // Still a list of names.
        XCTAssertEqual(try eval("#ds.classes, ds.classes[12], type(ds.classes)"), ["12", "c12", "table"])
    }

    func testScalarTensorMessagesSaySo() throws {
        try run("s = tensor.full({}, 3)")
        assertError("s:get(1)", "test:1: get: Float32 scalar tensor (0 dimensions) takes no index (x:get() reads its value), got 1")
        XCTAssertEqual(try eval("s:get()"), ["3.0"])
        assertError("s:set(1, 5)", "test:1: Float32 scalar tensor (0 dimensions) takes no index, got 1")
        assertError("s:size(1)", "test:1: bad argument #1 to 'size' (a scalar tensor (0 dimensions) has no dimension 1)")
        assertError("s:narrow(1, 1, 1)", "test:1: bad argument #1 to 'narrow' (a scalar tensor (0 dimensions) has no dimension 1)")
        assertError("s:topk(1)", "test:1: topk: expected at least one dimension, got Float32 scalar tensor (0 dimensions)")
        assertError("tensor.zeros(2):get()", "test:1: get: Float32 tensor of shape 2 takes 1 index, got 0")
        assertError("tensor.zeros(2, 2):get(1, 1, 1)", "test:1: get: Float32 tensor of shape 2x2 takes 1 to 2 indices, got 3")
        assertError("nn.Linear(2, 2):forward(s)", "test:1: nn.Linear(2 -> 2): expected a 2-d input [batch, 2], got shape scalar (0 dimensions)")
        XCTAssertEqual(try eval("s:set(5):get()"), ["5.0"])
    }
}
