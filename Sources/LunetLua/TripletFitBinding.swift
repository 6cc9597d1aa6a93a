import CLua
import Foundation
import LuaShim
import Lunet

/// `triplet.fit(net, set, opts)`: reads the options, runs the training loop
/// (`Trainer`) over `TripletBatches` with the Lua callbacks (onRound, onStep,
/// a Lua sampler) on this binding's state, and returns the history as Lua
/// lists (one row per round, under the names `triplet.fit` documents).
enum TripletFitBinding {
    static func fit(_ call: LuaCall) throws -> Int32 {
        let network = try call.object(1, Module.self, expected: "nn module")
        let dataset = try call.dataset(2)
        let options = try declaredOptions(call)
        let sampler = try options.object("sampler", as: TripletSampler.self) ?? RandomTripletSampler()
        let loss = try TripletLoss(options: options)
        let source = try TripletBatches(dataset, sampler: sampler, loss: loss, batch: options.int("batch"), steps: options.int("steps"),
                                        seed: options.seed() ?? sampler.seed ?? GlobalRandom.makeSeed())
        source.customLoss = try options.object("loss", as: Loss.self).map(tripletLoss)
        var fit = try TrainingBindings.loopOptions(call, options, unit: "round", epochs: options.int("rounds"),
                                                   epochCallback: "onRound", stepCallback: "onStep", pushRow: pushRow)
        fit.validation = try options.options("validation").map { try TripletValidation($0, loss: loss) }
        fit.earlyStopping = try options.options("earlyStopping").map {
            try EarlyStopping($0, defaultMonitor: fit.validation?.defaultMonitor ?? "val_loss")
        }
        let optimizer = try options.object("optimizer", as: Optimizer.self) ?? Adam(module: network, learningRate: 1e-3)
        let trainer = try Trainer(model: network, optimizer: optimizer, source: source, options: fit)
        // A sampler written in Lua runs on this binding's state; the callbacks run on every rank.
        let lua = sampler as? LuaTripletSampler
        let previous = lua?.call
        lua?.call = call
        defer { lua?.call = previous }
        pushHistory(call, try trainer.fit())
        return 1
    }

    /// A loss for triplet training: one written in Lua takes the three
    /// embeddings and no labels; any other must already.
    static func tripletLoss(_ loss: Loss) throws -> Loss {
        if let recorded = loss as? RecordedLoss { return recorded.adapted(inputCount: 3, usesLabels: false) }
        guard loss.inputCount == 3, !loss.usesLabels else {
            throw LunetError("triplet.fit: loss must take the anchor, positive and negative embeddings, got \(subject: loss.subject)")
        }
        return loss
    }

    /// The options table at 3 checked by triplet.fit's declaration, a
    /// `validation = set` read as `validation = {set = set}`.
    static func declaredOptions(_ call: LuaCall) throws -> OptionValues {
        guard !call.isNoneOrNil(3) else { return try Trainer.tripletFitDeclaration.check([:]) }
        guard lua_type(call.L, 3) == LUA_TTABLE, case .table(var table) = try call.value(3) else {
            throw call.typeError(3, expected: "options table")
        }
        if case .object(let box as DatasetBox)? = table.fields["validation"] {
            var nested = LuaTable()
            nested.fields["set"] = .object(box)
            table.fields["validation"] = .table(nested)
        }
        return try OptionValues.checking(table, declaredBy: Trainer.tripletFitDeclaration)
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
        call.setMetatable(.tripletHistory)
    }
}
