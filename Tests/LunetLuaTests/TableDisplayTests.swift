import LunetLua
import XCTest

/// What the REPL and `lunet.show` print for tables (lua/lunet/display.lua):
/// sorted keys, nesting, shortened lists, cycles, tensors, numbers, width,
/// and hostile tables that must neither loop nor call metamethods.
final class TableDisplayTests: LuaTestCase {
    func display(_ expression: String, width: Int = 80) throws -> String {
        try eval("lunet.display(\(expression), \(width))")[0]
    }

    func testKeysAreSortedNumbersFirst() throws {
        XCTAssertEqual(try display("{3, 1, z = 1, a = 2, [10] = 'ten', [-1] = 0, [2.5] = 'x', B = true, [true] = 1, [false] = 0}", width: 100),
                       "{3, 1, [-1] = 0, [2.5] = 'x', [10] = 'ten', B = true, a = 2, z = 1, [false] = 0, [true] = 1}")
        // Strings in byte order: '_' before 'a'.
        XCTAssertEqual(try display("{['a b'] = 1, ['end'] = 2, _x = 3, [''] = 4}"), "{[''] = 4, _x = 3, ['a b'] = 1, ['end'] = 2}")
        XCTAssertEqual(try display("{}"), "{}")
        XCTAssertEqual(try display("{{}, {{}}}"), "{{}, {{}}}")
    }

    func testNumbersAreShortestThatReadBack() throws {
        XCTAssertEqual(try display("{0.72, 0.1 + 0.2, 2.0, 1/3, 1e100, -0.0, 3, math.mininteger, math.huge, -math.huge, 2^53}", width: 200),
                       "{0.72, 0.30000000000000004, 2.0, 0.3333333333333333, 1e+100, -0.0, 3, -9223372036854775808, inf, -inf, 9007199254740992.0}")
        // Each shown number reads back as the same value.
        XCTAssertEqual(try eval("""
            (function()
              for _, x in ipairs({0.72, 0.1 + 0.2, 1/3, 1e-300, 123456.789, 2^-1074, 1.7976931348623157e308}) do
                local text = lunet.display({x}):sub(2, -2)
                if tonumber(text) ~= x then return text end
              end
              return 'all read back'
            end)()
            """), ["all read back"])
        // Outside a table a value is shown as tostring shows it.
        XCTAssertEqual(try eval("lunet.display(0.1 + 0.2), lunet.display('a\\nb'), lunet.display(nil)"), ["0.3", "a\nb", "nil"])
    }

    func testStringsAreQuotedEscapedAndCut() throws {
        XCTAssertEqual(try display("{\"it's\\n\\t\\0\\\\\"}"), "{'it\\'s\\n\\t\\000\\\\'}")
        XCTAssertEqual(try display("{string.rep('ab', 150)}", width: 300),
                       "{'" + String(repeating: "ab", count: 100) + "...' (300 bytes)}")
        // A cut never splits a UTF-8 character: 'é' is two bytes, the limit 200 falls inside the 100th.
        XCTAssertEqual(try display("{'x' .. string.rep('é', 150)}", width: 300),
                       "{'x" + String(repeating: "é", count: 99) + "...' (301 bytes)}")
    }

    func testNestedTablesAreIndentedWhenTheyDoNotFit() throws {
        let t = "{name = 'conv', sizes = {3, 96, 4}, options = {padding = 'same', stride = 1}, list = {{1, 2}, {3, 4}}}"
        XCTAssertEqual(try display(t, width: 110),
                       "{list = {{1, 2}, {3, 4}}, name = 'conv', options = {padding = 'same', stride = 1}, sizes = {3, 96, 4}}")
        XCTAssertEqual(try display(t, width: 50), """
            {
              list = {{1, 2}, {3, 4}},
              name = 'conv',
              options = {padding = 'same', stride = 1},
              sizes = {3, 96, 4}
            }
            """)
        XCTAssertEqual(try display(t, width: 30), """
            {
              list = {{1, 2}, {3, 4}},
              name = 'conv',
              options = {
                padding = 'same',
                stride = 1
              },
              sizes = {3, 96, 4}
            }
            """)
        // Exactly the width fits on one line; one less does not.
        XCTAssertEqual(try display("{a = 1, b = 2}", width: 14), "{a = 1, b = 2}")
        XCTAssertEqual(try display("{a = 1, b = 2}", width: 13), "{\n  a = 1,\n  b = 2\n}")
    }

    func testDepthIsBounded() throws {
        XCTAssertEqual(try display("{a = {b = {c = {d = {e = {}}}}}}"), "{a = {b = {c = {d = {...}}}}}")
        XCTAssertEqual(try display("{a = {b = {c = {d = {}}}}}"), "{a = {b = {c = {d = {}}}}}")
    }

    func testLongListsAreShortenedWithTheirLength() throws {
        XCTAssertEqual(try display("(tensor.arange(100) + 1):int():totable()"),
                       "{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ..., 98, 99, 100} (100 items)")
        XCTAssertEqual(try display("{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}"),
                       "{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}")
        try run("wide = {} for i = 1, 150 do wide[('k%03d'):format(i)] = i end")
        let lines = try display("wide").split(separator: "\n")
        XCTAssertEqual(lines.count, 103)
        XCTAssertEqual(lines[1], "  k001 = 1,")
        XCTAssertEqual(Array(lines.suffix(3)), ["  k100 = 100,", "  ...", "} (150 keys)"])
    }

