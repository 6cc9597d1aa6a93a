import Foundation
import LunetLua
import XCTest

/// triplet.fit's new options from Lua on synthetic images (so they run
/// without the shared data): validation, early stopping, checkpoints, the
/// CSV log, onRound and onStep, divergence, the rows' names.
final class TripletFitBindingsTests: LuaTestCase {
    /// `tr` (12 classes) and `va` (6 other classes) of 1x8x8 images, 6 per
    /// class (class c lights pixel c), and a small embedding `net`.
    static let setup = """
        local function set(classes, offset, seed)
          local g = tensor.rand({classes * 6, 1, 8, 8}, {seed = seed}) * 0.35
          local labels = {}
          for i = 1, classes * 6 do
            local c = (i - 1) // 6 + 1
            labels[i] = c
            local p = (c + offset - 1) % 64
            g:set(i, 1, p // 8 + 1, p % 8 + 1, 1)
          end
          return data.dataset(g:byte{scale = true}, tensor.from(labels, {dtype = 'int32'}))
        end
        tr, va = set(12, 0, 1), set(6, 30, 2)
        net = nn.Sequential{nn.Flatten(), nn.Linear(64, 8, {seed = 1})}

        """

    func fit(_ options: String) -> String {
        Self.setup + "h = triplet.fit(net, tr, {batch = 8, steps = 4, rounds = 3, seed = 2, verbose = 0, \(options)})\n"
    }

    func temporaryPath(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "lunet-\(UUID().uuidString)-" + name
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testValidationLogsValuesInTheRows() throws {
        try run(fit("validation = {set = va, way = 3, tasks = 30, triplets = 12, seed = 5}"))
        XCTAssertEqual(try eval("""
            h.stopReason, #h.rounds, h.monitor, h.stoppedRound, h.rounds[3].round, h.rounds[1].steps,
            h.rounds[2].val_accuracy >= 0 and h.rounds[2].val_accuracy <= 1, h.rounds[2].val_loss >= 0,
            h.rounds[1].lr, h.rounds[1].mining > 0, h.rounds[1].training > 0, h.rounds[1].embedded, h.rounds[1].active > 0,
            h.best.val_accuracy == math.max(h.rounds[1].val_accuracy, h.rounds[2].val_accuracy, h.rounds[3].val_accuracy)
            """), ["completed", "3", "val_accuracy", "3", "3", "4", "true", "true", "0.001", "true", "true", "0.0", "true", "true"])
        // The last round's accuracy is oneshot.evaluate's on the trained network.
        XCTAssertEqual(try eval("h.rounds[3].val_accuracy == oneshot.evaluate(net, va, {way = 3, tasks = 30, seed = 5}).accuracy"), ["true"])
        assertError(Self.setup + "triplet.fit(net, tr, {validation = va})",
                    "test:14: validation set: a 20-way task needs 20 classes (one with two images), got [Dataset: 36 images 1x8x8, 6 classes]")
        assertError(Self.setup + "triplet.fit(net, tr, {validation = {data = va}})",
                    "test:14: unknown option 'data' for validation")
        assertError(Self.setup + "triplet.fit(net, tr, {validation = {way = 3}})",
                    "test:14: validation: missing 'set'")
        assertError(Self.setup + "triplet.fit(net, tr, {validation = {set = data.dataset(tensor.zeros({12, 1, 8, 9}):byte(), tensor.from({1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}, {dtype = 'int32'})), way = 3}, verbose = 0})",
                    "test:14: validation set: its images are 1x8x9, the training set's 1x8x8")
    }

    func testEarlyStoppingCheckpointAndCSV() throws {
        let checkpoint = temporaryPath("best.safetensors"), csv = temporaryPath("rounds.csv")
        // lr 0: the validation loss on its fixed triplets never changes, so patience 0 stops after round 2.
        try run(fit("optimizer = optim.Adam(net, {lr = 0}), rounds = 5, validation = {set = va, way = 3, tasks = 10, triplets = 12}, "
                    + "earlyStopping = {monitor = 'val_loss', patience = 0, restoreBest = true}, checkpoint = '\(checkpoint)', csv = '\(csv)'"))
        XCTAssertEqual(try eval("h.stopReason, #h.rounds, h.best.round"), ["early stopping", "2", "1"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint))
        XCTAssertEqual(try eval("nn.load('\(checkpoint)'):get(2).weight:equal(net:get(2).weight)"), ["true"])
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "round,loss,active,embedded,val_loss,val_accuracy,lr")
        XCTAssertEqual(lines.count, 3, lines.joined(separator: "\n"))
        XCTAssertEqual(lines[2].split(separator: ",").first, "2")
        XCTAssertEqual(Double(try eval("string.format('%.17g', h.rounds[2].loss)")[0]), Double(lines[2].split(separator: ",")[1]))
        assertError(Self.setup + "triplet.fit(net, tr, {earlyStopping = {patience = 1}})",
                    "test:14: earlyStopping: monitor 'val_loss' is not logged (logged: loss, active, embedded; give validation data)")
    }

    func testCallbacksStopOrRaise() throws {
        XCTAssertEqual(try run(fit("onRound = function(round, logs) return round < 2 end") + "return h.stopReason, #h.rounds"), ["callback", "2"])
        XCTAssertEqual(try run(fit("onStep = function(step, logs) return not (logs.round == 2 and step == 3) end")
                               + "return h.stopReason, #h.rounds, h.stoppedRound"), ["callback", "1", "2"])
        XCTAssertThrowsError(try run(fit("onStep = function(step) if step == 2 then error('step broke') end end"))) { error in
            let message = (error as? LuaRaisedError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("test:14: step broke"), message)
            XCTAssertEqual(message.components(separatedBy: "stack traceback").count, 2, "one traceback: \(message)")
        }
    }

    /// The case: Adam at lr 1e38 once returned "completed" with every
    /// weight NaN; now the first update is refused.
    func testAHugeLearningRateDiverges() throws {
        try run(Self.setup + """
            local before = net:get(2).weight:clone()
            h = triplet.fit(net, tr, {optimizer = optim.Adam(net, {lr = 1e38}), steps = 5, batch = 8, verbose = 0})
            same = net:get(2).weight:equal(before)
            """)
        XCTAssertEqual(try eval("h.stopReason, #h.rounds, same, h.message:match(', lr 1e%+38%) at round 1, step 1: training stopped before that step\\'s update$') ~= nil"),
                       ["diverged", "0", "true", "true"])
    }
}
