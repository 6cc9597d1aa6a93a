import Foundation
import XCTest

/// The one loop's additions under `mpirun -np 2`: triplet validation (its
/// images embedded in shards), early stopping, the checkpoint and the CSV log
/// (written by the main rank alone), and a refused update that stops every
/// rank together.
final class DistributedLoopTests: XCTestCase {
    static let script = """
        local folder, lr = arg[1], tonumber(arg[2])
        -- random images (the values only have to agree between ranks): 6 of each class
        local function set(classes, seed)
          local labels = {}
          for i = 1, classes * 6 do labels[i] = (i - 1) % classes + 1 end
          return data.dataset((tensor.rand({classes * 6, 1, 8, 8}, {seed = seed}) * 255):byte(), tensor.from(labels, {dtype = "int32"}))
        end
        local tr, va = set(12, 1), set(6, 2)
        local net = nn.Sequential{nn.Flatten(), nn.Linear(64, 8, {seed = 1 + dist.rank()})}
        local h = triplet.fit(net, tr, {batch = 8, steps = 3, rounds = 3, seed = 2, verbose = 0, optimizer = optim.Adam(net, {lr = lr}),
          validation = {set = va, way = 3, tasks = 30, triplets = 12, seed = 5}, earlyStopping = {patience = 3, restoreBest = true},
          checkpoint = folder .. '/best.safetensors', csv = folder .. '/rounds.csv'})
        local accuracies = {}
        for i, r in ipairs(h.rounds) do accuracies[i] = string.format('%.6f/%.6f', r.val_accuracy, r.val_loss) end
        io.write(string.format('rank %d: %s %d %s\\n', dist.rank(), h.stopReason, #h.rounds, table.concat(accuracies, ' ')))  -- print is the main rank's
        """

    func run(lr: String) throws -> (output: String, folder: String) {
        _ = try MPIRun.requireLauncher()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lunet-dist-loop-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/fit.lua"
        try Self.script.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try MPIRun.run(ranks: 2, [path, folder, lr])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertFalse(result.timedOut)
        return (result.output, folder)
    }

    func testTripletValidationCheckpointAndCSVOnTwoRanks() throws {
        let (output, folder) = try run(lr: "0.01")
        let reports = output.split(separator: "\n").filter { $0.hasPrefix("rank ") }.map { $0.split(separator: ":", maxSplits: 1)[1] }
        XCTAssertEqual(reports.count, 2, output)
        XCTAssertEqual(reports.first, reports.last, "every rank reports the same rounds: \(output)")
        XCTAssertTrue(reports.first?.hasPrefix(" completed 3 ") ?? false, output)
        let lines = try String(contentsOfFile: folder + "/rounds.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "round,loss,active,embedded,val_loss,val_accuracy,lr")
        XCTAssertEqual(lines.dropFirst().map { $0.split(separator: ",")[0] }, ["1", "2", "3"], "one writer: \(lines)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/best.safetensors"))
    }

    /// Ctrl-C makes mpirun end the job; SIGUSR1, which mpirun forwards to every
    /// rank, stops training as Ctrl-C does in one process: every rank at the
    /// same step, each returning its history, the job ending normally.
    func testSIGUSR1ToMpirunStopsEveryRankAtTheSameStep() throws {
        _ = try MPIRun.requireLauncher()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lunet-dist-stop-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let script = """
            local folder = arg[1]
            local labels = {}
            for i = 1, 64 do labels[i] = (i - 1) % 4 + 1 end
            local ds = data.dataset((tensor.rand({64, 1, 8, 8}, {seed = 1}) * 255):byte(), tensor.from(labels, {dtype = "int32"}))
            local net = nn.Sequential{nn.Flatten(), nn.Linear(64, 4, {seed = 1})}
            if dist.rank() == 1 then io.open(folder .. "/started", "w"):close() end
            local h = train.fit(net, ds, {optimizer = optim.SGD(net, {lr = 1e-3}), batch = 8, epochs = 1000000, seed = 1, verbose = 0})
            local w = net:parameters()[1]
            io.write(string.format("rank %d: %s after %d epochs, weights %.9g\\n", dist.rank(), h.stopReason, #h.epochs, (w * w):sum()))
            """
        try script.write(toFile: folder + "/stop.lua", atomically: true, encoding: .utf8)
        let result = try MPIRun.run(ranks: 2, [folder + "/stop.lua", folder], signal: (SIGUSR1, folder + "/started"))
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertFalse(result.timedOut)
        let reports = result.output.split(separator: "\n").filter { $0.hasPrefix("rank ") }.map { $0.split(separator: ":", maxSplits: 1)[1] }
        XCTAssertEqual(reports.count, 2, result.output)
        XCTAssertEqual(reports.first, reports.last, "every rank stops at the same step: \(result.output)")
        XCTAssertTrue(reports.first?.hasPrefix(" interrupted after ") ?? false, result.output)
    }

    /// Adam at lr 1e38: every rank refuses the first update and stops, none waits.
    func testARefusedUpdateStopsEveryRank() throws {
        let (output, _) = try run(lr: "1e38")
        let reports = output.split(separator: "\n").filter { $0.hasPrefix("rank ") }
        XCTAssertEqual(reports.map { $0.dropFirst(8) }, ["diverged 0 ", "diverged 0 "], output)
    }
}
