import Foundation
import LunetLua
import XCTest

/// What both fits gained from the one loop, from Lua: the CSV log (read
/// back by Python's csv module), learning-rate schedules, divergence before
/// a bad update, and the checks made before the first step.
final class FitLoopBindingsTests: LuaTestCase {
    /// The toy sets and network of TrainingBindingsTests (12 lines, so errors are at test:13).
    var setup: String { TrainingBindingsTests.setup }

    func temporaryPath(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "lunet-\(UUID().uuidString)-" + name
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// Runs `python3 -c code args...`; its standard output.
    func python(_ code: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self)
    }

    /// Every CSV value, read by Python's csv module, equals the history's
    /// (printed with %.17g, which reads back exactly); a second run continues the file.
    func testCSVLogReadsBackInPythonAsTheHistory() throws {
        let path = temporaryPath("log.csv")
        let history = try run(setup + """
            local rows = {}
            for run = 1, 2 do
              local h = train.fit(net, trainSet, {optimizer = optim.SGD(net, {lr = 0.5}), batch = 16, epochs = 3 - run, seed = run,
                                  validation = validSet, metrics = {'accuracy'}, verbose = 0, csv = '\(path)'})
              for _, e in ipairs(h.epochs) do
                rows[#rows + 1] = string.format('%d %.17g %.17g %.17g %.17g %.17g', e.epoch, e.loss, e.accuracy, e.val_loss, e.val_accuracy, e.lr)
              end
            end
            return table.concat(rows, '\\n')
            """)[0]
        let read = try python("""
            import csv, sys
            with open(sys.argv[1], newline='') as f:
                rows = list(csv.reader(f))
            print(','.join(rows[0]))
            for row in rows[1:]:
                print(' '.join([row[0]] + [repr(float(x)) for x in row[1:]]))
            """, [path])
        let lines = read.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "epoch,loss,accuracy,val_loss,val_accuracy,lr")
        let expected = history.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let actual = lines.dropFirst().map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(actual.count, 3)
        for (row, want) in zip(actual, expected) {
            XCTAssertEqual(row[0], want[0])
            XCTAssertEqual(row.dropFirst().map { Double($0)! }, want.dropFirst().map { Double($0)! }, "\(row) vs \(want)")
        }
        XCTAssertEqual(actual.map(\.[0]), ["1", "2", "1"], "the second run's rows follow, numbered by its own epochs")
        assertError(setup + "train.fit(net, trainSet, {verbose = 0, csv = '\(path)'})",
                    "test:13: csv: '\(path)' has the columns epoch,loss,accuracy,val_loss,val_accuracy,lr; this run logs epoch,loss,lr (give another file)")
    }

    func testScheduleSetsEachEpochsRate() throws {
        XCTAssertEqual(try run(setup + """
            local opt = optim.SGD(net, {lr = 0.1, schedule = {kind = 'step', every = 1, gamma = 0.5}})
            local h = train.fit(net, trainSet, {optimizer = opt, batch = 16, epochs = 3, verbose = 0})
            local cosine = optim.Adam(net, {lr = 0.1, schedule = {kind = 'cosine', epochs = 2, minimum = 0.02}})
            return h.epochs[1].lr, h.epochs[2].lr, h.epochs[3].lr, opt:learningRate() == h.epochs[3].lr,
                   cosine:scheduleStep(), cosine:scheduleStep(), cosine:learningRate()
            """), ["0.1", "0.05", "0.025", "true", "0.06", "0.02", "0.02"])
        assertError("optim.Adam(nn.Linear(2, 2), {schedule = {kind = 'linear'}})",
                    "test:1: schedule: kind must be one of 'step', 'cosine', got 'linear'")
        assertError("optim.Adam(nn.Linear(2, 2), {schedule = {kind = 'step', every = 2, gama = 0.5}})",
                    "test:1: unknown option 'gama' for schedule (did you mean 'gamma'?)")
        assertError("optim.SGD(nn.Linear(2, 2), {schedule = {kind = 'cosine'}})",
                    "test:1: schedule: missing 'epochs'")
        assertError("optim.SGD(nn.Linear(2, 2), {schedule = {kind = 'cosine', epochs = 4, every = 2}})",
                    "test:1: schedule: every is for kind 'step'")
        assertError("optim.SGD(nn.Linear(2, 2)):scheduleStep()",
                    "test:1: opt:scheduleStep(): this optimizer has no schedule (give optim.Adam(net, {schedule = {kind = 'step', every = 10}}))")
    }

    /// Adam at lr 1e38: its first step size is infinite, so the first update
    /// is refused and the weights stay as they were.
    func testAHugeLearningRateStopsBeforeTheBadUpdate() throws {
        XCTAssertEqual(try run(setup + """
            local before = net:get(2).weight:clone()
            local h = train.fit(net, trainSet, {optimizer = optim.Adam(net, {lr = 1e38}), batch = 16, epochs = 3, verbose = 0})
            return h.stopReason, #h.epochs, net:get(2).weight:equal(before),
                   h.message:match("^the update would make a weight non%-finite %(loss [%d.]+, lr 1e%+38%) at epoch 1, batch 1: training stopped before that batch's update$") ~= nil
            """), ["diverged", "0", "true", "true"])
    }

    /// The case: a validation set of other images fails before any training, naming both sizes.
    func testSizesAreCheckedBeforeTheFirstStep() throws {
        assertError(setup + """
            local other = data.dataset(tensor.zeros({8, 3, 4, 4}):byte(), tensor.from({1, 2, 3, 1, 2, 3, 1, 2}, {dtype = 'int32'}))
            train.fit(net, trainSet, {validation = other, verbose = 0, onBatch = function() error('a step ran') end})
            """, "test:14: validation set: its images are 3x4x4, the training set's 1x4x4")
        assertError(setup + """
            local other = data.dataset(tensor.zeros({8, 3, 4, 4}):byte(), tensor.from({1, 2, 3, 1, 2, 3, 1, 2}, {dtype = 'int32'}))
            train.fit(net, other, {verbose = 0})
            """, "test:14: training set: images of 3x4x4 do not fit the model: nn.Linear(16 -> 8): input has 48 features")
    }
}
