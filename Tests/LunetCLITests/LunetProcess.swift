import Foundation
import XCTest

/// Runs the built `lunet` executable, beside this test bundle in the build
/// folder, and also the release build's when `LUNET_RELEASE_EXECUTABLE` names
/// it (`make test` does): users run the release build, compiled with other
/// optimizations, so every end-to-end test checks that it answers the same.
enum LunetProcess {
    /// What `lunet -v` prints: lunet's version, then the Lua it embeds as `lua -v` says it.
    static let version = "lunet 0.1.0 (OpenBLAS) on Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio"

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lunet")
    }

    /// The release build to compare with, if the environment names one.
    static var releaseExecutable: URL? {
        ProcessInfo.processInfo.environment["LUNET_RELEASE_EXECUTABLE"].map(URL.init(fileURLWithPath:))
    }

    /// The debug build, then the release build when named: for tests whose
    /// output differs between runs (timings) and that check each build alone.
    static var executables: [URL] { [executable] + (releaseExecutable.map { [$0] } ?? []) }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs lunet to completion with `arguments`, feeding `input` on a pipe;
    /// then the release build, whose status and output (with its own path
    /// written as the debug one's) must be the same.
    static func run(_ arguments: [String], input: String = "", directory: String? = nil,
                    environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let result = try run(on: executable, arguments, input: input, directory: directory, environment: environment)
        if let release = releaseExecutable {
            guard FileManager.default.isExecutableFile(atPath: release.path) else {
                XCTFail("LUNET_RELEASE_EXECUTABLE names \(release.path), which is not an executable", file: file, line: line)
                return result
            }
            let other = try run(on: release, arguments, input: input, directory: directory, environment: environment)
            func same(_ text: String) -> String { text.replacingOccurrences(of: release.path, with: executable.path) }
            XCTAssertEqual(other.status, result.status, "release build's exit status", file: file, line: line)
            XCTAssertEqual(same(other.stdout), result.stdout, "release build's standard output", file: file, line: line)
            XCTAssertEqual(same(other.stderr), result.stderr, "release build's standard error", file: file, line: line)
        }
        return result
    }

    /// Runs one build of lunet to completion.
    static func run(on executable: URL, _ arguments: [String], input: String = "", directory: String? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
