import XCTest
@testable import Lunet

/// The one home of distances: row norms summed in Double, metrics from sgemm
/// against direct sums, NaN propagating, one row normalization.
final class DistanceTests: XCTestCase {
    /// Squared norms rounded to Float are within the final rounding (2^-24
    /// relative) of an exact sum, for every tail length of the sixteen lanes.
    func testRowNormsAreWithinOneRoundingOfTheExactSum() throws {
        for width in [0, 1, 7, 8, 9, 15, 16, 17, 31, 1000, 4099] {
            let x = try Tensor<Float>.randn([6, width], seed: UInt64(width + 1))
            let norms = x.withUnsafeBufferPointer { RowNorms.squared($0.baseAddress!, rows: 6, width: width) }
            for r in 0..<6 {
                let exact = x.withUnsafeBufferPointer { p in
                    (0..<width).reduce(Float80(0)) { $0 + Float80(p[r * width + $1]) * Float80(p[r * width + $1]) }
                }
                XCTAssertLessThanOrEqual(abs(Float80(Float(norms[r])) - exact), exact * 0x1p-24, "width \(width) row \(r)")
            }
        }
    }

    func testNonFiniteRowsAreFoundAndHugeFiniteOnesAreNot() throws {
        let x = try Tensor<Float>(shape: [4, 3], scalars: [1, 2, 3, 3e38, -3e38, 1, 0, .infinity, 1, .nan, 1, 1])
        let norms = x.withUnsafeBufferPointer { RowNorms.squared($0.baseAddress!, rows: 4, width: 3) }
        XCTAssertTrue(norms[1].isFinite, "squares of Floats do not overflow Double")
        XCTAssertEqual(RowNorms.firstNonFinite(norms)?.row, 2)
        XCTAssertEqual(RowNorms.firstNonFinite(norms)?.value, .infinity)
        XCTAssertEqual(RowNorms.firstNonFinite(Array(norms[3...]))?.value, .nan)
        XCTAssertNil(RowNorms.firstNonFinite(Array(norms[..<2])))
    }

    /// Every metric between sets (sgemm and norms) equals the direct sum per pair.
    func testPairwiseMatrixEqualsDirectSums() throws {
        let a = try Tensor.concatenate([try Tensor<Float>.zeros([1, 7]), try Tensor<Float>.randn([4, 7], seed: 1)], dimension: 0)
        let b = try Tensor<Float>.randn([3, 7], seed: 2)
        for metric in DistanceMetric.allCases {
            let values = try PairwiseDistances.matrix(a, b, metric: metric)
            XCTAssertEqual(values.shape, [5, 3])
            for i in 0..<5 {
                for j in 0..<3 {
                    let direct = a.withUnsafeBufferPointer { x in
                        b.withUnsafeBufferPointer { y in metric.value(x.baseAddress! + i * 7, y.baseAddress! + j * 7, count: 7) }
                    }
                    XCTAssertEqual(Double(try values.value(at: [i, j])), direct, accuracy: 1e-5 * max(1, abs(direct)), "\(metric) \(i) \(j)")
                }
            }
        }
        // Row 0 is zero: cosine 0 with everything, as the direct sum says.
        XCTAssertEqual(try PairwiseDistances.matrix(a, b, metric: .cosine).value(at: [0, 1]), 0)
        // A row against itself is at distance 0, never below.
        let self_ = try PairwiseDistances.squared(b, b)
        for i in 0..<3 { XCTAssertEqual(try self_.value(at: [i, i]), 0, accuracy: 1e-5) }
        XCTAssertGreaterThanOrEqual(self_.scalars.min()!, 0)
    }

    func testPairedRowsAreSummedDirectly() throws {
        let a = try Tensor<Float>(shape: [2, 2], scalars: [0, 0, 1, 1])
        let b = try Tensor<Float>(shape: [2, 2], scalars: [3, 4, 1, 1])
        XCTAssertEqual(try PairwiseDistances.paired(a, b, metric: .squared), [25, 0])
        XCTAssertEqual(try PairwiseDistances.paired(a, b, metric: .euclidean), [5, 0])
        XCTAssertEqual(try PairwiseDistances.paired(a, b, metric: .dot), [0, 2])
        XCTAssertEqual(try PairwiseDistances.paired(a, b, metric: .cosine)[1], 1, accuracy: 1e-15)
        XCTAssertThrowsError(try PairwiseDistances.paired(a, try Tensor.zeros([2, 3]), metric: .squared)) {
            XCTAssertEqual("\($0)", "paired distances: expected two matrices of one shape, got Float32 tensor of shape 2x2 and Float32 tensor of shape 2x3")
        }
    }

    /// A row holding NaN gives NaN distances, norms and normalized rows; the other rows are untouched.
    func testNaNPropagates() throws {
        let x = try Tensor<Float>(shape: [2, 3], scalars: [1, .nan, 0, 3, 4, 0])
        let y = try Tensor<Float>(shape: [2, 3], scalars: [1, 1, 0, 0, 0, 0])
        for metric in DistanceMetric.allCases {
            let values = try PairwiseDistances.matrix(x, y, metric: metric).scalars
            XCTAssertTrue(values[0].isNaN && values[1].isNaN, "\(metric)")
            XCTAssertFalse(values[2].isNaN || values[3].isNaN, "\(metric)")
            let paired = try PairwiseDistances.paired(x, y, metric: metric)
            XCTAssertTrue(paired[0].isNaN, "\(metric)")
            XCTAssertFalse(paired[1].isNaN, "\(metric)")
        }
        let normalized = try x.rowNormalized().scalars
        XCTAssertTrue(normalized[0].isNaN && normalized[2].isNaN)
        XCTAssertEqual(Array(normalized[3...]), [0.6, 0.8, 0])
        let layer = try L2Normalize().forward(x).scalars
        XCTAssertTrue(layer[0].isNaN)
        XCTAssertEqual(Array(layer[3...]), [0.6, 0.8, 0])
    }

    /// `tensor:normalize` and `nn.L2Normalize` are one computation.
    func testNormalizeEqualsL2Normalize() throws {
        let x = try Tensor<Float>.randn([9, 33], seed: 4)
        XCTAssertEqual(try x.rowNormalized().scalars, try L2Normalize().forward(x).scalars)
        XCTAssertEqual(try Tensor<Float>.zeros([2, 4]).rowNormalized().scalars, Array(repeating: 0, count: 8))
    }
}
