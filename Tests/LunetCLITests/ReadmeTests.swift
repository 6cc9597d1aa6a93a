import Foundation
import XCTest

/// The README cannot drift from the code: every ```lua block runs as a script
/// from the repository's root, and every REPL session (a block opening with
/// `$ lunet`) is replayed line by line and must print what the README shows.
final class ReadmeTests: XCTestCase {
    struct Block {
        let language: String
        let lines: [String]
        let line: Int
    }

    static func blocks() throws -> [Block] {
        let text = try String(contentsOfFile: ExampleTests.repositoryRoot + "/README.md", encoding: .utf8)
        var blocks: [Block] = []
        var current: (language: String, lines: [String], line: Int)?
        for (number, line) in text.components(separatedBy: "\n").enumerated() {
            if line.hasPrefix("```") {
                if let open = current {
                    blocks.append(Block(language: open.language, lines: open.lines, line: open.line))
                    current = nil
                } else {
                    current = (String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), [], number + 1)
                }
            } else {
                current?.lines.append(line)
            }
        }
        return blocks
    }

    func testEveryLuaBlockRuns() throws {
        let scripts = try Self.blocks().filter { $0.language == "lua" }
        XCTAssertGreaterThan(scripts.count, 0, "README.md has no lua blocks")
        for block in scripts {
            let result = try LunetProcess.run(["-"], input: block.lines.joined(separator: "\n"),
                                              directory: ExampleTests.repositoryRoot)
            XCTAssertEqual(result.status, 0, "README.md:\(block.line): \(result.stderr)")
        }
    }

    /// A session's `> ` and `>> ` lines are typed; every other line is what the
    /// REPL prints (standard output and error in order). Replayed on a pipe,
    /// lunet writes each prompt and the line it read, as the README shows
    /// them, so the whole transcript is compared. A line `...` stands for
    /// any number of lines (timings, progress).
    func testEverySessionPrintsWhatTheReadmeShows() throws {
        let sessions = try Self.blocks().filter { $0.lines.first?.hasPrefix("$ lunet") == true || $0.lines.first?.hasPrefix("$ .build/release/lunet") == true }
        XCTAssertGreaterThan(sessions.count, 0, "README.md has no REPL session")
        for session in sessions {
            let body = session.lines.dropFirst().drop { !$0.hasPrefix("> ") }  // the command and the banner
            let typed = body.compactMap { line -> String? in
                if line.hasPrefix(">> ") { return String(line.dropFirst(3)) }
                if line.hasPrefix("> ") { return String(line.dropFirst(2)) }
                return nil
            }
            let expected = body.map(Self.trimmedRight)
            let printed = try replay(typed).map(Self.trimmedRight)
            XCTAssertTrue(Self.matches(printed, expected),
                          "README.md:\(session.line): the session printed\n\(printed.joined(separator: "\n"))\nbut the README shows\n\(expected.joined(separator: "\n"))")
        }
    }

    /// Lines printed by `lunet -i` fed `typed` on a pipe, with standard error merged in order.
    private func replay(_ typed: [String]) throws -> [String] {
        let empty = NSTemporaryDirectory() + "lunet-readme-\(UUID().uuidString).lua"
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let process = Process()
        process.executableURL = LunetProcess.executable
        process.arguments = ["-i", empty]
        process.currentDirectoryURL = URL(fileURLWithPath: ExampleTests.repositoryRoot)
        // Tables print on one line when they fit the width: the README's are laid out for 80 columns.
        process.environment = ProcessInfo.processInfo.environment.merging(["COLUMNS": "80"]) { $1 }
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data((typed.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        // `-i` prints the version first, as lua does; the README shows it as the banner.
        if lines.first?.hasPrefix("lunet ") == true { lines.removeFirst() }
        if lines.last == "> " { lines.removeLast() }  // the prompt that met the end of input
        return lines
    }

    static func trimmedRight(_ line: String) -> String {
        String(line.reversed().drop { $0 == " " }.reversed())
    }

    /// Line-by-line equality where an expected `...` matches any run of lines.
    static func matches(_ actual: [String], _ expected: [String]) -> Bool {
        func match(_ a: Int, _ e: Int) -> Bool {
            if e == expected.count { return a == actual.count }
            if expected[e] == "..." {
                return (a...actual.count).contains { match($0, e + 1) }
            }
            return a < actual.count && actual[a] == expected[e] && match(a + 1, e + 1)
        }
        return match(0, 0)
    }

    func testWildcardMatching() {
        XCTAssertTrue(Self.matches(["a", "x", "y", "b"], ["a", "...", "b"]))
        XCTAssertTrue(Self.matches(["a", "b"], ["a", "...", "b"]))
        XCTAssertFalse(Self.matches(["a", "c"], ["a", "...", "b"]))
        XCTAssertFalse(Self.matches(["a", "b", "c"], ["a", "b"]))
    }
}
