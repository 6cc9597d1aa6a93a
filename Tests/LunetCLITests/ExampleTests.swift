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
            let markdown = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
            XCTAssertTrue(markdown.hasPrefix("# lunet quickstart\n\n| | value |"), markdown)
            let figures = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix("retrieval_") && $0.hasSuffix(".png") }
            XCTAssertEqual(figures.count, 1, "\(figures)")
            XCTAssertTrue(figures.allSatisfy { text.contains($0) }, text)
        }
    }
}
