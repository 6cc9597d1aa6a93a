import LunetLua
import XCTest

/// Same build, same seeds, same thread count: the same numbers, bit for bit.
/// A short `train.fit` (convolution, batch norm, seeded dropout, shuffled
/// batches, validation) and a short `triplet.fit` (hardest-negative mining,
/// one-shot validation) run twice in one state and once in a fresh one; their
/// histories (every logged value, the learning rates, the stop) and final
/// weights, written as hexadecimal floats, must be identical. Timings are left out.
final class ReproducibilityTests: LuaTestCase {
    /// Globals `fitPrint([seed])` and `tripletPrint([seed])`: each runs its fit
    /// from scratch (`seed` draws the batches or triplets) and returns the run's fingerprint.
    static let setup = TripletFitBindingsTests.setup + """
        local timings = {seconds = true, imagesPerSecond = true, mining = true, training = true}
        local function hex(v) return math.type(v) == 'float' and ('%a'):format(v) or tostring(v) end
        local function flatten(values, into)
          if type(values) ~= 'table' then into[#into + 1] = hex(values) return into end
          for _, v in ipairs(values) do flatten(v, into) end
          return into
        end
        local function fingerprint(history, rows, model)
          local parts = {history.stopReason, tostring(history.best and (history.best.epoch or history.best.round))}
          for _, row in ipairs(history[rows]) do
            local keys = {}
            for k in pairs(row) do if not timings[k] then keys[#keys + 1] = k end end
            table.sort(keys)
            for _, k in ipairs(keys) do parts[#parts + 1] = k .. '=' .. hex(row[k]) end
          end
          for _, p in ipairs(model:parameters()) do parts[#parts + 1] = table.concat(flatten(p:totable(), {}), ',') end
          return table.concat(parts, ' ')
        end

        function fitPrint(seed)
          local model = nn.Sequential{nn.Conv2d(1, 4, 3, {padding = 'same', seed = 1}), nn.BatchNorm2d(4), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.25, {seed = 3}), nn.Linear(64, 12, {seed = 2})}
          local trainSet, validSet = tr:shuffle{seed = 4}:split{0.75, 0.25}
          local h = train.fit(model, trainSet, {optimizer = optim.Adam(model, {lr = 0.01}), batch = 9, epochs = 3, seed = seed or 5,
            validation = validSet, metrics = {'accuracy', 'top3'}, verbose = 0})
          return fingerprint(h, 'epochs', model)
        end

        function tripletPrint(seed)
          local model = nn.Sequential{nn.Flatten(), nn.Linear(64, 16, {seed = 1}), nn.ReLU(), nn.Linear(16, 8, {seed = 2}), nn.L2Normalize()}
          local h = triplet.fit(model, tr, {sampler = triplet.hardest(), batch = 8, steps = 3, rounds = 2, seed = seed or 6, verbose = 0,
            validation = {set = va, way = 3, tasks = 20, triplets = 12, seed = 7}})
          return fingerprint(h, 'rounds', model)
        end

        """

    func testSameSeedsGiveIdenticalHistoriesAndWeights() throws {
        try run(Self.setup)
        let fit = try eval("fitPrint()")[0], triplet = try eval("tripletPrint()")[0]
        // Real histories: 3 epochs of 6 logged values and a learning rate, 2 rounds with validation, then the weights.
        XCTAssertEqual(fit.components(separatedBy: "val_top3=").count, 4, fit)
        XCTAssertEqual(triplet.components(separatedBy: "val_accuracy=").count, 3, triplet)
        XCTAssertEqual(try eval("fitPrint()")[0], fit, "train.fit twice in one state")
        XCTAssertEqual(try eval("tripletPrint()")[0], triplet, "triplet.fit twice in one state")
        // The fingerprints see a change: other batches, other triplets, other numbers.
        XCTAssertNotEqual(try eval("fitPrint(50)")[0], fit)
        XCTAssertNotEqual(try eval("tripletPrint(60)")[0], triplet)

        let fresh = try LuaState(libraryPath: Self.repositoryRoot + "/lua")
        try fresh.run(Self.setup)
        XCTAssertEqual(try fresh.evaluate("fitPrint()"), [fit], "train.fit in a fresh state")
        XCTAssertEqual(try fresh.evaluate("tripletPrint()"), [triplet], "triplet.fit in a fresh state")
    }
}
