@testable import Lunet
import XCTest

/// What the REPL shows for a tensor: every value of a small one, the first and
/// last rows and columns of a large one (NumPy's and Torch's shortening), at every rank.
final class TensorDisplayTests: XCTestCase {
    func arange(_ shape: [Int]) throws -> Tensor<Float> {
        try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map(Float.init))
    }

    func testSmallTensorsShowEveryValue() throws {
        XCTAssertEqual(try arange([2, 3]).displayText, "0.0000 1.0000 2.0000\n3.0000 4.0000 5.0000\n[Float32 tensor of shape 2x3]")
        XCTAssertEqual(try arange([3]).displayText, "0.0000 1.0000 2.0000\n[Float32 tensor of shape 3]")
        XCTAssertEqual(try Tensor<Float>(shape: [], scalars: [3]).displayText, "3.0000\n[Float32 scalar tensor (0 dimensions)]")
        XCTAssertEqual(try Tensor<Int32>(shape: [2], scalars: [7, -12]).displayText, "  7 -12\n[Int32 tensor of shape 2]")
        XCTAssertEqual(try arange([0, 3]).displayText, "[Float32 tensor of shape 0x3]")
        XCTAssertEqual(try arange([2, 1, 2]).displayText, """
            (1,.,.) =
            0.0000 1.0000
            (2,.,.) =
            2.0000 3.0000
            [Float32 tensor of shape 2x1x2]
            """)
    }

    func testLargeVectorAndMatrixAreShortened() throws {
        XCTAssertEqual(try arange([101]).displayText,
                       "  0.0000   1.0000   2.0000 ...  98.0000  99.0000 100.0000\n[Float32 tensor of shape 101]")
        XCTAssertEqual(try arange([20, 10]).displayText, """
              0.0000   1.0000   2.0000 ...   7.0000   8.0000   9.0000
             10.0000  11.0000  12.0000 ...  17.0000  18.0000  19.0000
             20.0000  21.0000  22.0000 ...  27.0000  28.0000  29.0000
            ...
            170.0000 171.0000 172.0000 ... 177.0000 178.0000 179.0000
            180.0000 181.0000 182.0000 ... 187.0000 188.0000 189.0000
            190.0000 191.0000 192.0000 ... 197.0000 198.0000 199.0000
            [Float32 tensor of shape 20x10]
            """)
        // A short dimension is shown whole even in a large tensor.
        XCTAssertEqual(try arange([2, 60]).displayText.split(separator: "\n").count, 3)
    }

    func testHigherRanksShowTheFirstAndLastMatrixOfEachLeadingDimension() throws {
        let text = try arange([5, 3, 4, 4]).displayText
        let headings = text.split(separator: "\n").filter { $0.hasPrefix("(") }
        XCTAssertEqual(headings, ["(1,1,.,.) =", "(1,3,.,.) =", "(5,1,.,.) =", "(5,3,.,.) ="])
        XCTAssertTrue(text.hasPrefix("(1,1,.,.) =\n  0.0000   1.0000   2.0000   3.0000\n"), text)
        XCTAssertTrue(text.hasSuffix("236.0000 237.0000 238.0000 239.0000\n[Float32 tensor of shape 5x3x4x4]"), text)
        XCTAssertEqual(text.split(separator: "\n").count, 4 * 5 + 3 + 1)  // four blocks, three '...' between them, the shape line
    }

    func testManyShortLeadingDimensionsAreCut() throws {
        let shape = [Int](repeating: 2, count: 20)
        let text = try Tensor<UInt8>(shape: shape, repeating: 1).displayText
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("(") }.count, 16)
        XCTAssertEqual(lines.suffix(2), ["...", "[UInt8 tensor of shape \(shape.map(String.init).joined(separator: "x"))]"])
    }

    func testAHugeTensorShowsAFewLinesQuickly() throws {
        let text = try Tensor<UInt8>(shape: [100, 3, 64, 64], repeating: 9).displayText
        XCTAssertEqual(text.split(separator: "\n").count, 4 * 8 + 3 + 1)
        XCTAssertTrue(text.hasSuffix("9 9 9 ... 9 9 9\n[UInt8 tensor of shape 100x3x64x64]"), text)
    }
}
