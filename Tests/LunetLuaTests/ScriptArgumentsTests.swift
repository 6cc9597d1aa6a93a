import XCTest

/// `lunet.arguments`, the command-line parser every example uses.
final class ScriptArgumentsTests: LuaTestCase {
    let spec = "{usage = 'lunet x.lua', positional = {{'path', 'data', 'where'}}, epochs = {10, 'e'}, lr = {1e-3, 'l'}, out = {'o', 'folder'}, within = {false, 'w'}}"

    func testDefaultsTypesAndPositionals() throws {
        XCTAssertEqual(try eval("(function(o) return o.path, o.epochs, math.type(o.epochs), o.lr, o.out, o.within end)(lunet.arguments({}, \(spec)))"),
                       ["data", "10", "integer", "0.001", "o", "false"])
        XCTAssertEqual(try eval("(function(o) return o.path, o.epochs, math.type(o.epochs), o.lr, o.out, o.within end)(lunet.arguments({'--epochs', '3', 'folder', '--lr', '0.5', '--within', '--out', 'x'}, \(spec)))"),
                       ["folder", "3", "integer", "0.5", "x", "true"])
    }

    func testMistakesAreErrorsThatShowTheUsage() {
        let usage = "usage: lunet x.lua\n  path               where (default data)\n  --epochs 10        e\n  --lr 0.001         l\n  --out o            folder\n  --within           w"
        assertError("lunet.arguments({'--epoch', '3'}, \(spec))", "unknown option --epoch\n" + usage)
        assertError("lunet.arguments({'--epochs', '2.5'}, \(spec))", "option --epochs expects an integer, got 2.5")
        assertError("lunet.arguments({'--lr', 'fast'}, \(spec))", "option --lr expects a number, got 'fast'")
        assertError("lunet.arguments({'--out'}, \(spec))", "option --out needs a value")
        assertError("lunet.arguments({'a', 'b'}, \(spec))", "unexpected argument 'b'\n" + usage)
        // Another option where a value should be is a missing value, for strings as for numbers.
        assertError("lunet.arguments({'--out', '--epochs', '5'}, \(spec))", "option --out needs a value")
        assertError("lunet.arguments({'--epochs', '--out', 'x'}, \(spec))", "option --epochs needs a value")
        assertError("lunet.arguments({'--within=yes'}, \(spec))", "option --within takes no value, got 'yes'")
        assertError("lunet.arguments({'--epochs=x'}, \(spec))", "option --epochs expects a number, got 'x'")
    }

    func testInlineValuesAndEmptyStringDefaults() throws {
        XCTAssertEqual(try eval("(function(o) return o.out, o.epochs end)(lunet.arguments({'--out=--odd', '--epochs=4'}, \(spec)))"),
                       ["--odd", "4"])
        assertError("lunet.arguments({'--x'}, {name = {'', 'a name'}})", "unknown option --x\nusage: lunet script.lua [options]\n  --name ''          a name")
    }
}
