import Foundation
import LunetLua
import XCTest

/// Base for binding tests: a fresh Lua state per test with the repository's
/// `lua/` folder on `package.path`.
class LuaTestCase: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    var lua: LuaState!

    override func setUpWithError() throws {
        lua = try LuaState(libraryPath: Self.repositoryRoot + "/lua")
    }

    override func tearDown() {
        lua = nil
    }

    /// Runs `code` as a chunk and returns `tostring` of what it returns.
    @discardableResult
    func run(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        if let message = lua.load(code, name: "=test") { throw LuaRaisedError(message: message) }
        return lua.popStrings(try lua.call(traceback: false))
    }

    /// The values of a Lua expression, as `tostring` shows them.
    func eval(_ expression: String) throws -> [String] {
        try run("return " + expression)
    }

    /// Asserts that `code` raises exactly `message` (position prefix included).
    func assertError(_ code: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try run(code), file: file, line: line) { error in
            XCTAssertEqual((error as? LuaRaisedError)?.message, message, file: file, line: line)
        }
        // The state stays usable after the error.
        XCTAssertEqual(try? eval("1 + 1"), ["2"], file: file, line: line)
    }

    /// Path of a data folder in `../shared/data`, or a skip with a visible message.
    func sharedData(_ name: String) throws -> String {
        let path = URL(fileURLWithPath: Self.repositoryRoot).deletingLastPathComponent()
            .appendingPathComponent("shared/data/\(name)").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("shared data '\(name)' is absent at \(path)")
        }
        return path
    }
}
