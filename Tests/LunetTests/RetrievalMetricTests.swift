import XCTest
@testable import Lunet

/// Average precision, mAP (symmetric sweep) and precision@k against the values
/// of bench/reference/make_retrieval_references.py: case A has no tied scores
/// and equals scikit-learn's average_precision_score; case B has ties, which
/// lunet breaks by the lower index (sklearn, which puts ties at one threshold,
/// gives other values there: 0.3968 instead of 0.4206 for query 1 by dot).
final class RetrievalMetricTests: XCTestCase {
    let codesA: [[Float]] = [[1, 1, 6, -1], [5, -8, 1, -3], [-9, 2, -1, -9], [-4, 7, -8, 7], [7, -9, -7, 6], [-9, -6, 6, 4],
                             [0, -7, -5, 4], [-5, 9, -1, 9], [-3, 3, -6, -6], [7, -2, 5, -4], [-9, 9, 9, -4], [7, 1, -2, -2]]
    let labelsA: [Int32] = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4]
    let codesB: [[Float]] = [[1, 0], [1, 0], [0, 1], [0, 1], [0, 1], [1, 1], [2, 0], [0, 2]]
    let labelsB: [Int32] = [0, 1, 0, 1, 1, 0, 1, 0]

    struct Reference {
        let ap: [Double]
        let mAP, mAPAtR, p1, p3: Double
    }

    let referenceA: [DistanceMetric: Reference] = [
        .dot: Reference(ap: [0.311742424242, 0.54375, 0.360551948052, 0.329166666667, 0.41875, 0.5, 0.309523809524,
                             0.309523809524, 0.111111111111, 0.142857142857, .nan, .nan],
                        mAP: 0.333697691198, mAPAtR: 0.081250000000, p1: 0.083333333333, p3: 0.138888888889),
        .euclidean: Reference(ap: [0.311742424242, 0.367361111111, 0.329004329004, 0.340476190476, 0.45, 0.416666666667,
                                   0.236111111111, 0.266666666667, 0.142857142857, 0.2, .nan, .nan],
                              mAP: 0.306088564214, mAPAtR: 0.060416666667, p1: 0, p3: 0.111111111111),
    ]
    let referenceB: [DistanceMetric: Reference] = [
        .dot: Reference(ap: [0.420634920635, 0.633333333333, 0.7, 0.365079365079, 0.365079365079, 0.588888888889,
                             0.466666666667, 0.7],
                        mAP: 0.529960317460, mAPAtR: 0.236111111111, p1: 0.375, p3: 0.375),
        .euclidean: Reference(ap: [0.47619047619, 0.411111111111, 0.477777777778, 0.420634920635, 0.420634920635,
                                   0.698412698413, 0.466666666667, 0.7],
                              mAP: 0.508928571429, mAPAtR: 0.222222222222, p1: 0.25, p3: 0.375),
    ]

    func matrix(_ rows: [[Float]]) throws -> Tensor<Float> {
        try Tensor(shape: [rows.count, rows[0].count], scalars: rows.flatMap { $0 })
    }

    func check(_ rows: [[Float]], _ labelValues: [Int32], _ references: [DistanceMetric: Reference],
               file: StaticString = #filePath, line: UInt = #line) throws {
        let codes = try matrix(rows)
        let labels = try Tensor<Int32>(shape: [labelValues.count], scalars: labelValues)
        for (metric, reference) in references {
            let ap = try AveragePrecision.perQuery(codes, labels: labels, queries: Array(rows.indices), metric: metric)
            XCTAssertEqual(ap.count, reference.ap.count, file: file, line: line)
            for (value, expected) in zip(ap, reference.ap) {
                if expected.isNaN {
                    XCTAssertTrue(value.isNaN, "\(metric)", file: file, line: line)
                } else {
                    XCTAssertEqual(value, expected, accuracy: 1e-9, "\(metric)", file: file, line: line)
                }
            }
            // The symmetric sweep, with blocks smaller than N (uneven) and with one block.
            for blockSize in [1, 3, 5, 1024] {
                var mAP = MeanAveragePrecision(metric: metric)
                mAP.blockSize = blockSize
                XCTAssertEqual(try mAP(codes, labels: labels), reference.mAP, accuracy: 1e-9, "\(metric) \(blockSize)", file: file, line: line)
                mAP.atR = true
                XCTAssertEqual(try mAP(codes, labels: labels), reference.mAPAtR, accuracy: 1e-9, "\(metric) \(blockSize)", file: file, line: line)
            }
            XCTAssertEqual(try AveragePrecision.precisionAt(1, codes: codes, labels: labels, metric: metric), reference.p1, accuracy: 1e-9, file: file, line: line)
            XCTAssertEqual(try AveragePrecision.precisionAt(3, codes: codes, labels: labels, metric: metric), reference.p3, accuracy: 1e-9, file: file, line: line)
        }
    }

    func testTieFreeCaseEqualsScikitLearn() throws {
        try check(codesA, labelsA, referenceA)
    }

    func testTiesGoToTheLowerIndex() throws {
        try check(codesB, labelsB, referenceB)
    }

    /// Queries in any order and in blocks of rows give the same values.
    func testPerQueryRowsInBlocksEqualOneBlock() throws {
        let codes = try matrix(codesB), labels = try Tensor<Int32>(shape: [8], scalars: labelsB)
        let whole = try AveragePrecision.perQuery(codes, labels: labels, queries: [7, 2, 0], metric: .dot)
        let blocked = try AveragePrecision.perQuery(codes, labels: labels, queries: [7, 2, 0], metric: .dot, blockRows: 2)
        XCTAssertEqual(whole, blocked)
        XCTAssertEqual(whole[0], 0.7, accuracy: 1e-12)
    }

    /// Integer codes make every score exact, so the symmetric sweep (with
    /// gathered classes, uneven blocks, and tiles of columns cut inside a
    /// block) must equal the mean of the rows.
    func testSymmetricSweepEqualsRowByRowOnShuffledLabels() throws {
        var generator = RandomGenerator(seed: 7)
        for (n, d, classes, blockSizes) in [(61, 5, 5, [8]), (300, 8, 4, [150, 1024])] {
            let codes = try Tensor<Float>(shape: [n, d], scalars: (0..<n * d).map { _ in Float(Int.random(in: -3...3, using: &generator)) })
            let labels = try Tensor<Int32>(shape: [n], scalars: (0..<n).map { _ in Int32.random(in: 0..<Int32(classes), using: &generator) })
            for metric in DistanceMetric.allCases {
                let rows = try AveragePrecision.perQuery(codes, labels: labels, queries: Array(0..<n), metric: metric, blockRows: 9)
                let mean = rows.filter { !$0.isNaN }.reduce(0, +) / Double(rows.filter { !$0.isNaN }.count)
                for blockSize in blockSizes {
                    var mAP = MeanAveragePrecision(metric: metric)
                    mAP.blockSize = blockSize
                    XCTAssertEqual(try mAP(codes, labels: labels), mean, accuracy: 1e-12, "\(metric) n \(n) block \(blockSize)")
                }
            }
        }
    }

    /// Finite codes can still overflow: 3e38 * 3e38 - 3e38 * 3e38 is inf - inf = NaN
    /// with SSE kernels, +inf with FMA kernels (the second product stays exact).
    /// Either way the ranking follows the score: NaN after every number, +inf first.
    func testOverflowingScoresFromFiniteCodesRankByTheirValue() throws {
        // Query 0 against item 1: NaN or +inf; against item 2: 6; against item 3: -6.
        let codes = try matrix([[3e38, 3e38], [3e38, -3e38], [2e-38, 0], [-2e-38, 0]])
        let labels = try Tensor<Int32>(shape: [4], scalars: [0, 0, 1, 1])
        var overflowed = [Float.zero]
        let rows = codes.scalars
        BLAS.sgemm(transposeB: true, m: 1, n: 1, k: 2, a: rows, lda: 2, b: Array(rows[2..<4]), ldb: 2, c: &overflowed, ldc: 1)
        XCTAssertTrue(overflowed[0].isNaN || overflowed[0] == .infinity, "\(overflowed[0])")
        // Item 1 (relevant) ranks after items 2 and 3 when NaN (AP = 1/3), first when +inf (AP = 1).
        let ap = try AveragePrecision.perQuery(codes, labels: labels, queries: [0], metric: .dot)
        XCTAssertEqual(ap[0], overflowed[0].isNaN ? 1.0 / 3.0 : 1, accuracy: 1e-12, "score \(overflowed[0])")
        var mAP = MeanAveragePrecision(metric: .dot)
        mAP.blockSize = 2
        let perQuery = try AveragePrecision.perQuery(codes, labels: labels, queries: Array(0..<4), metric: .dot)
        XCTAssertEqual(try mAP(codes, labels: labels), perQuery.reduce(0, +) / 4, accuracy: 1e-12)
    }

    /// A code holding NaN used to score NaN against everything, so its
    /// query's ranking was the index order (AP 1.0 here): now every metric
    /// refuses such codes and names the row.
    func testNaNOrInfiniteCodesAreAnErrorNamingTheRow() throws {
        let labels = try Tensor<Int32>(shape: [4], scalars: [0, 0, 1, 1])
        for (value, words) in [(Float.nan, "NaN"), (-.infinity, "an infinity")] {
            let codes = try matrix([[1, 0], [0, 1], [1, 1], [0.5, value]])
            let expected = "codes row 3 holds \(words): codes must be finite to be ranked"
            for metric in DistanceMetric.allCases {
                assertMessage(try AveragePrecision.perQuery(codes, labels: labels, queries: [0], metric: metric), expected)
                assertMessage(try MeanAveragePrecision(metric: metric)(codes, labels: labels), expected)
                assertMessage(try AveragePrecision.precisionAt(1, codes: codes, labels: labels, metric: metric), expected)
                assertMessage(try NeighborSearch(metric: metric, k: 1)(codes, queries: [0]), expected)
            }
        }
    }

    /// Every retrieval function says the same of a code matrix without rows or columns.
    func testEmptyCodeMatricesAreAnError() throws {
        for shape in [[0, 4], [3, 0]] {
            let codes = try Tensor<Float>.zeros(shape)
            let labels = try Tensor<Int32>.zeros([shape[0]])
            let expected = "codes must be a matrix [N, D] with at least one row and one column, got Float32 tensor of shape \(formatShape(shape))"
            assertMessage(try AveragePrecision.perQuery(codes, labels: labels, queries: []), expected)
            assertMessage(try MeanAveragePrecision()(codes, labels: labels), expected)
            assertMessage(try AveragePrecision.precisionAt(1, codes: codes, labels: labels), expected)
            assertMessage(try NeighborSearch(k: 1)(codes, queries: []), expected)
        }
    }

    func assertMessage<T>(_ expression: @autoclosure () throws -> T, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) {
            XCTAssertEqual("\($0)", message, file: file, line: line)
        }
    }

    func testErrors() throws {
        let codes = try matrix(codesB)
        XCTAssertThrowsError(try MeanAveragePrecision()(codes, labels: try Tensor<Int32>(shape: [3], scalars: [0, 1, 2]))) {
            XCTAssertEqual("\($0)", "labels must be a vector of 8 (one per code), got Int32 tensor of shape 3")
        }
        XCTAssertThrowsError(try MeanAveragePrecision()(codes, labels: try Tensor<Int32>(shape: [8], scalars: Array(0..<8)))) {
            XCTAssertEqual("\($0)", "mAP: no code shares its label with another, so no query has a relevant item")
        }
        XCTAssertThrowsError(try MeanAveragePrecision()(try Tensor<Float>.randn([2, 2, 2]), labels: try Tensor<Int32>(shape: [2], scalars: [0, 0]))) {
            XCTAssertEqual("\($0)", "codes must be a matrix [N, D], got Float32 tensor of shape 2x2x2")
        }
    }
}
