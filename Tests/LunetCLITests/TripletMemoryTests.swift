import Foundation
import XCTest

/// triplet.fit with 6,000 triplets a step (18,000 images) in a fresh lunet
/// process: its peak resident memory (VmHWM) stays near the data's size for
/// every built-in sampler. A [3B, 3B] distance matrix (the old collapse
/// check) would alone be 1.3 GB; batch-hard's or hardest's [B, B] 144 MB.
final class TripletMemoryTests: XCTestCase {
    static let script = """
        local classes, per = 600, 10
        local g = tensor.rand({classes * per, 1, 8, 8}, {seed = 1})
        local labels = {}
        for i = 1, classes * per do labels[i] = (i - 1) // per + 1 end
        local ds = data.dataset(g:byte{scale = true}, tensor.from(labels, {dtype = 'int32'}))
        local net = nn.Sequential{nn.Flatten(), nn.Linear(64, 8, {seed = 1})}
        local function peak()
          for line in io.lines('/proc/self/status') do
            local kb = line:match('^VmHWM:%s+(%d+) kB')
            if kb then return tonumber(kb) // 1024 end
          end
        end
        for _, sampler in ipairs({triplet.random(), triplet.hardest(), triplet.batchhard{classes = 600, perClass = 10}}) do
          local h = triplet.fit(net, ds, {sampler = sampler, batch = 6000, steps = 1, rounds = 1, seed = 1, verbose = 0})
          print(h.stopReason, peak())
        end
        """

    func testLargeTripletBatchesKeepMemoryLinear() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/status") else { throw XCTSkip("no /proc/self/status on this system") }
        for executable in LunetProcess.executables {
            let result = try LunetProcess.run(on: executable, ["-"], input: Self.script)
            XCTAssertEqual(result.status, 0, result.stderr)
            let lines = result.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            XCTAssertEqual(lines.map(\.[0]), ["completed", "completed", "completed"], result.stdout)
            for line in lines { XCTAssertLessThan(Int(line[1]) ?? .max, 120, "peak resident MiB: \(result.stdout)") }
        }
    }
}
