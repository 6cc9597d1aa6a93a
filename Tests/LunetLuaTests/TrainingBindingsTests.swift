import LunetLua
import XCTest

/// `train.fit` and `train.evaluate` as a Lua user meets them: histories,
/// callbacks (stopping, errors with one traceback, coroutines), options, and
/// a real short fit on Fashion-MNIST.
final class TrainingBindingsTests: LuaTestCase {
    /// A small learnable set (class c: bright row c of a 4x4 image) and a network.
    var setup: String { Self.setup }
    static let setup = """
        local function toy(n, seed)
          local g = tensor.rand({n, 1, 4, 4}, {seed = seed}) * 0.4
          local labels = {}
          for i = 1, n do
            local c = (i * 7 + seed) % 3 + 1
            labels[i] = c
            for j = 1, 4 do g:set(i, 1, c, j, 0.8 + 0.2 * g:get(i, 1, c, j)) end
          end
          return data.dataset(g:byte{scale = true}, tensor.from(labels, {dtype = 'int32'}))
        end
        local trainSet, validSet = toy(96, 1), toy(48, 2)
        local net = nn.Sequential{nn.Flatten(), nn.Linear(16, 8, {seed = 1}), nn.ReLU(), nn.Linear(8, 3, {seed = 2})}

        """

    func testFitReturnsTheHistory() throws {
        let values = try run(setup + """
            local h = train.fit(net, trainSet, {optimizer = optim.Adam(net, {lr = 0.05}), batch = 16, epochs = 4, seed = 1,
                                                validation = validSet, metrics = {'accuracy', 'top2'}, verbose = 0})
            local first, last = h.epochs[1], h.epochs[#h.epochs]
            return #h.epochs, h.stoppedEpoch, h.stopReason, h.monitor, last.epoch,
                   last.loss < first.loss, last.val_loss < first.val_loss, last.val_accuracy > 0.9,
                   last.val_top2 >= last.val_accuracy, last.top2 >= last.accuracy, last.seconds > 0, last.imagesPerSecond > 0,
                   h.best.val_loss <= last.val_loss, h.message
            """)
        XCTAssertEqual(values, ["4", "4", "epochs", "val_loss", "4", "true", "true", "true", "true", "true", "true", "true", "true", "nil"])
    }

    func testEvaluateMatchesTheCriterion() throws {
        let values = try run(setup + """
            net:train()
            local r = train.evaluate(net, validSet, {batch = 5, metrics = {'accuracy', 'top3'}})
            net:evaluate()
            local x, y = validSet:batches(48)()
            local logits = net:forward(x)
            local correct = 0
            for i = 1, 48 do
              local _, best = logits:narrow(1, i, 1):topk(1)
              if best:get(1, 1) == y:get(i) then correct = correct + 1 end
            end
            return math.abs(r.loss - nn.CrossEntropy():forward(logits, y)) < 1e-5, r.accuracy == correct / 48, r.top3, tostring(net:get(2).weight ~= nil)
            """)
        XCTAssertEqual(values, ["true", "true", "1.0", "true"])
    }

    func testEarlyStoppingAndRestoreBestFromLua() throws {
        let values = try run(setup + """
            local weights = {}
            local h = train.fit(net, trainSet, {optimizer = optim.SGD(net, {lr = 6}), batch = 16, epochs = 8, seed = 1, verbose = 0,
              validation = validSet, earlyStopping = {monitor = 'val_loss', patience = 1, restoreBest = true},
              onEpoch = function(epoch, logs) weights[epoch] = net:get(4).weight:clone() return true end})
            return h.stopReason, h.stoppedEpoch < 8, net:get(4).weight:equal(weights[h.best.epoch]),
                   h.best.epoch < h.stoppedEpoch
            """)
        XCTAssertEqual(values, ["early stopping", "true", "true", "true"])
    }

