import LunetLua
import XCTest

/// What fits and evaluations print (lua/lunet/records.lua): a history as a
/// table of epochs or rounds with its stop reason, a one-shot result as its
/// accuracy, an evaluation as its values; the tables keep their fields.
final class RecordDisplayTests: LuaTestCase {
    /// `record(name, t)`: `t` with the metatable the bindings give results of kind `name`.
    static let record = "local function record(name, t) return setmetatable(t, debug.getregistry()['lunet.' .. name]) end\n"

    func text(_ code: String) throws -> String {
        try run(Self.record + code + "\nreturn tostring(r)")[0]
    }

    func testFitHistoryIsATableOfEpochs() throws {
        XCTAssertEqual(try text("""
            local rows = {
              {epoch = 1, loss = 1.5, accuracy = 0.25, val_loss = 1.25, val_accuracy = 0.5, lr = 0.001, seconds = 1.5, imagesPerSecond = 100},
              {epoch = 2, loss = 0.75, accuracy = 0.625, val_loss = 1.0, val_accuracy = 0.75, lr = 0.0005, seconds = 1.4, imagesPerSecond = 110},
              {epoch = 3, loss = 0.5, accuracy = 0.75, val_loss = 1.125, val_accuracy = 0.6875, lr = 0.00025, seconds = 1.3, imagesPerSecond = 120},
            }
            r = record('FitHistory', {epochs = rows, stopReason = 'early stopping', stoppedEpoch = 3, monitor = 'val_loss', best = rows[2]})
            """), """
            epoch    loss  accuracy  val_loss  val_accuracy       lr
                1  1.5000    0.2500    1.2500        0.5000    0.001
                2  0.7500    0.6250    1.0000        0.7500   0.0005
                3  0.5000    0.7500    1.1250        0.6875  0.00025
            stopped: early stopping (epoch 3); best val_loss 1.0000 at epoch 2
            """)
        // Without validation, metrics in the log's order; a diverged fit says why.
        XCTAssertEqual(try text("""
            r = record('FitHistory', {epochs = {{epoch = 1, top5 = 0.5, loss = 2.5, accuracy = 0.125, lr = 0.01}}, stopReason = 'diverged',
              stoppedEpoch = 2, monitor = 'loss', best = nil, message = 'the loss became nan at epoch 2, step 3'})
            """), """
            epoch    loss  accuracy    top5    lr
                1  2.5000    0.1250  0.5000  0.01
            stopped: diverged (epoch 2)
            the loss became nan at epoch 2, step 3
            """)
        XCTAssertEqual(try text("r = record('FitHistory', {epochs = {}, stopReason = 'interrupted', stoppedEpoch = 1, monitor = 'loss'})"),
                       "(no epoch finished)\nstopped: interrupted (epoch 1)")
    }

