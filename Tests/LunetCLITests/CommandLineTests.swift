import Foundation
import XCTest

final class CommandLineTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lunet-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: folder)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testExecuteOption() throws {
        let result = try LunetProcess.run(["-e", "print(tensor.ones(2, 2):sum())", "-e", "print(1 + 1)"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "4.0\n2\n")
    }

    func testScriptGetsArgumentsAsLuaDoes() throws {
        let script = try write("args.lua", "print(#arg, arg[0], arg[1], arg[2], select('#', ...), ...)")
        let result = try LunetProcess.run([script, "a", "b c"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "2\t\(script)\ta\tb c\t2\ta\tb c\n")
    }

    func testStandardInputRunsAsAScript() throws {
        let piped = try LunetProcess.run([], input: "local x = tensor.arange(5)\nprint(x:sum())\n")
        XCTAssertEqual(piped.stdout, "10.0\n")
        let dash = try LunetProcess.run(["-", "z"], input: "print(arg[1], ...)")
        XCTAssertEqual(dash.stdout, "z\tz\n")
    }

    func testFailingScriptPrintsTracebackAndExitsNonZero() throws {
        _ = try write("fail.lua", "local function inner()\n  tensor.zeros(2):matmul('x')\nend\ninner()\n")
        let result = try LunetProcess.run(["fail.lua"], directory: folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("\(LunetProcess.executable.path): fail.lua:2: bad argument #1 to 'matmul' (Float32 tensor expected, got string)\nstack traceback:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("in local 'inner'") || result.stderr.contains("in upvalue 'inner'") || result.stderr.contains("in function 'inner'"), result.stderr)
        let syntax = try LunetProcess.run(["-e", "x = = 1"])
        XCTAssertEqual(syntax.status, 1)
        XCTAssertEqual(syntax.stderr, "\(LunetProcess.executable.path): (command line):1: unexpected symbol near '='\n")
        let missing = try LunetProcess.run([folder + "/none.lua"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "\(LunetProcess.executable.path): cannot open \(folder!)/none.lua: No such file or directory\n")
    }

    func testHelpVersionAndUnknownOptions() throws {
        XCTAssertTrue(try LunetProcess.run(["--version"]).stdout.hasPrefix("lunet 0.1.0"))
        XCTAssertTrue(try LunetProcess.run(["--help"]).stdout.hasPrefix("usage: lunet [options] [script [args]]"))
        let bad = try LunetProcess.run(["--frobnicate"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("\(LunetProcess.executable.path): unrecognized option '--frobnicate'\nusage:"))
    }

    func testLuaLibraryIsFoundFromAnyDirectory() throws {
        let result = try LunetProcess.run(["-e", "print(require('lunet') == lunet, (select(2, require('lunet.models')):find('/lua/lunet/models%.lua$')))"],
                                          directory: "/")
        XCTAssertTrue(result.stdout.hasPrefix("true\t"), result.stdout)
        let custom = folder + "/lib"
        try FileManager.default.createDirectory(atPath: custom + "/lunet", withIntermediateDirectories: true)
        try "return {}".write(toFile: custom + "/lunet/init.lua", atomically: true, encoding: .utf8)
        try "return {answer = 42}".write(toFile: custom + "/mine.lua", atomically: true, encoding: .utf8)
        let viaVariable = try LunetProcess.run(["-e", "print(require('mine').answer)"], environment: ["LUNET_PATH": custom])
        XCTAssertEqual(viaVariable.stdout, "42\n")
    }

    func testInteractiveFlagOnAPipeEvaluatesLines() throws {
        let script = try write("setup.lua", "x = 20")
        let result = try LunetProcess.run(["-i", script], input: "x + 1\nfor i = 1, 2 do\nprint(i)\nend\n")
        // -i implies -v, as in lua; each prompt (_PROMPT, _PROMPT2) is followed by the line read, as lua's readline echoes it.
        XCTAssertEqual(result.stdout, "\(LunetProcess.version)\n> x + 1\n21\n> for i = 1, 2 do\n>> print(i)\n>> end\n1\n2\n> \n")
        let prompts = try LunetProcess.run(["-e", "_PROMPT = 'lunet% ' _PROMPT2 = setmetatable({}, {__tostring = function() return '..' end})", "-i"],
                                           input: "if true then\nprint(1) end\n")
        XCTAssertEqual(prompts.stdout, "\(LunetProcess.version)\nlunet% if true then\n..print(1) end\n1\nlunet% \n")
    }
}
