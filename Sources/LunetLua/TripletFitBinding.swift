import CLua
import Foundation
import LuaShim
import Lunet

/// `triplet.fit(net, set, opts)`: reads the options, runs the training loop
/// (`Trainer`) over `TripletBatches` with the Lua callbacks (onRound, onStep,
/// a Lua sampler) on this binding's state, and returns the history as Lua
/// lists (one row per round, under the names `triplet.fit` documents).
enum TripletFitBinding {
    static let allowed: Set<String> = ["sampler", "margin", "distance", "batch", "steps", "rounds", "optimizer", "seed", "onRound",
                                       "onStep", "verbose", "distributed", "validation", "earlyStopping", "checkpoint", "csv"]
    static let validationOptions: Set<String> = ["set", "way", "tasks", "triplets", "seed", "within", "distance"]

    static func fit(_ call: LuaCall) throws -> Int32 {
        let network = try call.object(1, Module.self, expected: "nn module")
        let dataset = try call.dataset(2)
        let options = try call.options(3, for: "triplet.fit", allowed: allowed)
        let samplerBox = try options.object("sampler", TripletSamplerBox.self, expected: "triplet sampler")
            ?? TripletSamplerBox(RandomTripletSampler())
        let optimizer = try options.object("optimizer", Optimizer.self, expected: "optimizer")
            ?? Adam(module: network, learningRate: 1e-3)
        let margin = try options.float("margin", in: .nonNegative, default: 0.2)
        let distance = TripletLoss.Distance(rawValue: try options.choice("distance", TripletLoss.Distance.allCases.map(\.rawValue), default: "squared"))!
        let loss = TripletLoss(margin: margin, distance: distance)
        let rounds = try options.integer("rounds", default: 5)
        let source = try TripletBatches(dataset, sampler: samplerBox.sampler, loss: loss, batch: options.integer("batch", default: 64),
                                        steps: options.integer("steps", default: 100), seed: options.seed() ?? GlobalRandom.makeSeed())
        guard rounds >= 1 else { throw LunetError("triplet.fit: rounds must be a positive integer, got \(rounds)") }
        var fit = try TrainingBindings.loopOptions(call, options, unit: "round", epochs: rounds)
        fit.validation = try validation(options, loss: loss)
        fit.earlyStopping = try TrainingBindings.earlyStoppingOption(options, defaultMonitor: fit.validation?.defaultMonitor ?? "val_loss")
        // Under MPI only the main rank prints; the callbacks run on every rank.
        if let onRound = try options.function("onRound") {
            fit.onEpoch = { round, record in
                try TrainingBindings.keepsGoing(call, onRound) { call in
                    call.push(round + 1)
                    pushRow(call, record)
                    return 2
                }
            }
        }
        if let onStep = try options.function("onStep") {
            fit.onBatch = { round, step, values in
                try TrainingBindings.keepsGoing(call, onStep) { call in
                    call.push(step + 1)
                    TrainingBindings.push(call, values: values)
                    call.setField("round") { call.push(round + 1) }
                    return 2
                }
            }
        }
        let trainer = try Trainer(model: network, optimizer: optimizer, source: source, options: fit)
        let lua = samplerBox.sampler as? LuaTripletSampler
        let previous = lua?.call
        lua?.call = call
        defer { lua?.call = previous }
        pushHistory(call, try trainer.fit())
        return 1
    }

    /// `validation = set` or `validation = {set = , way = 20, tasks = 250, triplets = 0, seed = 1, within = nil, distance = 'euclidean'}`.
    static func validation(_ options: LuaOptions, loss: TripletLoss) throws -> TripletValidation? {
        guard let value = options.values["validation"] else { return nil }
        if case .object(let object) = value, let box = object as? DatasetBox { return try TripletValidation(box.dataset, loss: loss) }
        guard case .table(let table) = value else {
            throw LunetError("option 'validation' for triplet.fit: Dataset or table {set = , way = , tasks = , ...} expected, got \(value.typeName)")
        }
        let nested = try LuaOptions(checking: table, owner: "triplet.fit's validation", allowed: validationOptions)
        guard let set = try nested.object("set", DatasetBox.self, expected: "Dataset")?.dataset else {
            throw LunetError("option 'validation' for triplet.fit: the table needs set = a Dataset")
        }
        return try TripletValidation(set, way: nested.integer("way", default: 20), tasks: nested.integer("tasks", default: 250),
                                     triplets: nested.integer("triplets", default: 0), seed: nested.seed() ?? 1,
                                     withinGroup: nested.choice("within", ["group"], default: "") == "group",
                                     distance: TripletBindings.distance(nested), loss: loss)
    }

    /// A round's row (the fields of onRound's logs and of the history's rows):
    /// `{round, loss, active, embedded, val_accuracy, val_loss, mining, training, steps, lr, warning}`.
    static func pushRow(_ call: LuaCall, _ record: EpochRecord) {
        TrainingBindings.push(call, values: record.logs)
        call.setField("round") { call.push(record.epoch + 1) }
        call.setField("mining") { call.push(record.batchSeconds) }
        call.setField("training") { call.push(record.stepSeconds) }
        call.setField("steps") { call.push(record.steps) }
        call.setField("lr") { call.push(record.learningRate) }
        if let warning = record.warning { call.setField("warning") { call.push(warning) } }
    }

    /// `{rounds = {row of round 1, ...}, warnings, stopReason, stoppedRound, monitor, best, message}`:
    /// one row per round, as train.fit's history has one per epoch.
    static func pushHistory(_ call: LuaCall, _ history: TrainingHistory) {
        lua_createtable(call.L, 0, 7)
        call.setField("rounds") { call.push(list: history.epochs) { pushRow(call, $0) } }
        call.setField("warnings") { call.push(list: history.warnings) }
        call.setField("stopReason") { call.push(TrainingBindings.stopReasonName(history.stopReason, completed: "completed")) }
        if let stopped = history.stoppedEpoch { call.setField("stoppedRound") { call.push(stopped + 1) } }
        call.setField("monitor") { call.push(history.monitor) }
        if let best = history.best { call.setField("best") { pushRow(call, best) } }
        if let message = history.message { call.setField("message") { call.push(message) } }
    }
}
