import Foundation
import XCTest

/// examples/triplet_oneshot.lua and examples/custom_sampler.lua end to end on
/// real Omniglot, scaled down to seconds.
final class TripletExampleTests: XCTestCase {
    static let background = ExampleTests.repositoryRoot + "/../shared/data/omniglot/images_background_small1.zip"

    override func setUpWithError() throws {
        for file in ["images_background_small1.zip", "all_runs.zip"]
        where !FileManager.default.fileExists(atPath: ExampleTests.repositoryRoot + "/../shared/data/omniglot/" + file) {
            throw XCTSkip("shared data 'omniglot/\(file)' is absent")
        }
    }

    /// The rows of the closing table that start with `name`, split into fields.
    func row(_ output: String, _ name: String) -> [String]? {
        output.split(separator: "\n").last { $0.hasPrefix(name + " ") }.map { $0.split(separator: " ").map(String.init) }
    }

    func testTripletOneShotComparesRandomAndHardOnHeldOutAlphabets() throws {
        // Each build alone: the output holds timings and trained values.
        for executable in LunetProcess.executables {
            let chart = NSTemporaryDirectory() + "lunet-triplet-\(UUID().uuidString).png"
            defer { try? FileManager.default.removeItem(atPath: chart) }
            let result = try LunetProcess.run(on: executable, ["examples/triplet_oneshot.lua", Self.background, "--model", "small", "--rounds", "2",
                                               "--steps", "2", "--batch", "4", "--tasks", "10", "--perclass", "3", "--plot", chart],
                                              directory: ExampleTests.repositoryRoot)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("training on [Dataset: 210 images 1x105x105, 70 classes, 3 groups] (Balinese, Early_Aramaic, Greek), one-shot tests on [Dataset: 198 images 1x105x105, 66 classes, 2 groups] (Korean, Latin)"), result.stdout)
            XCTAssertTrue(result.stdout.contains("raw pixels on the official runs: 0.190"), result.stdout)
            XCTAssertEqual(row(result.stdout, "pixels"), ["pixels", "0.190"])
            for name in ["random", "hardest"] {
                let fields = try XCTUnwrap(row(result.stdout, name), result.stdout)
                // name, two rounds, official runs, seconds per round: accuracies are fractions.
                XCTAssertEqual(fields.count, 5, result.stdout)
                for accuracy in fields[1...3] { XCTAssertTrue((0...1).contains(Double(accuracy) ?? -1), result.stdout) }
            }
            try assertPNG(chart)
            XCTAssertTrue(result.stdout.contains("wrote " + chart), result.stdout)
        }
    }

    func testCustomSamplerComparesALuaSemiHardSamplerWithTheBuiltIns() throws {
        // Each build alone: the output holds timings and trained values.
        for executable in LunetProcess.executables {
            let chart = NSTemporaryDirectory() + "lunet-custom-\(UUID().uuidString).png"
            defer { try? FileManager.default.removeItem(atPath: chart) }
            let result = try LunetProcess.run(on: executable, ["examples/custom_sampler.lua", Self.background, "--rounds", "1", "--steps", "2", "--batch", "4", "--tasks", "10", "--perclass", "3", "--plot", chart],
                                              directory: ExampleTests.repositoryRoot)
            XCTAssertEqual(result.status, 0, result.stderr)
            for name in ["random", "hardest", "lua semihard"] {
                let fields = try XCTUnwrap(row(result.stdout, name), result.stdout)
                XCTAssertTrue((0...1).contains(Double(fields[fields.count - 2]) ?? -1), result.stdout)
            }
            try assertPNG(chart)
        }
    }

    /// The chart an example wrote: a PNG file.
    func assertPNG(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let png = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], path, file: file, line: line)
    }
}