    func testCallbacksStopTraining() throws {
        XCTAssertEqual(try run(setup + """
            local seen = {}
            local h = train.fit(net, trainSet, {batch = 16, epochs = 5, verbose = 0,
              onEpoch = function(epoch, logs) seen[#seen + 1] = epoch .. ':' .. tostring(logs.loss > 0) return epoch < 2 end})
            return h.stopReason, #h.epochs, table.concat(seen, ' ')
            """), ["callback", "2", "1:true 2:true"])
        XCTAssertEqual(try run(setup + """
            local batches = 0
            local h = train.fit(net, trainSet, {batch = 16, epochs = 5, verbose = 0, metrics = {'accuracy'},
              onBatch = function(batch, logs) batches = batches + 1 return not (logs.epoch == 2 and batch == 3) end})
            return h.stopReason, #h.epochs, batches, h.stoppedEpoch
            """), ["callback", "1", "9", "2"])
    }

    /// An error in a callback stops fit and reaches the caller as that error,
    /// with one traceback; the model stays usable.
    func testCallbackErrorHasOneTracebackAndLeavesTheModelUsable() throws {
        XCTAssertNil(lua.load(setup + """
            net:evaluate()
            ok, message = pcall(train.fit, net, trainSet, {batch = 16, epochs = 3, verbose = 0,
              onEpoch = function(epoch) if epoch == 2 then error('stop here') end end})
            after = net:forward(tensor.zeros({2, 1, 4, 4}))
            training = net:get(2).weight ~= nil
            train.fit(net, trainSet, {batch = 16, epochs = 1, verbose = 0, onBatch = function() local t = nil; return t.x end})
            """, name: "=script"))
        XCTAssertThrowsError(try lua.call()) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("script:18: attempt to index a nil value (local 't')\nstack traceback:\n"), message)
            XCTAssertEqual(message.components(separatedBy: "stack traceback:").count, 2, message)
        }
        XCTAssertEqual(try eval("ok, message:match('^[^\\n]*')"), ["false", "script:15: stop here"])
        XCTAssertEqual(try eval("message:match('stack traceback') ~= nil, #after:shape()"), ["true", "2"])
        // The fit that failed left the model in its mode (evaluation) and the next fit works.
        XCTAssertEqual(try run(setup + """
            net:evaluate()
            pcall(train.fit, net, trainSet, {epochs = 1, verbose = 0, onBatch = function() error('x') end})
            local h = train.fit(net, trainSet, {epochs = 1, verbose = 0})
            return h.stopReason, net:forward(tensor.zeros({1, 1, 4, 4})):equal(net:forward(tensor.zeros({1, 1, 4, 4})))
            """), ["epochs", "true"])
    }

    /// fit called from a coroutine runs its callbacks on the coroutine's
    /// state; a yield from a callback is refused with a clear error.
    func testFitInsideACoroutine() throws {
        XCTAssertEqual(try run(setup + """
            local co = coroutine.wrap(function()
              local h = train.fit(net, trainSet, {batch = 32, epochs = 2, verbose = 0,
                onEpoch = function(epoch) return coroutine.isyieldable() == false end})
              coroutine.yield(h.stopReason .. ' ' .. #h.epochs)
              local ok, message = pcall(train.fit, net, trainSet, {epochs = 1, verbose = 0,
                onBatch = function() coroutine.yield(1) end})
              coroutine.yield(tostring(ok) .. ' ' .. message:match('^[^\\n]*'))
            end)
            return co(), co()
            """), ["epochs 2", "false attempt to yield across a C-call boundary"])
    }

    func testDivergedLossStopsWithAMessage() throws {
        XCTAssertEqual(try run(setup + """
            local h = train.fit(net, trainSet, {optimizer = optim.SGD(net, {lr = 1e30}), batch = 16, epochs = 3, seed = 1, verbose = 0})
            return h.stopReason, h.message:match('^loss is [%a%-]+ at epoch %d+, batch %d+: training stopped before that batch\\'s update$') ~= nil,
                   net:get(4).weight:sum() == net:get(4).weight:sum()
            """), ["diverged", "true", "true"])
    }

    func testOptionsAreChecked() {
        let fit = setup + "train.fit(net, trainSet, "
        assertError(fit + "{epoch = 2})", "test:13: unknown option 'epoch' for train.fit (did you mean 'epochs'?)")
        assertError(fit + "{metrics = {'acuracy'}})", "test:13: unknown metric 'acuracy' (metrics: 'accuracy', 'top<K>' such as 'top5')")
        assertError(fit + "{earlyStopping = {patience = 1, restore = true}})",
                    "test:13: unknown option 'restore' for earlyStopping (did you mean 'restoreBest'?)")
        assertError(fit + "{earlyStopping = {patience = 1}})",
                    "test:13: earlyStopping: monitor 'val_loss' is not logged (logged: loss; give validation data)")
        assertError(fit + "{loss = net})", "test:13: option 'loss' for train.fit: nn criterion expected, got nn module")
        assertError(fit + "{validation = net})", "test:13: option 'validation' for train.fit: Dataset expected, got nn module")
        assertError(fit + "{onEpoch = 1})", "test:13: option 'onEpoch' for train.fit: function expected, got 1")
        assertError(fit + "{verbose = 3})", "test:13: train.fit: verbose must be an integer from 0 to 2, got 3")
        assertError(fit + "{epochs = 0})", "test:13: train.fit: epochs must be a positive integer, got 0")
        assertError(setup + "train.fit(net, net)", "test:13: bad argument #2 to 'fit' (Dataset expected, got nn module)")
        assertError(setup + "train.fit(nn.Sequential{nn.Flatten(), nn.Linear(16, 2)}, trainSet, {verbose = 0})",
                    "test:13: the model gives 2 class scores per image but the dataset has 3 classes")
    }

    func testHelpDocumentsFitAndEvaluate() throws {
        XCTAssertTrue(try eval("lunet.doc(train.fit)")[0].hasPrefix("train.fit(model, trainSet[, {loss=, batch=32, epochs=1,"))
        XCTAssertTrue(try eval("lunet.doc(train.evaluate)")[0].hasPrefix("train.evaluate(model, set[, {batch=32"))
        XCTAssertTrue(try eval("lunet.doc(train)")[0].contains("train.fit"))
        // A nested table's keys are listed with its option.
        XCTAssertTrue(try eval("lunet.doc(train.fit)")[0].contains("earlyStopping: Keras 3's early stopping on a logged value {monitor='val_loss', patience=0, minDelta=0, restoreBest=false}"))
    }

    /// A real short fit: 600 Fashion-MNIST test-split images, a small MLP, the
    /// training and validation losses go down.
    func testShortFitOnFashionMNIST() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") else {
            throw XCTSkip("Fashion-MNIST is absent from /usr/share/datasets/fashion-mnist")
        }
        let values = try run("""
            local all = data.fashionmnist{split = 'test'}:take(600)
            local tr, va = all:split{0.8, 0.2}
            local net = nn.Sequential{nn.Flatten(), nn.Linear(784, 64, {seed = 1}), nn.ReLU(), nn.Linear(64, 10, {seed = 2})}
            local h = train.fit(net, tr, {optimizer = optim.Adam(net, {lr = 2e-3}), batch = 32, epochs = 4, seed = 3,
                                          validation = va, metrics = {'accuracy', 'top5'}, verbose = 0})
            local first, last = h.epochs[1], h.epochs[4]
            return h.stopReason, last.loss < 0.8 * first.loss, last.val_loss < first.val_loss, last.val_accuracy > 0.6,
                   last.val_top5 > 0.9
            """)
        XCTAssertEqual(values, ["epochs", "true", "true", "true", "true"])
    }
}