    func testCyclesAreMarked() throws {
        try run("t = {name = 't'} t.self = t t.list = {t, {t}}")
        XCTAssertEqual(try display("t"), "{list = {<cycle>, {<cycle>}}, name = 't', self = <cycle>}")
        // A table met twice off its own path is not a cycle.
        try run("shared = {1} pair = {shared, shared}")
        XCTAssertEqual(try display("pair"), "{{1}, {1}}")
        try run("k = {} k[k] = k")
        XCTAssertEqual(try display("k"), "{[<cycle>] = <cycle>}")
    }

    func testLunetValuesShowTheirTypeAndShape() throws {
        try run("ds = data.dataset(tensor.zeros({4, 1, 2, 2}, {dtype = 'uint8'}), tensor.from({1, 2, 1, 2}, {dtype = 'int32'}))")
        XCTAssertEqual(try display("{x = tensor.zeros(2, 3), s = tensor.full({}, 1), ds = ds}", width: 130),
                       "{ds = [Dataset: 4 images 1x2x2, 2 classes], s = [Float32 scalar tensor (0 dimensions)], x = [Float32 tensor of shape 2x3]}")
        XCTAssertEqual(try display("{tensor.zeros(2, 3):int(), print, function() end}"),
                       "{[Int32 tensor of shape 2x3], <function>, <function test:1>}")
        // A model's several lines go under its key.
        XCTAssertEqual(try display("{net = nn.Sequential{nn.Linear(2, 3), nn.ReLU()}, n = 1}"), """
            {
              n = 1,
              net =
                nn.Sequential {
                  (1): nn.Linear(2 -> 3)
                  (2): nn.ReLU
                }
            }
            """)
    }

    func testOwnToStringIsUsed() throws {
        try run("p = setmetatable({x = 1}, {__tostring = function() return 'Point(1)' end})")
        XCTAssertEqual(try display("p"), "Point(1)")
        XCTAssertEqual(try display("{p, p}"), "{Point(1), Point(1)}")
        // Other metamethods are not: the contents are read raw.
        try run("""
            calls = 0
            hostile = setmetatable({1, 2}, {__index = function() calls = calls + 1 return 'x' end,
              __pairs = function() calls = calls + 1 return next, {}, nil end,
              __len = function() calls = calls + 1 return 99 end,
              __lt = function() calls = calls + 1 return true end, __eq = function() calls = calls + 1 return true end})
            keys = setmetatable({}, {__lt = function() calls = calls + 1 return true end, __eq = function() calls = calls + 1 return true end})
            """)
        XCTAssertEqual(try display("{hostile, [keys] = 1, [{}] = 1}"), "{{1, 2}, [{}] = 1, [{}] = 1}")
        XCTAssertEqual(try eval("calls"), ["0"])
    }

    /// A nested `__tostring` that raises is the REPL's error, as the top value's is.
    func testFailingNestedToStringIsReported() throws {
        let session = ReplSession(state: lua)
        try run("bad = {setmetatable({}, {__tostring = function() error('no text', 0) end})}")
        XCTAssertEqual(session.evaluate("bad"), .failure("error calling 'print' (no text)"))
        assertError("lunet.display(bad)", "no text")
    }

    /// 200,000 nested tables, a 200,000-key table and a cycle through many
    /// tables print in bounded time and lines.
    func testHostileTablesStayBounded() throws {
        try run("""
            deep = {} local c = deep for i = 1, 200000 do c.x = {} c = c.x end
            wide = {} for i = 1, 200000 do wide['k' .. i] = {i, {i}} end
            ring = {} local r = ring for i = 1, 1000 do r.next = {} r = r.next end r.next = ring
            fan = {} for i = 1, 100 do local f = {} fan['k' .. i] = f for j = 1, 100 do f['k' .. j] = {j, {j}} end end
            """)
        XCTAssertEqual(try display("deep"), "{x = {x = {x = {x = {...}}}}}")
        XCTAssertEqual(try display("ring"), "{next = {next = {next = {next = {...}}}}}")
        XCTAssertEqual(try eval("select(2, lunet.display(wide, 80):gsub('\\n', ''))"), ["102"])
        // 10,000 tables of two lines each: past 1,000 lines the rest stay unexpanded.
        let fan = try display("fan", width: 12).split(separator: "\n")
        XCTAssertLessThan(fan.count, 1600)
        XCTAssertEqual(Array(fan.suffix(2)), ["  k99 = {...}", "}"], "tables left unexpanded past the line budget")
    }

    func testReplPrintsThroughTheDisplay() throws {
        let session = ReplSession(state: lua)
        try run("printed = {} print = function(...) printed[#printed + 1] = table.concat({...}, '|') end")
        XCTAssertEqual(session.evaluate("{b = 1, a = {2}}, 'text', tensor.zeros(2)"), .ran)
        XCTAssertEqual(try eval("printed[1]"), ["{a = {2}, b = 1}|text|0.0000 0.0000\n[Float32 tensor of shape 2]"])
    }

    func testShowPrintsTheDisplay() throws {
        try run("printed = {} print = function(...) printed[#printed + 1] = table.pack(...) end")
        try run("lunet.show({1, x = 0.72}, 'a', nil)")
        XCTAssertEqual(try eval("printed[1].n, printed[1][1], printed[1][2], printed[1][3]"), ["3", "{1, x = 0.72}", "a", "nil"])
        try run("lunet.show()")
        XCTAssertEqual(try eval("printed[2].n"), ["0"])
        assertError("lunet.display({}, 0)", "test:1: bad argument #2 to 'display' (positive integer expected, got 0)")
        assertError("lunet.display({}, '80')", "test:1: bad argument #2 to 'display' (positive integer expected, got string)")
        assertError("lunet.display({}, 2.5)", "test:1: bad argument #2 to 'display' (positive integer expected, got 2.5)")
        XCTAssertTrue(try eval("lunet.doc(lunet.show)")[0].hasPrefix("lunet.show(...)"))
    }
}
