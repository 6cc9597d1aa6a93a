import Foundation
import XCTest

/// lunet accepts lua 5.4's command line (reference manual, section 7, and
/// lua.c): each expectation here is what Debian's `lua5.4` prints for the
/// same arguments, with `lua5.4` read as `lunet`.
final class LuaCommandLineTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lunet-luacli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/modules", withIntermediateDirectories: true)
        try "print('loading', ...) return {v = 7}".write(toFile: folder + "/modules/mod.lua", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: folder)
    }

    var modulePath: [String: String] { ["LUA_PATH": folder + "/modules/?.lua;;"] }
    var lunet: String { LunetProcess.executable.path }

    func write(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testArgTableInEveryMode() throws {
        // No script: the interpreter is arg[0] and the options follow it.
        let noScript = try LunetProcess.run(["-e", "print(arg[-1], arg[0], arg[1], arg[2], #arg)"])
        XCTAssertEqual(noScript.stdout, "nil\t\(lunet)\t-e\tprint(arg[-1], arg[0], arg[1], arg[2], #arg)\t2\n")
        // A script: options at negative indices, the interpreter first.
        let script = try write("s.lua", "print(arg[-3], arg[-2], arg[-1], arg[0], arg[1], #arg, ...)")
        let withScript = try LunetProcess.run(["-e", "x = 1", script, "a", "b"])
        XCTAssertEqual(withScript.stdout, "\(lunet)\t-e\tx = 1\t\(script)\ta\t2\ta\tb\n")
        let piped = try LunetProcess.run([], input: "print(arg[-1], arg[0], arg[1], ...)")
        XCTAssertEqual(piped.stdout, "nil\t\(lunet)\tnil\n")
        let dash = try LunetProcess.run(["-", "x", "y"], input: "print(arg[-1], arg[0], arg[1], ...)")
        XCTAssertEqual(dash.stdout, "\(lunet)\t-\tx\tx\ty\n")
        let afterDashes = try LunetProcess.run(["--", script, "q"])
        XCTAssertEqual(afterDashes.stdout, "nil\t\(lunet)\t--\t\(script)\tq\t1\tq\n")
    }

    func testRequireOptions() throws {
        let plain = try LunetProcess.run(["-l", "mod", "-e", "print(mod.v)"], environment: modulePath)
        XCTAssertEqual(plain.stdout, "loading\tmod\t\(folder!)/modules/mod.lua\n7\n")
        let named = try LunetProcess.run(["-lg=mod", "-e", "print(g.v, mod)"], environment: modulePath)
        XCTAssertEqual(named.stdout, "loading\tmod\t\(folder!)/modules/mod.lua\n7\tnil\n")
        // -e, -l and -W run in the order given; -l alone still runs standard input.
        let ordered = try LunetProcess.run(["-e", "x = 1", "-l", "mod", "-e", "print(x, mod.v)"], environment: modulePath)
        XCTAssertEqual(ordered.stdout, "loading\tmod\t\(folder!)/modules/mod.lua\n1\t7\n")
        let stdin = try LunetProcess.run(["-l", "mod"], input: "print(mod.v + 1)", environment: modulePath)
        XCTAssertEqual(stdin.stdout, "loading\tmod\t\(folder!)/modules/mod.lua\n8\n")
        let missing = try LunetProcess.run(["-l", "nonexistent"], environment: modulePath)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.hasPrefix("\(LunetProcess.executable.path): module 'nonexistent' not found:\n\tno field package.preload['nonexistent']\n\tno file '\(folder!)/modules/nonexistent.lua'"), missing.stderr)
    }

    func testLuaPathIsLuasOwnAndLunetsLibraryIsSearchedAfterIt() throws {
        // package.path is exactly what lua makes of LUA_PATH (";;" is lua's default path);
        // lunet's library is found by a searcher of its own, after the standard ones.
        let result = try LunetProcess.run(["-e", "print(package.path)"], environment: ["LUA_PATH": "x"])
        XCTAssertEqual(result.stdout, "x\n")
        let expanded = try LunetProcess.run(["-e", "print(package.path)"], environment: modulePath)
        XCTAssertTrue(expanded.stdout.hasPrefix(folder + "/modules/?.lua;"), expanded.stdout)
        XCTAssertFalse(expanded.stdout.contains("/lua/?.lua;/"), expanded.stdout)
        // A module of the user's path comes first, even under lunet's names.
        try FileManager.default.createDirectory(atPath: folder + "/modules/lunet", withIntermediateDirectories: true)
        try "return 'mine'".write(toFile: folder + "/modules/lunet/models.lua", atomically: true, encoding: .utf8)
        XCTAssertEqual(try LunetProcess.run(["-e", "print((require('lunet.models')))"], environment: modulePath).stdout, "mine\n")
        try FileManager.default.removeItem(atPath: folder + "/modules/lunet")
        let notFound = try LunetProcess.run(["-e", "require('lunet.nothing')"], environment: ["LUA_PATH": "x"])
        XCTAssertTrue(notFound.stderr.contains("/lua/lunet/nothing.lua'"), notFound.stderr)
        let cpath = try LunetProcess.run(["-e", "print(package.cpath)"], environment: ["LUA_CPATH": "/nowhere/?.so"])
        XCTAssertEqual(cpath.stdout, "/nowhere/?.so\n")
        // lunet's own library is still found, and models with it.
        let models = try LunetProcess.run(["-e", "print(type(require('lunet.models').babenko))"], environment: modulePath)
        XCTAssertEqual(models.stdout, "function\n")
    }

    func testIgnoreEnvironmentOption() throws {
        let environment = modulePath.merging(["LUA_INIT": "print('init')"]) { $1 }
        let result = try LunetProcess.run(["-E", "-e", "print(package.path:find('modules', 1, true))"], environment: environment)
        XCTAssertEqual(result.stdout, "nil\n")
        XCTAssertEqual(result.status, 0)
    }

    func testLuaInit() throws {
        let code = try LunetProcess.run(["-e", "print(1)"], environment: ["LUA_INIT": "print('init', arg[0])"])
        XCTAssertEqual(code.stdout, "init\t\(lunet)\n1\n")
        let file = try write("init.lua", "print('from file')")
        let fromFile = try LunetProcess.run(["-e", "print(2)"], environment: ["LUA_INIT": "@" + file])
        XCTAssertEqual(fromFile.stdout, "from file\n2\n")
        let versioned = try LunetProcess.run(["-e", "print(3)"], environment: ["LUA_INIT_5_4": "print('5.4')", "LUA_INIT": "print('plain')"])
        XCTAssertEqual(versioned.stdout, "5.4\n3\n")
        let failing = try LunetProcess.run(["-e", "print(4)"], environment: ["LUA_INIT": "error('boom')"])
        XCTAssertEqual(failing.status, 1)
        XCTAssertEqual(failing.stdout, "")
        XCTAssertTrue(failing.stderr.hasPrefix("\(LunetProcess.executable.path): LUA_INIT:1: boom\nstack traceback:"), failing.stderr)
        let syntax = try LunetProcess.run(["-e", "print(4)"], environment: ["LUA_INIT_5_4": "x ="])
        XCTAssertEqual(syntax.stderr, "\(LunetProcess.executable.path): LUA_INIT_5_4:1: unexpected symbol near <eof>\n")
        let absent = try LunetProcess.run(["-e", "print(4)"], environment: ["LUA_INIT": "@" + folder + "/none.lua"])
        XCTAssertEqual(absent.stderr, "\(LunetProcess.executable.path): cannot open \(folder!)/none.lua: No such file or directory\n")
        XCTAssertEqual(absent.status, 1)
    }

    func testWarningsVersionAndExitStatuses() throws {
        XCTAssertEqual(try LunetProcess.run(["-W", "-e", "warn('hi')"]).stderr, "Lua warning: hi\n")
        XCTAssertEqual(try LunetProcess.run(["-e", "warn('hi')"]).stderr, "")
        // -v prints the version and goes on; alone it does not read standard input.
        XCTAssertEqual(try LunetProcess.run(["-v", "-e", "print(7)"]).stdout, "\(LunetProcess.version)\n7\n")
        let versionOnly = try LunetProcess.run(["-v"], input: "print('not run')")
        XCTAssertEqual(versionOnly.stdout, "\(LunetProcess.version)\n")
        XCTAssertEqual(versionOnly.status, 0)
        XCTAssertEqual(try LunetProcess.run(["-e", "os.exit(3)"]).status, 3)
        XCTAssertEqual(try LunetProcess.run(["-e", "os.exit(false)"]).status, 1)
        let table = try LunetProcess.run(["-e", "error({})"])
        XCTAssertEqual(table.status, 1)
        XCTAssertTrue(table.stderr.hasPrefix("\(LunetProcess.executable.path): (error object is a table value)\n"), table.stderr)
    }

    /// Ctrl-C twice ends a script even when every error is swallowed by pcall:
    /// the second request stays raised until control is back at the top level.
    /// (One Ctrl-C is an error a pcall may catch, as lua's own main.lua checks.)
    func testInterruptEndsALoopOfPcalls() throws {
        for executable in LunetProcess.executables {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["-e", "while true do pcall(function() local t = 0 for i = 1, 1e4 do t = t + i end end) end"]
            let stderr = Pipe()
            process.standardError = stderr
            try process.run()
            usleep(500_000)
            process.interrupt()
            usleep(300_000)
            process.interrupt()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { process.terminate(); XCTFail("\(executable.path) still runs 10 s after Ctrl-C") }
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 1)
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertTrue(message.hasPrefix("\(executable.path): (command line):1: interrupted!\n"), message)
        }
    }

    func testUsageErrorsAsLua() throws {
        for (arguments, message) in [(["-e"], "'-e' needs argument"), (["-e", "-x"], "'-e' needs argument"),
                                     (["-l"], "'-l' needs argument"), (["-x"], "unrecognized option '-x'"),
                                     (["--x"], "unrecognized option '--x'"), (["-Ex"], "unrecognized option '-Ex'"),
                                     (["-e", "print(1)", "-vx"], "unrecognized option '-vx'")] {
            let result = try LunetProcess.run(arguments)
            XCTAssertEqual(result.status, 1, "\(arguments)")
            XCTAssertEqual(result.stdout, "", "nothing runs before the options are checked: \(arguments)")
            XCTAssertTrue(result.stderr.hasPrefix("\(LunetProcess.executable.path): \(message)\nusage: lunet [options] [script [args]]\n"), result.stderr)
        }
    }

    func testScriptsReadAsLuaReadsThem() throws {
        // A '#' first line is skipped, in a file and on standard input; `-- -` is a file named '-'.
        let script = try write("shebang.lua", "#!/usr/bin/env lunet\nprint('ran', ...)")
        XCTAssertEqual(try LunetProcess.run([script, "1"]).stdout, "ran\t1\n")
        XCTAssertEqual(try LunetProcess.run(["-"], input: "#!/usr/bin/env lunet\nprint('stdin')").stdout, "stdin\n")
        _ = try write("-", "print('file named dash')")
        XCTAssertEqual(try LunetProcess.run(["--", "-"], directory: folder).stdout, "file named dash\n")
    }
}
