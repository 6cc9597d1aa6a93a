import Foundation
import XCTest

/// examples/neural_codes.lua end to end, scaled down on the real Tiny ImageNet
/// classes in ../shared/data: the files it writes and the numbers it reports.
final class NeuralCodesExampleTests: XCTestCase {
    func testScaledDownRunWritesFiguresAndResults() throws {
        let root = ExampleTests.repositoryRoot
        let data = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("shared/data/tiny-imagenet-200-mini").path
        guard FileManager.default.fileExists(atPath: data) else {
            throw XCTSkip("shared data 'tiny-imagenet-200-mini' is absent at \(data)")
        }
        let out = NSTemporaryDirectory() + "lunet-neural-codes-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        // Each build alone: the output holds timings and trained values.
        for executable in LunetProcess.executables {
            let result = try LunetProcess.run(on: executable, ["examples/neural_codes.lua", data, "--classes", "4", "--ood", "2", "--per-class", "20",
                                               "--epochs", "1", "--out", out], directory: root)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("in-domain [Dataset: 40 images 3x64x64, 2 classes]: train 32, validation 4, test 4; "
                                                 + "out-of-domain [Dataset: 40 images 3x64x64, 2 classes]"), result.stdout)
            for layer in ["code5", "fc6", "fc7", "training"] {  // the three layers' figures and the curves
                let png = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(layer).png"))
                XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], layer)
            }
            let markdown = try String(contentsOfFile: "\(out)/results.md", encoding: .utf8)
            XCTAssertTrue(result.stdout.contains(markdown), "the printed table is the file's")
            // | set | cross-entropy | accuracy | top-5 accuracy |
            for set in ["train", "validation", "test"] {
                let values = try row(markdown, set)
                XCTAssertEqual(values.count, 3, set)
                XCTAssertTrue(values[0] > 0 && values[0] < 10, "\(set) cross-entropy \(values[0])")
                XCTAssertTrue((0...1).contains(values[1]) && values[2] >= values[1] && values[2] <= 1, "\(set) accuracies \(values)")
            }
            // mAP per layer and chance: 2 classes of 20, so at least about 1/2 and at most 1.
            for name in ["code5", "fc6", "fc7", "chance (random codes)"] {
                let mAP = try row(markdown, name)[0]
                XCTAssertTrue(mAP > 0.3 && mAP <= 1, "\(name) mAP \(mAP)")
            }
            XCTAssertTrue(markdown.contains("stopped after 1 epoch(s) (epochs)"), markdown)
        }
    }

    /// The numbers of the Markdown table row starting with `| name |`.
    func row(_ markdown: String, _ name: String) throws -> [Double] {
        let line = try XCTUnwrap(markdown.split(separator: "\n").first { $0.hasPrefix("| \(name) |") }, "no row '\(name)'")
        return line.split(separator: "|").dropFirst().compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            .filter { $0.isFinite }
    }
}
