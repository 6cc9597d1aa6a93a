import Foundation
import XCTest

/// Data-parallel training under `mpirun -np 2`: two ranks with half a batch
/// each take the steps one process takes with the whole batch; a failure on one
/// rank ends the whole job with its message, within seconds.
final class DistributedTests: XCTestCase {
    /// Trains k SGD steps of a small network on 2 ranks with dist.shard and
    /// dist.averageGradients; the main rank then trains copies in one process
    /// (the whole batch, and the batch as two halves with averaged gradients)
    /// and prints how far the parameters are from each.
    static let equivalenceScript = """
        local kind, B, steps = arg[1], 16, 4
        local function build(seed)
          local layers = {nn.Linear(6, 8, {seed = seed})}
          if kind == "bn" then layers[#layers + 1] = nn.BatchNorm1d(8) end
          layers[#layers + 1] = nn.ReLU()
          layers[#layers + 1] = nn.Linear(8, 3, {seed = seed + 1})
          return nn.Sequential(layers)
        end
        local x = tensor.randn({B * steps, 6}, {seed = 7})
        local labels = {}
        for i = 1, B * steps do labels[i] = (i * 7) % 3 + 1 end
        local y = tensor.from(labels, {dtype = "int32"})
        local criterion = nn.CrossEntropy()
        local function flat(net)
          local list = {}
          for i, p in ipairs(net:parameters()) do list[i] = p:reshape({p:numel()}) end
          return tensor.cat(list, 1)
        end
        -- trains net; parts splits each batch into that many slices whose gradients are averaged
        local function train(net, first, n, parts, average)
          local opt = optim.SGD(net, {lr = 0.1, momentum = 0.9})
          for s = 0, steps - 1 do
            opt:zeroGrad()
            local size = n // parts
            for part = 0, parts - 1 do
              local xb = x:narrow(1, s * B + first + part * size, size)
              local yb = y:narrow(1, s * B + first + part * size, size)
              net:backward(xb, criterion:backward(net:forward(xb), yb) * (1 / parts))
            end
            if average then dist.averageGradients(net, B) end
            opt:step()
          end
        end

        local net = build(100 * dist.rank())  -- different on each rank until the broadcast
        dist.broadcastParameters(net)
        local start = flat(net)
        local first, n = dist.shard(B)
        train(net, first, n, 1, true)
        local mine = flat(net)
        local highest, mean = mine:clone(), mine:clone()
        dist.allreduce(highest, "max")
        dist.allreduce(mean, "mean")
        if dist.isMain() then
          local whole, halves = build(100), build(100)
          train(whole, 1, B, 1, false)
          train(halves, 1, B, 2, false)
          print(string.format("%s size=%d slice=%d,%d spread=%g moved=%g whole=%g halves=%g", kind, dist.size(), first, n,
            (highest - mean):abs():max(), (mine - start):abs():max(),
            (mine - flat(whole)):abs():max(), (mine - flat(halves)):abs():max()))
        end
        """

