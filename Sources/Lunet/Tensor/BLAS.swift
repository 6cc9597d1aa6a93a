import BLASShim
import COpenBLAS

/// Thin, typed entry to OpenBLAS for row-major single-precision products.
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C`, all row-major; `op(A)` is `[m, k]`,
    /// `op(B)` is `[k, n]`, `C` is `[m, n]`. Leading dimensions are the stored row lengths.
    @inline(__always)
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Number of threads OpenBLAS uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    public static func setThreadCount(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// Runs `body` with OpenBLAS on one thread, for loops that run small products
    /// on every core at once: OpenBLAS's own threads would spin for the cores.
    public static func singleThreaded<Result>(_ body: () throws -> Result) rethrows -> Result {
        let threads = threadCount
        setThreadCount(1)
        defer { setThreadCount(threads) }
        return try body()
    }

    /// OpenBLAS's kernel set in use, for example `"SkylakeX"`.
    public static var coreName: String { String(cString: lunet_blas_core_name()) }

    /// The kernel set lunet chose at start-up because OpenBLAS did not know
    /// this CPU and fell back to its slowest x86-64 kernels; `nil` when
    /// OpenBLAS's own choice (or `OPENBLAS_CORETYPE`) stands.
    public static var chosenCore: String? { lunet_blas_core_override().map { String(cString: $0) } }

    /// The kernel set this CPU's instruction sets call for, `nil` before AVX2.
    public static var fittingCore: String? { lunet_blas_fitting_core().map { String(cString: $0) } }
}

extension Tensor where Element == Float {
    /// Matrix product `op(self) x op(other)`, transposes read in place (no copies).
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Tensor {
        guard rank == 2, other.rank == 2 else {
            throw LunetError("matmul: expected two matrices, got \(summary) and \(other.summary)")
        }
        let (m, k) = transposeSelf ? (shape[1], shape[0]) : (shape[0], shape[1])
        let (k2, n) = transposeOther ? (other.shape[1], other.shape[0]) : (other.shape[0], other.shape[1])
        guard k == k2 else {
            throw LunetError("matmul: inner sizes differ, \(formatShape([m, k])) x \(formatShape([k2, n]))")
        }
        return try withUnsafeBufferPointer { a in
            try other.withUnsafeBufferPointer { b in
                try Tensor(unsafeUninitializedShape: [m, n]) { c in
                    if k == 0 { c.update(repeating: 0); return }
                    BLAS.sgemm(transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                               a: a.baseAddress!, lda: shape[1], b: b.baseAddress!, ldb: other.shape[1],
                               c: c.baseAddress!, ldc: n)
                }
            }
        }
    }
}

extension BLAS {
    /// The upper triangle of `C = alpha * A * A^T + beta * C`, row-major, `A` `[n, k]`,
    /// `C` `[n, n]`: the Gram matrix of `A`'s rows at half a product's cost.
    @inline(__always)
    public static func ssyrkUpper(n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(ldc))
    }
}
