import Foundation
import Lunet
import LunetLua

/// `a:matmul(b)` called from Lua against `cblas_sgemm` called directly on the
/// same buffers: the difference is what the bindings cost.
enum MatmulBenchmark {
    static func run() throws {
        let lua = try LuaState(libraryPath: LuaLibraryPath.locate())
        print("matmul (median of 6 runs, alternating; GFLOP/s = 2n^3 / time; OpenBLAS threads: \(BLAS.threadCount))")
        print("     n   direct sgemm     lua a:matmul(b)   overhead")
        for n in [1024, 2048] {
            try lua.run("a = tensor.rand({\(n), \(n)}, {seed = 1}); b = tensor.rand({\(n), \(n)}, {seed = 2})")
            guard case .float(let a)? = lua.globalTensor("a"), case .float(let b)? = lua.globalTensor("b") else {
                throw LunetError("benchmark tensors missing")
            }
            var c = try Tensor<Float>.zeros([n, n])
            // Alternate the two so load from elsewhere on the machine hits both alike.
            var directTimes: [Double] = [], luaTimes: [Double] = []
            for _ in 0..<7 {
                directTimes.append(Stopwatch.seconds { directProduct(a, b, &c, n) })
                luaTimes.append(try Stopwatch.seconds { try lua.run("c = a:matmul(b)") })
            }
            let direct = median(directTimes.dropFirst()), viaLua = median(luaTimes.dropFirst())
            let flops = 2 * Double(n) * Double(n) * Double(n)
            print(String(format: "%6d  %8.1f GFLOP/s  %8.1f GFLOP/s   %+6.2f%%", n, flops / direct / 1e9, flops / viaLua / 1e9,
                         (viaLua - direct) / direct * 100))
        }
    }

    static func median(_ times: ArraySlice<Double>) -> Double {
        times.sorted()[times.count / 2]
    }

    static func directProduct(_ a: Tensor<Float>, _ b: Tensor<Float>, _ c: inout Tensor<Float>, _ n: Int) {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                               c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }
}