    /// The `key=value` numbers of the main rank's summary line.
    private func summary(_ output: String, kind: String) throws -> [String: Double] {
        let line = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix(kind + " ") }, output)
        var values: [String: Double] = [:]
        for field in line.split(separator: " ").dropFirst() {
            let parts = field.split(separator: "=")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    private func script(_ source: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lunet-dist-\(UUID().uuidString).lua").path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testTwoRanksWithHalfBatchesMatchOneRankWithTheWholeBatch() throws {
        let result = try MPIRun.run(ranks: 2, [try script(Self.equivalenceScript), "plain"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("slice=1,8"), result.output)  // rank 1 takes items 1...8 of 16
        let values = try summary(result.output, kind: "plain")
        XCTAssertEqual(values["size"], 2)
        XCTAssertEqual(values["spread"], 0, "the ranks' parameters differ")
        XCTAssertGreaterThan(values["moved"] ?? 0, 0.01, "training did not move the parameters")
        XCTAssertLessThan(values["whole"] ?? 1, 1e-5, "2 ranks x 8 differ from 1 rank x 16")
        XCTAssertLessThan(values["halves"] ?? 1, 1e-5)
    }

    /// Batch norm normalises each rank's slice with that slice's statistics
    /// (as PyTorch DDP does), so 2 ranks x 8 equal one process that normalises
    /// each half of the batch on its own, and differ from one that normalises all 16.
    func testBatchNormUsesEachRanksOwnBatchStatistics() throws {
        let result = try MPIRun.run(ranks: 2, [try script(Self.equivalenceScript), "bn"])
        XCTAssertEqual(result.status, 0, result.output)
        let values = try summary(result.output, kind: "bn")
        XCTAssertEqual(values["spread"], 0, "the ranks' parameters differ")
        XCTAssertLessThan(values["halves"] ?? 1, 1e-5, "2 ranks differ from halves normalised separately")
        XCTAssertGreaterThan(values["whole"] ?? 0, 1e-4, "per-rank statistics should differ from whole-batch statistics")
    }

    func testLuaErrorOnOneRankEndsTheJobWithItsMessage() throws {
        let source = """
            if dist.rank() == 2 then error("rank two cannot go on") end
            dist.barrier()  -- rank 1 waits here for a rank that will never come
            print("unreachable")
            """
        let result = try MPIRun.run(ranks: 2, [try script(source)], timeout: 30)
        XCTAssertFalse(result.timedOut, "the job hung: \(result.output)")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("[rank 2 of 2, MPI rank 1] \(LunetProcess.executable.path): "), result.output)
        XCTAssertTrue(result.output.contains(":1: rank two cannot go on"), result.output)
        XCTAssertFalse(result.output.contains("unreachable"), result.output)
        XCTAssertLessThan(result.seconds, 15)
    }

    func testKilledRankEndsTheJob() throws {
        let source = """
            if dist.rank() == 2 then os.execute("sleep 0.5; kill -9 $PPID") end  -- $PPID: this lunet
            local g = tensor.ones({1000})
            for step = 1, 1e9 do dist.allreduce(g, "mean") end
            print("unreachable")
            """
        let result = try MPIRun.run(ranks: 2, [try script(source)], timeout: 30)
        XCTAssertFalse(result.timedOut, "the job hung: \(result.output)")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("exited on signal 9 (Killed)"), result.output)
        XCTAssertLessThan(result.seconds, 15)
    }

    func testOutsideMPIThereIsOneRankAndCollectivesAreIdentities() throws {
        let result = try LunetProcess.run(["-e", """
            local t = tensor.full({3}, 2.5)
            dist.allreduce(t, "mean"); dist.broadcast(t, 1); dist.barrier()
            print(dist.rank(), dist.size(), dist.isMain(), t:sum(), dist.shard(10))
            print(pcall(function() dist.broadcast(t, 2) end))
            print(pcall(function() dist.allreduce(t, "min") end))
            """])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "1\t1\ttrue\t7.5\t1\t10")
        XCTAssertEqual(lines.dropFirst().first, "false\t(command line):4: bad argument #2 to 'broadcast' (root must be a rank from 1 to 1, got 2)")
        XCTAssertEqual(lines.dropFirst(2).first, "false\t(command line):5: bad argument #2 to 'allreduce' ('sum', 'mean' or 'max' expected, got 'min')")
    }

    /// triplet.fit on 2 ranks: each draws 4 of the 8 triplets a step from its own
    /// stream (hardest negatives from a cache embedded in shards), every rank
    /// ends with the same parameters and reports the same loss; the main rank alone prints.
    func testTripletFitRunsDataParallel() throws {
        let source = """
            local images = (tensor.rand({30, 1, 8, 8}, {seed = 3}) * 255):byte()
            local labels = {}
            for i = 1, 30 do labels[i] = (i - 1) // 5 + 1 end
            local ds = data.dataset(images, tensor.from(labels, {dtype = "int32"}))
            local net = nn.Sequential{nn.Flatten(), nn.Linear(64, 8, {seed = dist.rank()})}
            local h = triplet.fit(net, ds, {sampler = triplet.hardest{refresh = 2}, batch = 8, steps = 3, rounds = 2, seed = 5,
              optimizer = optim.Adam(net, {lr = 1e-2}),
              onRound = function(r, log) io.write(string.format("rank %d round %d loss %.6f active %.4f\\n", dist.rank(), r, log.loss, log.active)) end})
            local p = {}
            for i, t in ipairs(net:parameters()) do p[i] = t:reshape({t:numel()}) end
            local flat = tensor.cat(p, 1)
            local hi, mean = flat:clone(), flat:clone()
            dist.allreduce(hi, "max"); dist.allreduce(mean, "mean")
            if dist.isMain() then print("spread " .. (hi - mean):abs():max()) end
            """
        let result = try MPIRun.run(ranks: 2, [try script(source)])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("spread 0.0"), result.output)
        let lines = result.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { $0.hasPrefix("round ") }.count, 2, "only the main rank prints progress: \(result.output)")
        for round in 1...2 {
            let reports = Set(lines.filter { $0.hasPrefix("rank ") && $0.contains(" round \(round) ") }.map { $0.dropFirst(7) })
            XCTAssertEqual(reports.count, 1, "the ranks report different round \(round) metrics: \(result.output)")
        }
        XCTAssertEqual(lines.filter { $0.hasPrefix("rank ") }.count, 4, result.output)
    }

    /// train.fit on 2 ranks gives the model and the logs of one process: 17
    /// images in batches of 8 (the last batch's single image leaves rank 2
    /// without rows), 11 validation images shared 5 and 6; each rank
    /// distorts its rows as their places in the whole batch say.
    static let fitScript = """
            local function set(n, seed)
              local labels = {}
              for i = 1, n do labels[i] = (i * 5) % 3 + 1 end
              return data.dataset((tensor.rand({n, 1, 4, 4}, {seed = seed}) * 255):byte(), tensor.from(labels, {dtype = "int32"}))
            end
            local tr, va = set(17, 1), set(11, 2)
            local net = nn.Sequential{nn.Flatten(), nn.Linear(16, 6, {seed = 10 * dist.rank()}), nn.ReLU(), nn.Linear(6, 3, {seed = 3})}
            local h = train.fit(net, tr, {validation = va, batch = 8, epochs = 3, seed = 4, metrics = {"accuracy"}, verbose = 2,
              optimizer = optim.SGD(net, {lr = 0.5, momentum = 0.5}), checkpoint = arg[1],
              augment = data.augment{rotation = 20, translate = 1, flip = 0.5, seed = 5}})
            local p = {}
            for i, t in ipairs(net:parameters()) do p[i] = t:reshape({t:numel()}) end
            local flat = tensor.cat(p, 1)
            local hi, mean = flat:clone(), flat:clone()
            dist.allreduce(hi, "max"); dist.allreduce(mean, "mean")
            local e = h.epochs[3]
            io.write(string.format("rank %d: loss=%.7f accuracy=%.7f val_loss=%.7f val_accuracy=%.7f spread=%g sum=%.7f first=%.7f\\n", dist.rank(),
              e.loss, e.accuracy, e.val_loss, e.val_accuracy, (hi - mean):abs():max(), flat:sum(), flat:get(1)))
            print("printed by rank " .. dist.rank())  -- the main rank's only
        """

    func testTrainFitOnTwoRanksMatchesOneProcess() throws {
        _ = try MPIRun.requireLauncher()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lunet-dist-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let path = try script(Self.fitScript)
        // The debug build, as mpirun runs it: trained values may differ in the last bits between builds.
        let single = try LunetProcess.run(on: LunetProcess.executable, [path, directory + "/one.safetensors"])
        XCTAssertEqual(single.status, 0, single.stderr)
        let result = try MPIRun.run(ranks: 2, [path, directory + "/two.safetensors"])
        XCTAssertEqual(result.status, 0, result.output)
        func values(_ output: String, rank: Int) throws -> [String: Double] {
            let line = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix("rank \(rank): ") }, output)
            return Dictionary(uniqueKeysWithValues: line.split(separator: " ").dropFirst(2).map { field in
                let parts = field.split(separator: "=")
                return (String(parts[0]), Double(parts[1]) ?? .nan)
            })
        }
        let one = try values(single.stdout, rank: 1)
        let main = try values(result.output, rank: 1), other = try values(result.output, rank: 2)
        XCTAssertEqual(main["spread"], 0)
        XCTAssertEqual(one.count, 7)
        for (key, value) in one where key != "spread" {
            XCTAssertEqual(main[key] ?? .nan, value, accuracy: 1e-5, key)
            XCTAssertEqual(other[key], main[key], key)
        }
        let progress = result.output.split(separator: "\n").filter { $0.hasPrefix("epoch ") }
        XCTAssertEqual(progress.count, 3, "only the main rank prints: \(result.output)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/two.safetensors"))
        XCTAssertTrue(result.output.contains("printed by rank 1"), result.output)
        XCTAssertFalse(result.output.contains("printed by rank 2"), result.output)
    }
}
