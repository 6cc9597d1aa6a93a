import LunetLua
import XCTest

/// Integers at the ends of Lua's range as indices: messages show the integer
/// the user gave (not one rounded through a double), nothing overflows.
final class HostileNumberTests: LuaTestCase {
    func testExtremeIndicesAreShownAsGiven() throws {
        try run("""
            x = tensor.zeros(2)
            ds = data.dataset(tensor.zeros({2, 1, 2, 2}, {dtype = 'uint8'}), tensor.from({1, 2}, {dtype = 'int32'}))
            """)
        for (value, text) in [("math.maxinteger", "9223372036854775807"), ("math.mininteger", "-9223372036854775808"),
                              ("math.maxinteger - 1", "9223372036854775806"), ("math.mininteger + 1", "-9223372036854775807"),
                              ("(1 << 53) + 1", "9007199254740993")] {
            assertError("x:get(\(value))", "test:1: index \(text) out of range for dimension 1 of size 2")
            assertError("x:set(\(value), 1)", "test:1: index \(text) out of range for dimension 1 of size 2")
            assertError("x:index({\(value)})", "test:1: index: index \(text) out of range for dimension 1 of size 2")
            assertError("x:narrow(1, \(value), 1)", "test:1: narrow: 1 entries from \(text) are out of bounds for dimension 1 of size 2")
            assertError("nn.Sequential{nn.ReLU()}:get(\(value))", "test:1: nn.Sequential: index \(text) out of range for 1 layer")
            assertError("ds:subset({\(value)})", "test:1: subset: index \(text) out of range for a dataset of 2 images")
        }
        assertError("ds:image(math.maxinteger)", "test:1: image 9223372036854775807 out of range for a dataset of 2 images")
        assertError("ds:image(math.mininteger)", "test:1: bad argument #1 to 'image' (positive integer expected, got -9223372036854775808)")
        XCTAssertEqual(try eval("x:get(2), #ds:subset({2, 1})"), ["0.0", "2"])
    }
}
