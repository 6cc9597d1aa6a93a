import Foundation
import XCTest
@testable import Lunet

/// The data engine from Swift: decoding, parallel loading, zip and gzip
/// reading, split arithmetic.
final class DataEngineTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "lunet-engine-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/imgs", withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A 5x4 image whose pixel (y, x, c) is 40y + 10x + c + seed, modulo 256.
    func pattern(_ seed: Int, channels: Int) -> DecodedImage {
        var pixels: [UInt8] = []
        for y in 0..<4 { for x in 0..<5 { for c in 0..<channels { pixels.append(UInt8((40 * y + 10 * x + c + seed) % 256)) } } }
        return DecodedImage(width: 5, height: 4, channels: channels, pixels: pixels)
    }

    func testPNGRoundTripAndGrayToRGB() throws {
        let rgb = pattern(1, channels: 3)
        let decoded = try ImageDecoder.decode(try ImageEncoder.png(rgb), channels: 3, name: "x.png")
        XCTAssertEqual(decoded.pixels, rgb.pixels)
        let gray = pattern(2, channels: 1)
        let expanded = try ImageDecoder.decode(try ImageEncoder.png(gray), channels: 3, name: "g.png")
        XCTAssertEqual(expanded.pixels, gray.pixels.flatMap { [$0, $0, $0] })
    }

    func testPlanarLayoutAndInversion() {
        let image = pattern(0, channels: 3)
        var planar = [UInt8](repeating: 0, count: 60)
        planar.withUnsafeMutableBufferPointer { image.writePlanar(to: $0.baseAddress!) }
        // [C, H, W]: channel 1 (0-based), row 2, column 3.
        let expected: UInt8 = 111  // 40 * 2 + 10 * 3 + 1
        XCTAssertEqual(planar[33], expected)
        planar.withUnsafeMutableBufferPointer { image.writePlanar(to: $0.baseAddress!, invert: true) }
        XCTAssertEqual(planar[0], 255)
    }

    func testParallelAndSerialLoadsAreIdentical() throws {
        var names: [String] = []
        for i in 0..<100 {
            let name = String(format: "imgs/%03d.png", i)
            try Data(try ImageEncoder.png(pattern(i, channels: 3))).write(to: URL(fileURLWithPath: root + "/" + name))
            names.append(name)
        }
        var loader = ImageLoader(channels: 3, height: 4, width: 5)
        let source = FolderSource(root)
        let parallel = try loader.load(names, from: source)
        loader.parallel = false
        let serial = try loader.load(names, from: source)
        XCTAssertTrue(parallel.isIdentical(to: serial))
        let expected: UInt8 = 5  // (40 * 3 + 10 * 4 + 2 + 99) % 256
        XCTAssertEqual(try parallel.value(at: [99, 2, 3, 4]), expected)
    }

    func testFirstFailingFileIsReportedWhateverTheThreadOrder() throws {
        var names: [String] = []
        for i in 0..<200 {
            let name = String(format: "imgs/%03d.png", i)
            let bytes = i == 150 || i == 60 ? [UInt8](repeating: 1, count: 10) : try ImageEncoder.png(pattern(i, channels: 1))
            try Data(bytes).write(to: URL(fileURLWithPath: root + "/" + name))
            names.append(name)
        }
        XCTAssertThrowsError(try ImageLoader(channels: 1, height: 4, width: 5).load(names, from: FolderSource(root))) { error in
            XCTAssertEqual((error as? LunetError)?.message, "'\(root)/imgs/060.png' is not an image: it does not start like a PNG or JPEG file")
        }
    }

    func testGzipReadsPlainFilesUnchanged() throws {
        let path = root + "/plain.bin"
        try Data([1, 2, 3, 250]).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try GzipFile.read(path), [1, 2, 3, 250])
        XCTAssertThrowsError(try GzipFile.read(root + "/absent.gz"))
    }

    func testSplitBoundsFollowNumPySlicing() throws {
        XCTAssertEqual(try Dataset.splitBounds([0.8, 0.1, 0.1], count: 95_000), [0, 76_000, 85_500, 95_000])
        XCTAssertEqual(try Dataset.splitBounds([0.8, 0.1, 0.1], count: 7), [0, 5, 6, 7])
        XCTAssertEqual(try Dataset.splitBounds([0.5], count: 9), [0, 4])
        XCTAssertThrowsError(try Dataset.splitBounds([0.9, 0.2], count: 9))
    }

    func testIndicesByClassListEveryClassInOrder() throws {
        let dataset = try Dataset(images: Tensor<UInt8>.zeros([6, 1, 1, 1]),
                                  labels: Tensor<Int32>(shape: [6], scalars: [2, 0, 2, 0, 0, 2]), classes: ["a", "b", "c"])
        XCTAssertEqual(dataset.indicesByClass, [[1, 3, 4], [], [0, 2, 5]])
        XCTAssertEqual(try dataset.indices(ofClass: 2), dataset.indicesByClass[2])
    }

    func testSeededPermutationsRepeat() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        let first = Dataset.permutation(50, generator: &a)
        XCTAssertEqual(first, Dataset.permutation(50, generator: &b))
        XCTAssertEqual(first.sorted(), Array(0..<50))
        XCTAssertNotEqual(first, Array(0..<50))
    }
}
