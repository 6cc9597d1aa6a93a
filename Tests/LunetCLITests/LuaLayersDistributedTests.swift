import Foundation
import XCTest

/// A Lua layer and a Lua loss in data-parallel triplet training under
/// `mpirun -np 2`: both ranks end with the same weights and loss.
final class LuaLayersDistributedTests: XCTestCase {
    static let script = """
        local function set(classes, seed)
          local labels = {}
          for i = 1, classes * 6 do labels[i] = (i - 1) % classes + 1 end
          return data.dataset((tensor.rand({classes * 6, 1, 8, 8}, {seed = seed}) * 255):byte(), tensor.from(labels, {dtype = "int32"}))
        end
        local tr = set(12, 1)
        local block = nn.Module{name = "Res", modules = {f = nn.Linear(8, 8, {seed = 3})}, parameters = {g = tensor.full({1}, 0.5)},
          forward = function(self, x) return x + self.f(x):tanh() * self.g end}
        local net = nn.Sequential{nn.Flatten(), nn.Linear(64, 8, {seed = 1}), block}
        local soft = nn.Loss(function(a, p, n) return (((a - p):pow(2):sum(2) - (a - n):pow(2):sum(2)):exp() + 1):log():mean() end)
        local h = triplet.fit(net, tr, {batch = 8, steps = 3, rounds = 2, seed = 2, verbose = 0, loss = soft, optimizer = optim.Adam(net, {lr = 0.01})})
        io.write(string.format("rank %d: %s loss %.6f g %.6f\\n", dist.rank(), h.stopReason, h.rounds[2].loss, block.g:get(1)))
        """

    func testBothRanksAgree() throws {
        _ = try MPIRun.requireLauncher()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lunet-lua-layers-\(UUID().uuidString).lua").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        try Self.script.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try MPIRun.run(ranks: 2, [path], timeout: 120)
        XCTAssertEqual(result.status, 0, result.output)
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("rank ") }.map { $0.split(separator: ":")[1] }.sorted()
        XCTAssertEqual(lines.count, 2, result.output)
        XCTAssertEqual(lines.first, lines.last, result.output)
        XCTAssertTrue(lines.first?.contains("completed") == true, result.output)
    }
}
