import Foundation
import XCTest

/// The REPL's view of tables from the executable: the REPL prints tables by
/// their contents, scripts keep Lua's `print` and get the view from
/// `lunet.show`, and the width is $COLUMNS, else 80 off a terminal.
final class DisplayTests: XCTestCase {
    /// 85 characters on one line.
    static let wide = "{alpha = 1, beta = 2, gamma = 3, delta = 4, epsilon = 5, zeta = 6, eta = 7, theta = 8}"
    static let wideShown = "{alpha = 1, beta = 2, delta = 4, epsilon = 5, eta = 7, gamma = 3, theta = 8, zeta = 6}"

    /// Each build alone: `print({})` shows an address, which differs from run to run.
    func testReplPrintsTablesByTheirContents() throws {
        for executable in LunetProcess.executables {
            let result = try LunetProcess.run(on: executable, ["-i"], input: "{1, 2, x = 'y', t = {tensor.zeros(2, 3)}}\nprint({})\n",
                                              environment: ["COLUMNS": ""])
            let lines = result.stdout.components(separatedBy: "\n")
            XCTAssertEqual(lines[1], "> {1, 2, x = 'y', t = {tensor.zeros(2, 3)}}")
            XCTAssertEqual(lines[2], "{1, 2, t = {[Float32 tensor of shape 2x3]}, x = 'y'}")
            XCTAssertTrue(lines[4].hasPrefix("table: 0x"), "print keeps Lua's text: \(lines[4])")
        }
    }

    func testScriptsShowTablesAtTheWidthOfColumns() throws {
        let script = "lunet.show(\(Self.wide), 'text', 1.5)"
        let narrow = try LunetProcess.run(["-e", script], environment: ["COLUMNS": "30"])
        XCTAssertEqual(narrow.stdout, """
            {
              alpha = 1,
              beta = 2,
              delta = 4,
              epsilon = 5,
              eta = 7,
              gamma = 3,
              theta = 8,
              zeta = 6
            }\ttext\t1.5

            """)
        XCTAssertEqual(try LunetProcess.run(["-e", script], environment: ["COLUMNS": "100"]).stdout, Self.wideShown + "\ttext\t1.5\n")
        // Off a terminal and without COLUMNS (or with a value that is no width): 80 columns, too few for this one.
        for columns in ["", "wide", "0"] {
            let result = try LunetProcess.run(["-e", "lunet.show(\(Self.wide))"], environment: ["COLUMNS": columns])
            XCTAssertEqual(result.stdout.components(separatedBy: "\n").count, 11, "COLUMNS='\(columns)': \(result.stdout)")
        }
    }
}
