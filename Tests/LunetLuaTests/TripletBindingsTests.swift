import Foundation
import LuaShim
import LunetLua
import XCTest

/// `triplet.*` and `oneshot.*` from Lua on real Omniglot: samplers, a sampler
/// written in Lua and its checks, triplet.fit, the one-shot tests.
final class TripletBindingsTests: LuaTestCase {
    /// Globals `ds` (12 characters x 20 images), `net` (a small seeded embedding) and `opt`.
    func setUpOmniglot() throws {
        let path = try sharedData("omniglot/images_background_small1.zip")
        try run("""
            ds = data.omniglot("\(path)"):classes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
            net = nn.Sequential{nn.MaxPool2d(5), nn.Flatten(), nn.Linear(441, 8, {seed = 3})}
            opt = optim.Adam(net, {lr = 1e-2})
            -- Checks a sampler's triplets as the spec defines them.
            function check(a, p, n)
              assert(a:type() == "Int32" and #a == #p and #a == #n)
              local labels = ds.labels:totable()
              a, p, n = a:totable(), p:totable(), n:totable()
              for i = 1, #a do
                assert(a[i] ~= p[i] and labels[a[i]] == labels[p[i]] and labels[n[i]] ~= labels[a[i]])
                assert(a[i] >= 1 and a[i] <= #ds and n[i] >= 1 and n[i] <= #ds)
              end
              return #a
            end
            """)
    }

    func testBuiltInSamplersReturnValidOneBasedTriplets() throws {
        try setUpOmniglot()
        XCTAssertEqual(try eval("check(triplet.random():sample(ds, nil, 16))"), ["16"])
        XCTAssertEqual(try eval("check(triplet.hardest():sample(ds, net, 16))"), ["16"])
        XCTAssertEqual(try eval("check(triplet.semihard{margin = 0.5}:sample(ds, net, 16))"), ["16"])
        XCTAssertEqual(try eval("check(triplet.batchhard{classes = 4, perClass = 3}:sample(ds, net, 12))"), ["12"])
        XCTAssertEqual(try eval("check(triplet.hardest{refresh = 5}:sample(ds, net, 8))"), ["8"])
        XCTAssertEqual(try eval("tostring(triplet.semihard{margin = 0.5, refresh = 3})"), ["triplet.semihard{margin = 0.5, refresh = 3}"])
        assertError("triplet.hardest():sample(ds, nil, 4)",
                    "test:1: bad argument #2 to 'sample' (triplet.hardest() mines from embeddings: nn module expected, got nil)")
        assertError("triplet.hardest{refresh = 0}", "test:1: triplet.hardest: refresh must be a positive integer, got 0")
        assertError("triplet.batchhard{perClass = 1}", "test:1: triplet.batchhard: perClass must be an integer >= 2, got 1")
        assertError("triplet.hardest{refesh = 2}", "test:1: unknown option 'refesh' for triplet.hardest (did you mean 'refresh'?)")
    }

    func testLuaSamplerSeesTheContextAndIsChecked() throws {
        try setUpOmniglot()
        try run("""
            seen = {}
            semi = triplet.sampler(function(ctx, n)
              seen.labels = ctx.labels:type() .. " " .. #ctx.labels
              seen.classes = ctx:classCount()
              seen.step = ctx.step
              local a, p, neg = {}, {}, {}
              for i = 1, n do
                local c = ctx.random:integer(1, ctx:classCount())
                local images = ctx:indicesOf(c)
                a[i], p[i] = images[1], images[2]
                local other = c % ctx:classCount() + 1
                local candidates = ctx:indicesOf(other)
                local d = ctx:distances({a[i]}, candidates)
                local best = 1
                for j = 2, #candidates do if d:get(1, j) < d:get(1, best) then best = j end end
                neg[i] = candidates[best]
              end
              seen.embedded = ctx:embed(a):size(1)
              return a, p, neg
            end)
            """)
        XCTAssertEqual(try eval("check(semi:sample(ds, net, 6))"), ["6"])
        XCTAssertEqual(try eval("seen.labels, seen.classes, seen.step, seen.embedded"), ["Int32 240", "12", "1", "6"])
        XCTAssertEqual(try eval("select('#', semi:sample(ds, net, 2)), seen.step"), ["3", "2"])
    }

    func testLuaSamplerMistakesAreClearErrorsAndLeaveEverythingUsable() throws {
        try setUpOmniglot()
        func sampler(_ body: String) -> String {
            "triplet.fit(net, ds, {sampler = triplet.sampler(function(ctx, n) \(body) end), batch = 2, steps = 1, rounds = 1, optimizer = opt, verbose = 0})"
        }
        assertError(sampler("return {1, 1}, {2, 3}, {21}"),
                    "test:1: triplet.sampler: anchors, positives and negatives must have one length, got 2, 2 and 1")
        assertError(sampler("return {1, 1}, {2, 3}, {21, 241}"),
                    "test:1: triplet.sampler: triplet 2: negative 241 out of range for a dataset of 240 images")
        assertError(sampler("return {1, 1}, {2, 21}, {21, 41}"),
                    "test:1: triplet.sampler: triplet 2: anchor 1 (class 1) and positive 21 (class 2) are of different classes")
        assertError(sampler("return {1, 1}, {2, 3}, {21, 4}"),
                    "test:1: triplet.sampler: triplet 2: negative 4 is of the anchor's class 1")
        assertError(sampler("return 'a', {2}, {21}"),
                    "test:1: triplet.sampler: the function must return anchors, positives and negatives as tables or Int32 tensors of 1-based indices; anchors is string")
        XCTAssertThrowsError(try run(sampler("error('my sampler broke')"))) { error in
            let message = (error as? LuaRaisedError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("test:1: my sampler broke"), message)
            XCTAssertEqual(message.components(separatedBy: "stack traceback").count, 2, "one traceback: \(message)")
        }
        // The network and the optimizer still train, and a correct sampler runs.
        XCTAssertEqual(try eval("net:forward(ds.images:narrow(1, 1, 2):float()):size(2)"), ["8"])
        let history = try eval(sampler("return {1, 21}, {2, 22}, {41, 1}") + ".stopReason")
        XCTAssertEqual(history, ["completed"])
    }

