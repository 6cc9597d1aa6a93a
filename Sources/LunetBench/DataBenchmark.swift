import Foundation
import Lunet
import LunetLua

/// `LunetBench data`: decoding the Tiny ImageNet folder on one core and on
/// all, loading it back from the cache, and `ds:batches(100)` from Lua. The
/// folder is `$LUNET_TINYIMAGENET`, else `../shared/data/tiny-imagenet-200-mini`
/// beside the checkout.
enum DataBenchmark {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run() throws {
        let folder = ProcessInfo.processInfo.environment["LUNET_TINYIMAGENET"] ?? repositoryRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/data/tiny-imagenet-200-mini").path
        print("data: \(folder) (\(ProcessInfo.processInfo.activeProcessorCount) cores; median of 3 runs after a warm-up)")
        let dataset = try decoding(folder)
        try caching(dataset)
        try batching(dataset)
        if let omniglot = existing("shared/data/omniglot/images_background_small1.zip") {
            let seconds = try Stopwatch.median(repeats: 3) { _ = try Omniglot.load(omniglot) }
            print(String(format: "omniglot zip   %7.0f images/s  (%@)", 2720 / seconds, (omniglot as NSString).lastPathComponent))
        }
    }

    static func existing(_ relative: String) -> String? {
        let path = repositoryRoot.deletingLastPathComponent().appendingPathComponent(relative).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Serial and parallel decoding, alternated so load from elsewhere hits
    /// both alike. CPU time (all threads) shows the work done, which other
    /// processes on a shared machine do not inflate.
    static func decoding(_ folder: String) throws -> Dataset {
        var dataset = try TinyImageNet.load(folder)
        var serial: [(wall: Double, cpu: Double)] = [], parallel: [(wall: Double, cpu: Double)] = []
        for _ in 0..<3 {
            serial.append(try timed { dataset = try TinyImageNet.load(folder, parallel: false) })
            parallel.append(try timed { dataset = try TinyImageNet.load(folder, parallel: true) })
        }
        let n = Double(dataset.count)
        let s = serial.sorted { $0.wall < $1.wall }[1], p = parallel.sorted { $0.wall < $1.wall }[1]
        print("\(dataset.summary)")
        print(String(format: "decode serial   %7.0f images/s  (%.2f s wall, %.2f s CPU)", n / s.wall, s.wall, s.cpu))
        print(String(format: "decode parallel %7.0f images/s  (%.2f s wall, %.2f s CPU)  speed-up %.2fx",
                     n / p.wall, p.wall, p.cpu, s.wall / p.wall))
        return dataset
    }

    /// Wall and CPU seconds (user + system, all threads) of `body`.
    static func timed(_ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
        let before = cpuSeconds()
        let wall = try Stopwatch.seconds(body)
        return (wall, cpuSeconds() - before)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func caching(_ dataset: Dataset) throws {
        let cache = NSTemporaryDirectory() + "lunet-bench-cache-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let save = try Stopwatch.seconds { try DatasetCache.save(dataset, to: cache) }
        var loaded = dataset
        let load = try Stopwatch.median(repeats: 3) { loaded = try DatasetCache.load(cache) }
        guard loaded.images.isIdentical(to: dataset.images) else { throw LunetError("cache round trip changed the images") }
        let megabytes = Double(dataset.images.byteCount) / 1_048_576
        print(String(format: "cache save      %.2f s;  load %.3f s (%.0f MiB of images, page cache warm)", save, load, megabytes))
    }

    /// A whole epoch of `ds:batches(100)` driven from Lua, plain and shuffled.
    static func batching(_ dataset: Dataset) throws {
        let lua = try LuaState(libraryPath: LuaLibraryPath.locate())
        let call = LuaCall(lua.L)
        call.push(dataset)
        call.setGlobal("ds")
        for shuffle in [false, true] {
            let loop = "local n = 0 for x, y in ds:batches(100, {shuffle = \(shuffle), seed = 1}) do n = n + 1 end"
            let seconds = try Stopwatch.median(repeats: 3) { try lua.run(loop) }
            let batches = Double((dataset.count + 99) / 100)
            print(String(format: "batches(100)%@ %6.1f batches/s  (%.1f ms a batch)", shuffle ? " shuffled" : "         ",
                         batches / seconds, seconds / batches * 1000))
        }
    }

    static func median(_ times: [Double]) -> Double { times.sorted()[times.count / 2] }
}
