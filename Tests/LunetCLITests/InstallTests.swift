import Foundation
import XCTest

/// `make install` and `make uninstall`, run on the debug build into a
/// temporary prefix: the installed lunet finds its Lua library from any folder.
final class InstallTests: XCTestCase {
    func testInstalledLunetFindsItsLibraryAndUninstallRemovesIt() throws {
        let prefix = NSTemporaryDirectory() + "lunet-prefix-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let install = try make(["install-files", "PREFIX=\(prefix)", "LUNET_BIN=\(LunetProcess.executable.path)"])
        XCTAssertEqual(install.status, 0, install.output)

        let installed = URL(fileURLWithPath: prefix + "/bin/lunet")
        let result = try LunetProcess.run(on: installed,
            ["-e", "local models, file = require('lunet.models') print(type(models.babenko), file == '" + prefix + "/share/lunet/lua/lunet/models.lua')"],
            directory: "/", environment: ["LUNET_PATH": ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "function\ttrue\n")

        let uninstall = try make(["uninstall", "PREFIX=\(prefix)"])
        XCTAssertEqual(uninstall.status, 0, uninstall.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: prefix + "/bin/lunet"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: prefix + "/share/lunet"))
    }

    private func make(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        process.arguments = ["--no-print-directory", "-C", ExampleTests.repositoryRoot] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
