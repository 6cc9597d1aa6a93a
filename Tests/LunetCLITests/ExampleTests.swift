import Foundation
import XCTest

/// The examples run end to end on small real data.
final class ExampleTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func testQuickstartLearnsFashionMNIST() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("Fashion-MNIST is absent: install Debian's dataset-fashion-mnist (make test does)")
        }
        // Each build alone: the output holds timings.
        for executable in LunetProcess.executables {
            let result = try LunetProcess.run(on: executable, ["examples/quickstart.lua", "100", "2"], directory: Self.repositoryRoot)
            XCTAssertEqual(result.status, 0, "\(executable.path): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("training on [Dataset: 1000 images 1x28x28, 10 classes]"), result.stdout)
            XCTAssertTrue(result.stdout.contains("Total parameters: 215370"), result.stdout)
            XCTAssertTrue(result.stdout.contains("reloaded model gives identical outputs: true"), result.stdout)
            // 1,000 images and two epochs are far above chance (10%).
            let accuracies = result.stdout.split(separator: "\n").compactMap { line -> Double? in
                guard let range = line.range(of: "test accuracy ") else { return nil }
                return Double(line[range.upperBound...].prefix(5))
            }
            XCTAssertEqual(accuracies.count, 2)
            XCTAssertGreaterThan(accuracies.last ?? 0, 0.5)
        }
    }
}
