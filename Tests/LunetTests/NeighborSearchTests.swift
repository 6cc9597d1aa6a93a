import XCTest
@testable import Lunet

/// Exact k-NN: known neighbours for each metric, ties, NaN, blocks, neural codes.
final class NeighborSearchTests: XCTestCase {
    /// Points on a line plus two off it: distances and angles are easy to see.
    let points: [Float] = [0, 1,  1, 1,  3, 1,  4, 1,  -2, 1,  1, 0]

    func codes() throws -> Tensor<Float> { try Tensor(shape: [6, 2], scalars: points) }

    func testEuclideanNeighboursAndDistances() throws {
        let result = try NeighborSearch(metric: .euclidean, k: 3)(try codes(), queries: [0, 2])
        XCTAssertEqual(result.indices.scalars, [1, 5, 4,  3, 1, 5])
        let expected: [Float] = [1, Float(2).squareRoot(), 2,  1, 2, Float(5).squareRoot()]
        for (a, b) in zip(result.scores.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testDotAndCosine() throws {
        let dot = try NeighborSearch(metric: .dot, k: 2)(try codes(), queries: [5])
        XCTAssertEqual(dot.indices.scalars, [3, 2])
        XCTAssertEqual(dot.scores.scalars, [4, 3])
        // Cosine from query 1 = (1, 1): (3, 1) and (4, 1) are closer in angle than (0, 1) and (1, 0), which tie.
        let cosine = try NeighborSearch(metric: .cosine, k: 4)(try codes(), queries: [1])
        XCTAssertEqual(cosine.indices.scalars, [2, 3, 0, 5])
        XCTAssertEqual(cosine.scores.scalars[2], cosine.scores.scalars[3])
        XCTAssertEqual(cosine.scores.scalars[0], 4 / (Float(2).squareRoot() * Float(10).squareRoot()), accuracy: 1e-6)
    }

    func testTiesGoToTheLowerIndex() throws {
        let codes = try Tensor<Float>(shape: [5, 1], scalars: [1, 3, 2, 2, 2])
        let result = try NeighborSearch(metric: .dot, k: 4)(codes, queries: [0])
        XCTAssertEqual(result.indices.scalars, [1, 2, 3, 4])
        let withSelf = try NeighborSearch(metric: .dot, k: 5, excludeSelf: false)(codes, queries: [3])
        XCTAssertEqual(withSelf.indices.scalars, [1, 2, 3, 4, 0])
    }

    /// Finite codes can overflow (3e38 * 3e38 - 3e38 * 3e38): NaN with SSE
    /// kernels, +inf with FMA ones. A NaN score comes last, +inf first.
    func testOverflowingScoresRankByTheirValue() throws {
        let codes = try Tensor<Float>(shape: [4, 2], scalars: [3e38, 3e38,  3e38, -3e38,  2e-38, 0,  2e-38, 0])
        var overflowed = [Float.zero]
        BLAS.sgemm(transposeB: true, m: 1, n: 1, k: 2, a: [3e38, 3e38], lda: 2, b: [3e38, -3e38], ldb: 2, c: &overflowed, ldc: 1)
        let result = try NeighborSearch(metric: .dot, k: 3)(codes, queries: [0])
        if overflowed[0].isNaN {
            XCTAssertEqual(result.indices.scalars, [2, 3, 1])
            XCTAssertEqual(Array(result.scores.scalars.prefix(2)), [6, 6])
            XCTAssertTrue(result.scores.scalars[2].isNaN)
        } else {
            XCTAssertEqual(overflowed[0], .infinity)
            XCTAssertEqual(result.indices.scalars, [1, 2, 3])
            XCTAssertEqual(result.scores.scalars, [.infinity, 6, 6])
        }
    }

    func testBlocksSmallerThanTheSetGiveTheSameResult() throws {
        let codes = try Tensor<Float>.randn([37, 6], seed: 3)
        let queries = [36, 0, 5, 5, 17, 2, 30]
        for metric in DistanceMetric.allCases {
            let whole = try NeighborSearch(metric: metric, k: 7)(codes, queries: queries)
            var blocked = NeighborSearch(metric: metric, k: 7)
            blocked.blockRows = 2
            blocked.blockColumns = 5
            let parts = try blocked(codes, queries: queries)
            XCTAssertEqual(whole.indices.scalars, parts.indices.scalars, "\(metric)")
            XCTAssertEqual(whole.scores.scalars, parts.scores.scalars, "\(metric)")
            // Against a sort of the full row.
            let all = try NeighborSearch(metric: metric, k: 36)(codes, queries: [17])
            XCTAssertEqual(Array(all.indices.scalars.prefix(7)), Array(whole.indices.scalars[28..<35]))
            XCTAssertEqual(all.scores.scalars, all.scores.scalars.sorted(by: metric.isDistance ? (<) : (>)))
        }
    }

    func testErrors() throws {
        XCTAssertThrowsError(try NeighborSearch(k: 6)(try codes(), queries: [0])) {
            XCTAssertEqual("\($0)", "k = 6 is more than the 5 codes each query can be compared with (N - 1 with excludeSelf)")
        }
        XCTAssertThrowsError(try NeighborSearch(k: 0)(try codes(), queries: [0])) {
            XCTAssertEqual("\($0)", "k must be at least 1, got 0")
        }
        XCTAssertThrowsError(try NeighborSearch(k: 1)(try codes(), queries: [6])) {
            XCTAssertEqual("\($0)", "query 6 out of range for 6 codes")  // Swift's phrasing: 0-based
        }
    }

    /// Codes are the eval-mode outputs of the named layers, flattened, whatever the batch size; the mode comes back.
    func testNeuralCodesAreEvalOutputsOfNamedLayers() throws {
        let flatten = Flatten()
        flatten.name = "code"
        let fc = try Linear(12, 3, seed: 1)
        fc.name = "fc"
        let net = Sequential([flatten, try Dropout(0.5, seed: 2), fc, ReLU()])
        let images = try Tensor<UInt8>(shape: [5, 3, 2, 2], scalars: (0..<60).map { UInt8($0 * 4) })
        let dataset = try Dataset(images: images, labels: try Tensor(shape: [5], scalars: [0, 1, 0, 1, 0]), classes: ["a", "b"])
        let codes = try NeuralCodes.extract(net, from: dataset, layers: ["fc", "code"], batchSize: 2)
        XCTAssertTrue(net.isTraining)
        XCTAssertEqual(codes["code"]?.shape, [5, 12])
        XCTAssertEqual(codes["code"]!.scalars[13], 4 * 13 / 255, accuracy: 1e-6)
        net.setTraining(false)
        let x = try BatchIterator.floatImages(images, [0, 1, 2, 3, 4][...])
        let expected = try fc.forward(try x.reshaped([5, 12]))
        XCTAssertEqual(codes["fc"]?.shape, [5, 3])
        for (a, b) in zip(codes["fc"]!.scalars, expected.scalars) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertThrowsError(try NeuralCodes.extract(net, from: dataset, layers: ["fc9"])) {
            XCTAssertEqual("\($0)", "Sequential: no layer named 'fc9' (named layers: code, fc)")
        }
    }
}
