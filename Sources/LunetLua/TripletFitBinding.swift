import CLua
import Foundation
import LuaShim
import Lunet

/// `triplet.fit(net, set, opts)`: reads the options, runs a `TripletTrainer`
/// with the Lua callbacks (onRound, a Lua sampler) on this binding's state,
/// and returns the history as Lua lists.
enum TripletFitBinding {
    static let allowed: Set<String> = ["sampler", "margin", "distance", "batch", "steps", "rounds", "optimizer", "seed", "onRound", "verbose", "distributed"]

    static func fit(_ call: LuaCall) throws -> Int32 {
        let network = try call.object(1, Module.self, expected: "nn module")
        let dataset = try call.dataset(2)
        let options = try call.options(3, for: "triplet.fit", allowed: allowed)
        let samplerBox = try options.object("sampler", TripletSamplerBox.self, expected: "triplet sampler")
            ?? TripletSamplerBox(RandomTripletSampler())
        let optimizer = try options.object("optimizer", Optimizer.self, expected: "optimizer")
            ?? Adam(module: network, learningRate: 1e-3)
        let onRound = try options.function("onRound")
        let margin = try options.float("margin", in: .nonNegative, default: 0.2)
        let distance = DistanceMetric(rawValue: try options.choice("distance", TripletLoss.distances.map(\.rawValue), default: "squared"))!
        let trainer = try TripletTrainer(
            network: network, dataset: dataset, sampler: samplerBox.sampler, optimizer: optimizer,
            loss: TripletLoss(margin: margin, distance: distance), batch: options.integer("batch", default: 64),
            steps: options.integer("steps", default: 100), rounds: options.integer("rounds", default: 5),
            seed: options.seed() ?? GlobalRandom.makeSeed(),
            parallel: DataParallel.make(for: network, enabled: options.boolean("distributed")))
        // Under MPI only the main rank prints; onRound runs on every rank.
        trainer.reporter = try TrainingBindings.progressReporter(options, unit: "round", rate: "triplets/s")
        trainer.onRound = { (log: TripletRoundLog) in
            guard let onRound else { return }
            try call.callback(onRound) { call in
                call.push(log.round)
                pushLog(call, log)
                return 2
            }
        }
        let lua = samplerBox.sampler as? LuaTripletSampler
        let previous = lua?.call
        lua?.call = call
        defer { lua?.call = previous }
        pushHistory(call, try trainer.fit())
        return 1
    }

    /// A round's numbers under their Lua names: the fields of onRound's logs
    /// and of the history's rows.
    static var roundValues: [(name: String, value: KeyPath<TripletRoundLog, Double>)] {
        [("loss", \.loss), ("active", \.activeFraction), ("mining", \.miningSeconds),
         ("training", \.trainingSeconds), ("embedded", \.embeddedPerStep)]
    }

    static func pushLog(_ call: LuaCall, _ log: TripletRoundLog) {
        lua_createtable(call.L, 0, Int32(roundValues.count + 3))
        call.setField("round") { call.push(log.round) }
        for (name, value) in roundValues { call.setField(name) { call.push(log[keyPath: value]) } }
        call.setField("steps") { call.push(log.steps) }
        if let warning = log.warning { call.setField("warning") { call.push(warning) } }
    }

    /// `{rounds = {logs of round 1, ...}, warnings, stopReason}`: one row per
    /// round, as train.fit's history has one per epoch.
    static func pushHistory(_ call: LuaCall, _ history: TripletHistory) {
        lua_createtable(call.L, 0, 3)
        call.setField("rounds") { call.push(list: history.rounds) { pushLog(call, $0) } }
        call.setField("warnings") { call.push(list: history.rounds.compactMap(\.warning)) }
        call.setField("stopReason") { call.push(history.stopReason) }
    }
}
