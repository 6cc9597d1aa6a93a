import Foundation
import XCTest
@testable import Lunet

/// OpenBLAS 0.3.21 falls back to its SSE3 "Prescott" kernels on CPUs newer than
/// its tables; lunet then chooses from the CPU's instruction sets.
final class BLASCoreTests: XCTestCase {
    func testTheSlowFallbackIsReplacedWhereTheCPUAllowsBetter() throws {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else {
            throw XCTSkip("OPENBLAS_CORETYPE is set: the user's choice stands")
        }
        guard let fitting = BLAS.fittingCore else { throw XCTSkip("CPU without AVX2: Prescott may be right") }
        XCTAssertNotEqual(BLAS.coreName, "Prescott", "this CPU has \(fitting)'s instructions")
        if let chosen = BLAS.chosenCore { XCTAssertEqual(chosen, fitting) }
    }

    /// The replaced kernels still compute the product: odd sizes reach every edge case of the kernel's tiles.
    func testProductsMatchADoublePrecisionReference() throws {
        for (m, n, k) in [(67, 45, 130), (1, 33, 17), (129, 3, 64), (16, 16, 1)] {
            var rng = RandomGenerator(seed: UInt64(m * n + k))
            let a = (0..<(m * k)).map { _ in Float(rng.nextDouble() * 2 - 1) }
            let b = (0..<(k * n)).map { _ in Float(rng.nextDouble() * 2 - 1) }
            var c = [Float](repeating: .nan, count: m * n)
            BLAS.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
            for i in 0..<m {
                for j in 0..<n {
                    let expected = (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(b[$1 * n + j]) }
                    XCTAssertEqual(Double(c[i * n + j]), expected, accuracy: 1e-4 * Double(k), "[\(m)x\(k)]x[\(k)x\(n)] at \(i),\(j)")
                }
            }
        }
    }
}
