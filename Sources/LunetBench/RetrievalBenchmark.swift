import COpenBLAS
import Foundation
import Lunet
import LunetLua

/// `retrieval.mAP` called from Lua on 5,000 random codes of 16,384 dimensions
/// (10 classes of 500, shuffled, as the spec's out-of-domain set) against a
/// plain `cblas_ssyrk` of the same matrix: the part of mAP that is not the
/// Gram matrix's upper triangle. Target: mAP at most 1.3x ssyrk.
/// `LUNET_BENCH_RUNS` (5) sets the runs; `LUNET_RETRIEVAL_SIZE=5000x256`
/// other sizes (a small dimension leaves mostly lunet's own ranking, for
/// callgrind). Each run prints the load average beside its figures.
enum RetrievalBenchmark {
    static func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let size = (environment["LUNET_RETRIEVAL_SIZE"] ?? "5000x16384").split(separator: "x").compactMap { Int($0) }
        guard size.count == 2, size[0] >= 2, size[1] >= 1 else { throw LunetError("LUNET_RETRIEVAL_SIZE: NxD expected") }
        let (n, d) = (size[0], size[1])
        let runs = Swift.max(1, Int(environment["LUNET_BENCH_RUNS"] ?? "") ?? 5)
        let lua = try LuaState(libraryPath: LuaLibraryPath.locate())
        try lua.run("""
            codes = tensor.randn({\(n), \(d)}, {seed = 1})
            labels = tensor.rand({\(n)}, {seed = 2, low = 1, high = 11}):int()
            """)
        guard case .float(let codes)? = lua.globalTensor("codes") else { throw LunetError("benchmark codes missing") }
        var gram = [Float](repeating: 0, count: n * n)
        print("retrieval: mAP of \(n) codes x \(d) (10 classes) vs cblas_ssyrk of the same matrix; OpenBLAS threads: \(BLAS.threadCount)")
        print("  run   ssyrk: wall (s)  cpu (s)   retrieval.mAP: wall (s)  cpu (s)   ratio: wall   cpu   load average (1, 5, 15 min)")
        var ratios: [Double] = []
        for run in 1...runs {
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
            print(String(format: "  %3d   %14.2f  %7.2f   %22.2f  %7.2f   %10.2fx %5.2fx   %@   (mAP = %@)", run, ssyrk, ssyrkCPU, mAP, mAPCPU,
                         mAP / ssyrk, mAPCPU / ssyrkCPU, loadAverage(), value.first ?? "?"))
        }
        let sorted = ratios.sorted()
        print(String(format: "  wall ratio: median %.2fx, range %.2f-%.2fx, %d of %d runs at most 1.3x (the target)",
                     sorted[sorted.count / 2], sorted.first!, sorted.last!, ratios.filter { $0 <= 1.3 }.count, runs))
    }

    /// The first three fields of `/proc/loadavg`, as `uptime` prints them.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: ", ")
    }
}
