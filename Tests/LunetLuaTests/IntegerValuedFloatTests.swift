import LunetLua
import XCTest

/// Lua 5.4 converts a float with an exact integer value to an integer wherever
/// an integer is expected (`lua_tointegerx`); every binding does the same, and
/// a float with a fraction is refused with a message that shows it.
final class IntegerValuedFloatTests: LuaTestCase {
    func testShapesInTablesAcceptIntegerValuedFloats() throws {
        XCTAssertEqual(try eval("tensor.zeros({2.0, 4/2})"), ["0.0000 0.0000\n0.0000 0.0000\n[Float32 tensor of shape 2x2]"])
        XCTAssertEqual(try eval("tostring(tensor.zeros({2.0, 4/2})) == tostring(tensor.zeros(2, 2))"), ["true"])
        XCTAssertEqual(try eval("table.concat(tensor.arange(6):reshape({3.0, 6/3}):size(), 'x')"), ["3x2"])
    }

    func testIndexTablesAndSizesAcceptIntegerValuedFloats() throws {
        XCTAssertEqual(try eval("tensor.arange(4):index({1.0, 8/2}):totable()[2]"), ["3.0"])
        XCTAssertEqual(try eval("nn.Conv2d(2.0, 4/2, {3.0, 3}, {stride = 2.0, padding = 1.0})"),
                       ["nn.Conv2d(2 -> 2, 3x3, stride 2, padding 1)"])
        XCTAssertEqual(try eval("nn.MaxPool2d(2.0, {stride = {1.0, 2}})"), ["nn.MaxPool2d(2x2, stride 1x2)"])
        XCTAssertEqual(try eval("select(2, tensor.from({3, 1, 2}):topk(2.0)):totable()[1]"), ["1"])
    }

    func testIntegerOptionsAcceptIntegerValuedFloats() throws {
        let dataset = "data.dataset(tensor.zeros({3, 1, 2, 2}, {dtype = 'uint8'}), tensor.from({1, 2, 3}, {dtype = 'int32'}))"
        XCTAssertEqual(try eval("select(2, \(dataset):splitClasses{last = 2.0}):classCount()"), ["2"])
        assertError("\(dataset):splitClasses{last = 1.5}", "test:1: option 'last' for ds:splitClasses: integer expected, got 1.5")
        assertError("\(dataset):splitClasses{last = 'x'}", "test:1: option 'last' for ds:splitClasses: integer expected, got 'x'")
    }

    func testFloatsWithAFractionAreRefused() {
        assertError("tensor.zeros({2, 2.5})", "test:1: bad argument #1 to 'zeros' (shape must be a list of non-negative integers, got 2.5 at position 2)")
        assertError("tensor.zeros(2.5)", "test:1: bad argument #1 to 'zeros' (number has no integer representation)")
        assertError("tensor.arange(4):index({1.5})", "test:1: bad argument #1 to 'index' (indices must be integers, got 1.5)")
        assertError("tensor.arange(4):reshape({1.5, 2})", "test:1: bad argument #1 to 'reshape' (shape must be integers, got 1.5)")
        assertError("nn.Conv2d(1, 2, 3, {padding = 2.5})", "test:1: option 'padding' for nn.Conv2d: 'valid', 'same' or a non-negative integer expected, got 2.5")
        assertError("nn.MaxPool2d({2.5, 2})", "test:1: bad argument #1 to 'MaxPool2d' (positive integer or pair {height, width} expected, got table)")
        assertError("tensor.zeros({2^63})", "test:1: bad argument #1 to 'zeros' (shape must be a list of non-negative integers, got 9.2233720368548e+18 at position 1)")
    }
}
