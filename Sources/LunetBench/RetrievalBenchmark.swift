import COpenBLAS
import Foundation
import Lunet
import LunetLua

/// `retrieval.mAP` called from Lua on 5,000 random codes of 16,384 dimensions
/// (10 classes of 500, shuffled, as the spec's out-of-domain set) against a
/// plain `cblas_ssyrk` of the same matrix: the part of mAP that is not the
/// Gram matrix's upper triangle. Target: mAP at most 1.3x ssyrk.
enum RetrievalBenchmark {
    static func run() throws {
        let n = 5000, d = 16384
        let lua = try LuaState(libraryPath: LuaLibraryPath.locate())
        try lua.run("""
            codes = tensor.randn({\(n), \(d)}, {seed = 1})
            labels = tensor.rand({\(n)}, {seed = 2, low = 1, high = 11}):int()
            """)
        guard case .float(let codes)? = lua.globalTensor("codes") else { throw LunetError("benchmark codes missing") }
        var gram = [Float](repeating: 0, count: n * n)
        print("retrieval: mAP of \(n) codes x \(d) (10 classes) vs cblas_ssyrk of the same matrix; OpenBLAS threads: \(BLAS.threadCount)")
        print("  run   ssyrk: wall (s)  cpu (s)   retrieval.mAP: wall (s)  cpu (s)   ratio: wall   cpu")
        var ratios: [Double] = []
        for run in 1...3 {
            // Alternating, so load from elsewhere on the machine hits both alike.
            var cpu = Stopwatch.cpuSeconds()
            let ssyrk = Stopwatch.seconds {
                codes.withUnsafeBufferPointer { a in
                    gram.withUnsafeMutableBufferPointer { c in
                        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(d), 1, a.baseAddress!, Int32(d),
                                    0, c.baseAddress!, Int32(n))
                    }
                }
            }
            let ssyrkCPU = Stopwatch.cpuSeconds() - cpu
            var value: [String] = []
            cpu = Stopwatch.cpuSeconds()
            let mAP = try Stopwatch.seconds { value = try lua.evaluate("retrieval.mAP(codes, labels)") }
            let mAPCPU = Stopwatch.cpuSeconds() - cpu
            ratios.append(mAP / ssyrk)
            print(String(format: "  %3d   %14.2f  %7.2f   %22.2f  %7.2f   %10.2fx %5.2fx   (mAP = %@)", run, ssyrk, ssyrkCPU, mAP, mAPCPU,
                         mAP / ssyrk, mAPCPU / ssyrkCPU, value.first ?? "?"))
        }
        print(String(format: "  wall ratio: median %.2fx, range %.2f-%.2fx (target <= 1.3x)", ratios.sorted()[1], ratios.min()!, ratios.max()!))
    }
}
