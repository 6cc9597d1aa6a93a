import Foundation
import XCTest
@testable import Lunet

/// The retrieval figure is written as a PNG whose frames have the right colours
/// where the layout puts them, for grey and RGB images of several sizes.
final class RetrievalFigureTests: XCTestCase {
    /// `count` images of one flat grey level each (`10 * i`), labels as given.
    func dataset(channels: Int, side: Int, labels: [Int32]) throws -> Dataset {
        let size = channels * side * side
        let images = try Tensor<UInt8>(shape: [labels.count, channels, side, side],
                                       scalars: labels.indices.flatMap { [UInt8](repeating: UInt8(10 * $0), count: size) })
        return try Dataset(images: images, labels: try Tensor(shape: [labels.count], scalars: labels),
                           classes: ["cat", "dog", "a very long class name"])
    }

    func decodedFigure(_ figure: RetrievalFigure) throws -> DecodedImage {
        let path = NSTemporaryDirectory() + "lunet-figure-\(getpid())-\(figure.scale).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try figure.write(to: path)
        return try ImageDecoder.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), channels: 3, name: path)
    }

    func pixel(_ image: DecodedImage, _ x: Int, _ y: Int) -> RGB {
        let at = (y * image.width + x) * 3
        return RGB(image.pixels[at], image.pixels[at + 1], image.pixels[at + 2])
    }

    func checkFrames(channels: Int, side: Int, classNames: Bool) throws {
        let ds = try dataset(channels: channels, side: side, labels: [0, 1, 0, 2, 1, 0])
        // Query 0 (label 0) finds 2 (match) then 1 (miss); query 4 (label 1) finds 1 (match) then 3 (miss).
        let figure = try RetrievalFigure(dataset: ds, queries: [0, 4], results: [[2, 1], [1, 3]], classNames: classNames)
        let image = try decodedFigure(figure)
        XCTAssertEqual(image.width, figure.width)
        XCTAssertEqual(image.height, figure.height)
        let expected: [[RGB]] = [[RetrievalFigure.queryColor, RetrievalFigure.matchColor, RetrievalFigure.mismatchColor],
                                 [RetrievalFigure.queryColor, RetrievalFigure.matchColor, RetrievalFigure.mismatchColor]]
        let images = [[0, 2, 1], [4, 1, 3]]
        for row in 0..<2 {
            for column in 0..<3 {
                let (x, y) = figure.frameOrigin(row: row, column: column)
                let t = figure.frameThickness
                // Frame corners and edge middles, then the image's own grey inside.
                for (px, py) in [(x, y), (x + figure.cellWidth - 1, y + figure.cellHeight - 1), (x + figure.cellWidth / 2, y + t - 1),
                                 (x + t - 1, y + figure.cellHeight / 2)] {
                    XCTAssertEqual(pixel(image, px, py), expected[row][column], "row \(row) column \(column) at \(px),\(py)")
                }
                let grey = UInt8(10 * images[row][column])
                XCTAssertEqual(pixel(image, x + t, y + t), RGB(grey, grey, grey))
                XCTAssertEqual(pixel(image, x + figure.cellWidth - t - 1, y + figure.cellHeight - t - 1), RGB(grey, grey, grey))
            }
        }
        // The margin stays white; class names put ink under the images, or take no room when not asked.
        XCTAssertEqual(pixel(image, 0, 0), RGB(255, 255, 255))
        guard classNames else {
            XCTAssertEqual(image.height, 2 * figure.cellHeight + 4 + 2 * 4)
            return
        }
        let (x, y) = figure.frameOrigin(row: 0, column: 0)
        let under = (y + figure.cellHeight + 2..<y + figure.cellHeight + 9).flatMap { row in
            (x..<x + figure.cellWidth).map { pixel(image, $0, row) }
        }
        XCTAssertTrue(under.contains { $0 == RGB(30, 30, 30) })
    }

    func testGreyFashionMNISTSizeWithNames() throws { try checkFrames(channels: 1, side: 28, classNames: true) }
    func testRGBTinyImageNetSizeWithoutNames() throws { try checkFrames(channels: 3, side: 64, classNames: false) }
    func testOmniglotSize() throws { try checkFrames(channels: 1, side: 105, classNames: true) }

    func testLayoutScalesSmallImages() throws {
        XCTAssertEqual(try RetrievalFigure(dataset: try dataset(channels: 1, side: 28, labels: [0, 1]), queries: [0], results: [[1]]).scale, 2)
        XCTAssertEqual(try RetrievalFigure(dataset: try dataset(channels: 3, side: 64, labels: [0, 1]), queries: [0], results: [[1]]).scale, 1)
    }

    func testErrors() throws {
        let ds = try dataset(channels: 1, side: 8, labels: [0, 1, 0])
        XCTAssertThrowsError(try RetrievalFigure(dataset: ds, queries: [0], results: [[3]])) {
            XCTAssertEqual("\($0)", "RetrievalFigure: image 3 out of range for a dataset of 3 images")
        }
        XCTAssertThrowsError(try RetrievalFigure(dataset: ds, queries: [0, 1], results: [[2]])) {
            XCTAssertEqual("\($0)", "figure: 1 rows of results for 2 queries")
        }
        let figure = try RetrievalFigure(dataset: ds, queries: [0], results: [[2]])
        XCTAssertThrowsError(try figure.write(to: "/nonexistent-folder/f.png")) {
            XCTAssertEqual("\($0)", "cannot write '/nonexistent-folder/f.png': folder '/nonexistent-folder' does not exist")
        }
    }
}
