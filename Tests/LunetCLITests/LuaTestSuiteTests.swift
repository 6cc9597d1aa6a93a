import Foundation
import XCTest

/// Lua 5.4.4's own test of its stand-alone interpreter (`testes/main.lua` of
/// the official test suite), run with lunet as `lua` on the PATH. The suite
/// is not part of this repository: point `LUNET_LUA_TESTES` at its `testes`
/// folder (lua-5.4.4-tests from lua.org); the test skips, saying so, without it.
final class LuaTestSuiteTests: XCTestCase {
    func testMainLuaPassesWithLunetAsLua() throws {
        guard let testes = ProcessInfo.processInfo.environment["LUNET_LUA_TESTES"],
              FileManager.default.fileExists(atPath: testes + "/main.lua") else {
            throw XCTSkip("Lua 5.4.4's test suite is absent: set LUNET_LUA_TESTES to its testes folder to run main.lua")
        }
        for executable in LunetProcess.executables {
            let bin = NSTemporaryDirectory() + "lunet-as-lua-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: bin) }
            try FileManager.default.createSymbolicLink(atPath: bin + "/lua", withDestinationPath: executable.path)
            let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            // main.lua runs its interpreter as `lua` through the shell; it must end with "OK".
            let result = try LunetProcess.run(on: URL(fileURLWithPath: "/bin/sh"), ["-c", "lua main.lua"],
                                              directory: testes, environment: ["PATH": path])
            XCTAssertEqual(result.status, 0, "\(executable.path):\n\(result.stdout)\n\(result.stderr)")
            XCTAssertTrue(result.stdout.hasSuffix("OK\n"), result.stdout)
        }
    }
}