    func testLongHistoriesShowTheirEnds() throws {
        let lines = try text("""
            local rows = {}
            for i = 1, 35 do rows[i] = {epoch = i, loss = 1 / i, lr = 0.1} end
            r = record('FitHistory', {epochs = rows, stopReason = 'epochs', stoppedEpoch = 35, monitor = 'loss', best = rows[35]})
            """).split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 10 + 1 + 10 + 1)
        XCTAssertEqual(lines[10], "   10  0.1000  0.1")
        XCTAssertEqual(lines[11], "  ...  (15 epochs not shown)")
        XCTAssertEqual(lines[12], "   26  0.0385  0.1")
        XCTAssertEqual(lines.last, "stopped: epochs (epoch 35); best loss 0.0286 at epoch 35")
    }

    func testTripletHistoryIsATableOfRounds() throws {
        XCTAssertEqual(try text("""
            local rows = {
              {round = 1, loss = 0.25, active = 0.5, embedded = 0, val_accuracy = 0.5, val_loss = 0.125, lr = 0.001, mining = 0.1, training = 0.5, steps = 4},
              {round = 2, loss = 0.0625, active = 0.25, embedded = 0, val_accuracy = 0.625, val_loss = 0.0625, lr = 0.001, mining = 0.1, training = 0.5, steps = 4,
               warning = 'the embeddings collapsed'},
            }
            r = record('TripletHistory', {rounds = rows, warnings = {'the embeddings collapsed'}, stopReason = 'completed', stoppedRound = 2,
              monitor = 'val_loss', best = rows[2]})
            """), """
            round    loss  active  embedded  val_loss  val_accuracy     lr
                1  0.2500  0.5000         0    0.1250        0.5000  0.001
                2  0.0625  0.2500         0    0.0625        0.6250  0.001
            stopped: completed (round 2); best val_loss 0.0625 at round 2
            warning: the embeddings collapsed
            """)
    }

    func testOneShotAndEvaluationResultsAreOneLine() throws {
        XCTAssertEqual(try text("r = record('OneShotResult', {accuracy = 0.72, stderr = math.sqrt(0.72 * 0.28 / 50), correct = 36, tasks = 50, way = 5})"),
                       "accuracy 0.720 +- 0.063 (36 of 50 tasks, 5-way)")
        XCTAssertEqual(try text("r = record('OneShotResult', {accuracy = 0.19, stderr = 0.0196, correct = 76, tasks = 400, errors = {13, 20, 17}})"),
                       "accuracy 0.190 +- 0.020 (76 of 400 tasks)\nwrong answers per run: 13 20 17")
        XCTAssertEqual(try text("r = record('Evaluation', {top3 = 1, val_x = 0.5, accuracy = 0.75, loss = 0.5})"),
                       "loss 0.5000  accuracy 0.7500  top3 1.0000  val_x 0.5000")
    }

    /// A result a script changed beyond recognition is shown by its contents.
    func testBrokenResultsShowTheirContents() throws {
        XCTAssertEqual(try text("r = record('FitHistory', {epochs = 'gone', stopReason = 'epochs'})"), "{epochs = 'gone', stopReason = 'epochs'}")
        XCTAssertEqual(try text("r = record('TripletHistory', {rounds = {}, warnings = {1}})"), "{rounds = {}, warnings = {1}}")
        XCTAssertEqual(try text("r = record('OneShotResult', {accuracy = 'high'})"), "{accuracy = 'high'}")
        XCTAssertEqual(try text("r = record('Evaluation', {loss = 0.5, note = {}})"), "{loss = 0.5, note = {}}")
        XCTAssertEqual(try text("r = record('Evaluation', {})"), "{}")
    }

    /// The real results carry the metatables, print their own values, and
    /// still have exactly their documented fields.
    func testResultsOfTheBindingsPrintThemselves() throws {
        try run(TrainingBindingsTests.setup.replacingOccurrences(of: "local ", with: "") + """
            h = train.fit(net, trainSet, {optimizer = optim.Adam(net, {lr = 0.05}), batch = 16, epochs = 3, seed = 1,
                                          validation = validSet, metrics = {'accuracy'}, verbose = 0})
            e = train.evaluate(net, validSet, {metrics = {'accuracy'}})
            function keys(t) local k = {} for key in pairs(t) do k[#k + 1] = key end table.sort(k) return table.concat(k, ' ') end
            """)
        let history = try eval("tostring(h)")[0].split(separator: "\n").map(String.init)
        XCTAssertEqual(history.count, 5)
        XCTAssertEqual(history[0], "epoch    loss  accuracy  val_loss  val_accuracy    lr")
        XCTAssertEqual(history[3], try eval("('    3  %.4f    %.4f    %.4f        %.4f  0.05'):format(h.epochs[3].loss, h.epochs[3].accuracy, "
                                            + "h.epochs[3].val_loss, h.epochs[3].val_accuracy)")[0])
        XCTAssertEqual(history[4], try eval("('stopped: epochs (epoch 3); best val_loss %.4f at epoch %d'):format(h.best.val_loss, h.best.epoch)")[0])
        XCTAssertEqual(try eval("keys(h), keys(h.epochs[1]), lunet.display(h) == tostring(h)"),
                       ["best epochs monitor stopReason stoppedEpoch", "accuracy epoch imagesPerSecond loss lr seconds val_accuracy val_loss", "true"])
        XCTAssertEqual(try eval("tostring(e) == ('loss %.4f  accuracy %.4f'):format(e.loss, e.accuracy), keys(e)"), ["true", "accuracy loss"])

        try run(TripletFitBindingsTests.setup + """
            t = triplet.fit(net, tr, {batch = 8, steps = 2, rounds = 2, seed = 2, verbose = 0})
            o = oneshot.evaluate(net, va, {way = 3, tasks = 20, seed = 1})
            p = oneshot.runs('pixels', {{support = tensor.zeros({2, 1, 2, 2}, {dtype = 'uint8'}),
              query = tensor.zeros({2, 1, 2, 2}, {dtype = 'uint8'}), answers = {1, 1}}})
            """)
        XCTAssertEqual(try eval("tostring(t):match('^[^\\n]*'), select(2, tostring(t):gsub('\\n', '')), keys(t)"),
                       ["round    loss  active  embedded     lr", "3", "best monitor rounds stopReason stoppedRound warnings"])
        XCTAssertEqual(try eval("tostring(o) == ('accuracy %.3f +- %.3f (%d of 20 tasks, 3-way)'):format(o.accuracy, o.stderr, o.correct), keys(o)"),
                       ["true", "accuracy correct stderr tasks way"])
        XCTAssertEqual(try eval("tostring(p), keys(p)"),
                       ["accuracy 1.000 +- 0.000 (2 of 2 tasks, 2-way)\nwrong answers per run: 0", "accuracy correct errors stderr tasks way"])
    }
}
