import XCTest

/// Recursive walks over user tables stay within Lua's stack: a table that
/// contains itself, or 200,000 nested tables, is a clean error wherever a
/// binding reads a table, and the process ends normally. (A walk that pushed
/// past the 20 slots a C function is promised corrupted Lua's stack: a crash,
/// then or when the state closed, in some runs and not others.)
final class HostileTableTests: XCTestCase {
    func testDeepAndCyclicTablesAreCleanErrors() throws {
        let calls = ["tensor.from(t)", "tensor.from({t})", "tensor.randn({2}, t)", "nn.Linear(2, 2, t)",
                     "nn.Sequential(t)", "optim.Adam(nn.Linear(2, 2), t)"]
        for call in calls {
            for table in ["deep", "fields", "cycle"] {
                let script = """
                    local deep = {} local c = deep
                    for i = 1, 200000 do c[1] = {} c = c[1] end
                    local fields = {} local d = fields
                    for i = 1, 200000 do d.x = {} d = d.x end
                    local cycle = {} cycle.x = cycle cycle[1] = cycle
                    local t = \(table)
                    for _ = 1, 3 do
                      local ok, message = pcall(function() return \(call) end)
                      assert(not ok, "accepted a hostile table")
                      io.write(message:match("nested too deeply") and "." or ("\\n" .. message .. "\\n"))
                    end
                    """
                let result = try LunetProcess.run(["-"], input: script)
                XCTAssertEqual(result.status, 0, "\(call) on \(table): \(result.stderr)")
                XCTAssertEqual(result.stdout, "...", "\(call) on \(table)")
            }
        }
    }
}
