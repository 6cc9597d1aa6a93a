import Lunet
import XCTest

/// `sort` and `topk` with NaN, against PyTorch's results
/// (`bench/reference/make_sort_references.py`, output in `sort_references.txt`):
/// NaN ranks above every number, ties keep the earlier position first.
final class SortReferenceTests: XCTestCase {
    /// Scalars with NaN compared as equal to NaN.
    func assertValues(_ actual: [Float], _ expected: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.map { $0.isNaN ? "nan" : "\($0)" }, expected.map { $0.isNaN ? "nan" : "\($0)" }, file: file, line: line)
    }

    func check(_ row: [Float], sortAscending: ([Float], [Int32]), sortDescending: ([Float], [Int32]),
               top3Largest: ([Float], [Int32]), top3Smallest: ([Float], [Int32]), line: UInt = #line) throws {
        let x = try Tensor<Float>(shape: [row.count], scalars: row)
        for (result, expected) in [
            (try x.sorted(), sortAscending), (try x.sorted(descending: true), sortDescending),
            (try x.topk(3), top3Largest), (try x.topk(3, largest: false), top3Smallest),
        ] {
            assertValues(result.values.scalars, expected.0, line: line)
            XCTAssertEqual(result.indices.scalars.map { $0 + 1 }, expected.1, line: line)
        }
    }

    func testNaNRanksAboveEveryNumberAsInPyTorch() throws {
        let nan = Float.nan, inf = Float.infinity
        try check([3, nan, 1, 2],
                  sortAscending: ([1, 2, 3, nan], [3, 4, 1, 2]), sortDescending: ([nan, 3, 2, 1], [2, 1, 4, 3]),
                  top3Largest: ([nan, 3, 2], [2, 1, 4]), top3Smallest: ([1, 2, 3], [3, 4, 1]))
        try check([nan, -inf, 0.5, nan, inf, -1],
                  sortAscending: ([-inf, -1, 0.5, inf, nan, nan], [2, 6, 3, 5, 1, 4]),
                  sortDescending: ([nan, nan, inf, 0.5, -1, -inf], [1, 4, 5, 3, 6, 2]),
                  top3Largest: ([nan, nan, inf], [1, 4, 5]), top3Smallest: ([-inf, -1, 0.5], [2, 6, 3]))
    }

    /// Small k of a long row takes the partial selection path, which must rank NaN alike.
    func testPartialSelectionRanksNaNAlike() throws {
        var row = (0..<40).map { Float($0) }
        row[7] = .nan
        let x = try Tensor<Float>(shape: [1, 40], scalars: row)
        let (largest, largestAt) = try x.topk(2)
        assertValues(largest.scalars, [.nan, 39])
        XCTAssertEqual(largestAt.scalars, [7, 39])
        let (smallest, smallestAt) = try x.topk(2, largest: false)
        assertValues(smallest.scalars, [0, 1])
        XCTAssertEqual(smallestAt.scalars, [0, 1])
    }
}