    /// Ctrl-C inside a Lua sampler stops triplet.fit at a step boundary with the rounds so far.
    func testCtrlCInsideALuaSamplerReturnsTheHistory() throws {
        try setUpOmniglot()
        let previous = signal(SIGINT, SIG_IGN)  // a signal sent early must not end the test process
        defer { signal(SIGINT, previous); lunet_clear_interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { kill(getpid(), SIGINT) }
        let result = try eval("""
            (function()
              local h = triplet.fit(net, ds, {batch = 2, steps = 1, rounds = 3, optimizer = opt, verbose = 0,
                sampler = triplet.sampler(function(ctx, n)
                  if ctx.step == 2 then local t = os.clock() while os.clock() - t < 20 do end end
                  return {1, 21}, {2, 22}, {41, 1}
                end)})
              return h.stopReason, #h.rounds
            end)()
            """)
        XCTAssertEqual(result, ["interrupted", "1"])
        XCTAssertEqual(try eval("net:forward(ds.images:narrow(1, 1, 2):float()):size(2)"), ["8"])
    }

    func testFitLowersTheLossAndCallsOnRound() throws {
        try setUpOmniglot()
        let result = try eval("""
            (function()
              local rounds, seen = {}, {}
              local h = triplet.fit(net, ds, {sampler = triplet.hardest(), batch = 16, steps = 8, rounds = 3, seed = 2,
                optimizer = opt, verbose = 0, onRound = function(r, logs) rounds[#rounds + 1] = r .. ":" .. tostring(logs.steps); seen[r] = logs end})
              local same = true  -- onRound's logs are the history's rows
              for _, key in ipairs({'round', 'loss', 'active', 'mining', 'training', 'embedded', 'steps'}) do same = same and seen[2][key] == h.rounds[2][key] end
              local r = h.rounds
              return #r, r[3].loss < r[1].loss, r[1].active > 0, r[1].mining > 0, r[1].embedded > 16, table.concat(rounds, " "), h.stopReason, same
            end)()
            """)
        XCTAssertEqual(result, ["3", "true", "true", "true", "true", "1:8 2:8 3:8", "completed", "true"])
        assertError("triplet.fit(net, ds, {sampler = 3})", "test:1: option 'sampler' for triplet.fit: triplet sampler expected, got 3")
        assertError("triplet.fit(net, ds, {margin = -1})", "test:1: triplet.fit: margin must be a non-negative number, got -1")
        assertError("triplet.fit(net, ds, {margin = 0/0})", "test:1: triplet.fit: margin must be a non-negative number, got -nan")
        assertError("triplet.fit(net, ds, {batchsize = 3})", "test:1: unknown option 'batchsize' for triplet.fit (did you mean 'batch'?)")
    }

    func testRawPixelBaselineOnTheOfficialRuns() throws {
        let path = try sharedData("omniglot/all_runs.zip")
        XCTAssertEqual(try eval("""
            (function()
              local r = oneshot.runs("pixels", data.omniglotRuns("\(path)"))
              return r.accuracy, r.correct, r.tasks, #r.errors, r.errors[1], r.errors[17]
            end)()
            """), ["0.19", "76", "400", "20", "13", "20"])
    }

    func testEvaluateReportsAccuracyAndStandardError() throws {
        try setUpOmniglot()
        let values = try eval("""
            (function()
              local r = oneshot.evaluate(net, ds, {way = 5, tasks = 40, seed = 3, within = "group", distance = "cosine"})
              return r.tasks, r.correct == math.floor(r.accuracy * 40 + 0.5), math.abs(r.stderr - math.sqrt(r.accuracy * (1 - r.accuracy) / 40)) < 1e-12
            end)()
            """)
        XCTAssertEqual(values, ["40", "true", "true"])
        assertError("oneshot.evaluate(net, ds, {within = 'alphabet'})", "test:1: oneshot.evaluate: within must be one of 'group', got 'alphabet'")
        assertError("oneshot.runs('pixel', {})", "test:1: bad argument #1 to 'runs' (nn module or 'pixels' expected, got 'pixel')")
    }

    /// A run whose test images differ in size from its training images is named with both sizes.
    func testRunsWithTwoImageSizes() {
        assertError("""
            oneshot.runs('pixels', {{name = 'run03', support = tensor.zeros({20, 1, 105, 105}, {dtype = 'uint8'}),
              query = tensor.zeros({1, 1, 28, 28}, {dtype = 'uint8'}), answers = {1}}})
            """, "test:1: one-shot run run03: its test images are 1x28x28 and its training images 1x105x105; the images of a run must have one size")
    }
}
