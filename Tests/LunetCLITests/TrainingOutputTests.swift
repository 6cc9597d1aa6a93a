import Foundation
import XCTest

/// train.fit's output off a terminal (one plain line per epoch) and its
/// errors as the command line shows them.
final class TrainingOutputTests: XCTestCase {
    /// A toy set and network, then `fit` with the given options.
    static func script(_ options: String) -> String {
        """
        local g = tensor.rand({64, 1, 4, 4}, {seed = 1})
        local labels = {}
        for i = 1, 64 do labels[i] = i % 3 + 1 end
        local ds = data.dataset(g:byte{scale = true}, tensor.from(labels, {dtype = 'int32'}))
        local net = nn.Sequential{nn.Flatten(), nn.Linear(16, 3, {seed = 1})}
        h = train.fit(net, ds, {batch = 16, seed = 1, \(options)})
        print(h.stopReason)
        """
    }

    func testPlainLinesOnAPipe() throws {
        // Each build alone: the output holds timings and trained values.
        for executable in LunetProcess.executables {
            let result = try LunetProcess.run(on: executable, ["-"], input: Self.script("epochs = 3, metrics = {'accuracy'}, validation = ds"))
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertFalse(result.stdout.contains("\r"), result.stdout.debugDescription)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 4, result.stdout)
            for (i, line) in lines.prefix(3).enumerated() {
                XCTAssertNotNil(line.range(of: #"^epoch \#(i + 1)/3  4/4  loss \d\.\d{4}  accuracy \d\.\d{4}  val_loss \d\.\d{4}  val_accuracy \d\.\d{4}  \d+\.\d s  \d+ img/s$"#,
                                           options: .regularExpression), line)
            }
            XCTAssertEqual(lines.last, "epochs")
        }
        let quiet = try LunetProcess.run(["-"], input: Self.script("epochs = 2, verbose = 0"))
        XCTAssertEqual(quiet.stdout, "epochs\n")
    }

    func testCallbackErrorReachesTheCommandLineWithOneTraceback() throws {
        let result = try LunetProcess.run(["-"], input: Self.script("verbose = 0, onEpoch = function() error('bad callback') end"))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("\(LunetProcess.executable.path): stdin:6: bad callback\nstack traceback:\n"), result.stderr)
        XCTAssertEqual(result.stderr.components(separatedBy: "stack traceback:").count, 2, result.stderr)
    }
}
