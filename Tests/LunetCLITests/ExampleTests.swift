import Foundation
import XCTest

/// The examples run end to end on small real data.
final class ExampleTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The quickstart scaled down: every part runs and writes its files, and
    /// the numbers are in range (above chance where the data allow it).
    func testQuickstartShowsTheWholeJob() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("Fashion-MNIST is absent: install Debian's dataset-fashion-mnist (make test does)")
        }
        // Each build alone: the output holds timings.
        for executable in LunetProcess.executables {
            let out = NSTemporaryDirectory() + "lunet-quickstart-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try LunetProcess.run(on: executable, ["examples/quickstart.lua", "--per-class", "150", "--epochs", "2",
                                               "--rounds", "1", "--steps", "8", "--out", out],
                                              directory: Self.repositoryRoot)
            XCTAssertEqual(result.status, 0, result.stderr)
            let text = result.stdout
            XCTAssertTrue(text.contains("in-domain: 840 training, 105 validation, 105 test images of 7 classes; held out: Sneaker, Bag, Ankle boot"), text)
            XCTAssertTrue(text.contains("retrieval on 900 held-out images"), text)
            for name in ["classifier.safetensors", "results.md"] where !text.contains(name) {
                XCTFail("the summary does not name \(name): \(text)")
            }
            func value(_ label: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix("| \(label) |") }
                    .flatMap { Double($0.split(separator: "|")[1].trimmingCharacters(in: .whitespaces).prefix(5)) }
            }
            let accuracy = try XCTUnwrap(value("test accuracy (7 classes)"), text)
            XCTAssertGreaterThan(accuracy, 0.3, "7 classes: chance is 0.14")
            let chance = try XCTUnwrap(value("mAP chance"), text)
            for layer in ["code2", "fc1", "fc2"] {
                let mAP = try XCTUnwrap(value("mAP \(layer)"), text)
                XCTAssertGreaterThan(mAP, chance, layer)
                XCTAssertLessThanOrEqual(mAP, 1)
            }
            for sampler in ["random", "hardest"] {
                let oneShot = try XCTUnwrap(value("3-way one-shot, \(sampler) triplets"), text)
                XCTAssertGreaterThan(oneShot, 0.34, "3-way: chance is 1/3")
            }
            XCTAssertTrue(text.contains("one-shot: no clear winner") || text.contains("mining won by"), text)
            try checkReadmeShowsTheSummaryAsPrinted(text.replacingOccurrences(of: out, with: "quickstart_out"))
            let markdown = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
            XCTAssertTrue(markdown.hasPrefix("# lunet quickstart\n\n| | value |"), markdown)
            for chart in ["training.png", "oneshot.png"] {
                let png = try Data(contentsOf: URL(fileURLWithPath: out + "/" + chart))
                XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], chart)
                XCTAssertTrue(text.contains(out + "/" + chart), text)
            }
            let figures = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix("retrieval_") && $0.hasSuffix(".png") }
            XCTAssertEqual(figures.count, 1, "\(figures)")
            XCTAssertTrue(figures.allSatisfy { text.contains($0) }, text)
        }
    }

    /// The README's quickstart summary is what the quickstart prints now: the
    /// same rows in the same order, values and closing lines of the same form
    /// (numbers, the winning sampler and the best layer aside, which a
    /// scaled-down run cannot reproduce).
    func checkReadmeShowsTheSummaryAsPrinted(_ printed: String) throws {
        let readme = try String(contentsOfFile: Self.repositoryRoot + "/README.md", encoding: .utf8)
        let marker = try XCTUnwrap(readme.range(of: "It ends with this summary"), "the README's quickstart summary")
        let after = readme[marker.upperBound...]
        let open = try XCTUnwrap(after.range(of: "```\n"))
        let close = try XCTUnwrap(after[open.upperBound...].range(of: "```"))
        let shown = after[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
        let printedLines = printed.split(separator: "\n").map(String.init)
        let start = try XCTUnwrap(printedLines.firstIndex(of: shown[0]), "the summary's first line \(shown[0]) in \(printed)")
        let tail = Array(printedLines[start...].prefix(shown.count))
        XCTAssertEqual(tail.map(Self.form), shown.map(Self.form), "README.md's quickstart summary against what it prints")
    }

    /// A summary line with its numbers, sampler and layer names replaced.
    static func form(_ line: String) -> String {
        var text = line
        for (pattern, replacement) in [("code2|fc1|fc2", "L"), ("[0-9]+(\\.[0-9]+)?", "#"),
                                       ("(random|hardest) mining won", "S mining won"),
                                       ("no clear winner[^;]*", "S mining won by # (# standard errors)")] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }
}
