import CLua
import Foundation
import Lunet

/// `train.fit` and `train.evaluate`: the Training engine for Lua. Options are
/// read here; the loop, metrics and early stopping live in `Sources/Lunet/Training`.
enum TrainingBindings {
    static let fitOptions: Set<String> = ["loss", "optimizer", "batch", "epochs", "validation", "metrics", "earlyStopping",
                                          "shuffle", "seed", "onEpoch", "onBatch", "checkpoint", "csv", "verbose", "distributed"]

    static let module = LuaLibrary(.module("train"), doc: "The training loop (fit with validation, metrics, early stopping, checkpoints, callbacks) and evaluation.", functions: [
        LuaFunction("fit", "train.fit(model, trainSet, {loss = nn.CrossEntropy(), optimizer = optim.Adam(model), batch = 32, epochs = 1, validation = ds, metrics = {'accuracy', 'top5'}, earlyStopping = {monitor = 'val_loss', patience = 0, minDelta = 0, restoreBest = false}, shuffle = true, seed = nil, onEpoch = function(epoch, logs) end, onBatch = function(batch, logs) end, checkpoint = path, csv = path, verbose = 1, distributed = nil})",
                    "Trains the model; returns the history {epochs = {{epoch, loss, accuracy, val_loss, val_accuracy, top5, ..., lr, seconds, imagesPerSecond}, ...}, stoppedEpoch, stopReason = 'epochs'|'early stopping'|'interrupted'|'diverged'|'callback', best = the best epoch's row (by earlyStopping's monitor, else val_loss, else loss), monitor, message}. Early stopping follows Keras 3 (restoreBest restores the best epoch's weights however training ends). onEpoch or onBatch returning false stops; an error in them stops fit and is raised. Ctrl-C stops at the next batch and returns the history. A NaN or infinite loss, or an update that would make a weight NaN or infinite, stops before that update (stopReason 'diverged', the weights of the last good step, a message naming epoch and batch). The set's images and classes are checked against the model and the validation set's before the first step. lr is the optimizer's rate during the epoch (its schedule's, when it has one). checkpoint writes the best model (nn.save format) atomically at each improvement. csv writes one row per epoch (epoch, the logged values, lr), each flushed as the epoch ends; an existing log with the same columns is continued, one with others is an error. verbose 1: a progress bar on a terminal, one line per epoch elsewhere; 2: lines; 0: silent. Under mpirun with several ranks (or distributed = true; false turns it off) training is data-parallel: batch is the global batch, each rank computes its slice, gradients are averaged, logs are over all ranks, only the main rank prints and writes the checkpoint (docs/distributed.md).") { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let data = try call.dataset(2)
            let options = try call.options(3, for: "train.fit", allowed: fitOptions)
            let loss = try lossOption(options)
            let optimizer = try options.object("optimizer", Optimizer.self, expected: "optimizer") ?? Adam(module: model)
            let metrics = try metricsOption(options)
            let batch = try options.integer("batch", default: 32)
            let source = try LabeledBatches(data, loss: loss, metrics: metrics, batchSize: batch,
                                            shuffle: options.boolean("shuffle", default: true), seed: options.seed())
            var fit = try loopOptions(call, options, unit: "epoch", epochs: options.integer("epochs", default: 1))
            if let validation = try options.object("validation", DatasetBox.self, expected: "Dataset")?.dataset {
                fit.validation = LabeledValidation(validation, evaluator: try Evaluator(loss: loss, metrics: metrics, batchSize: batch))
            }
            fit.earlyStopping = try earlyStoppingOption(options, defaultMonitor: "val_loss")
            if let onEpoch = try options.function("onEpoch") {
                fit.onEpoch = { epoch, record in
                    try keepsGoing(call, onEpoch) { call in
                        call.push(epoch + 1)
                        push(call, record)
                        return 2
                    }
                }
            }
            if let onBatch = try options.function("onBatch") {
                fit.onBatch = { epoch, batch, values in
                    try keepsGoing(call, onBatch) { call in
                        call.push(batch + 1)
                        push(call, values: values)
                        call.setField("epoch") { call.push(epoch + 1) }
                        return 2
                    }
                }
            }
            let trainer = try Trainer(model: model, optimizer: optimizer, source: source, options: fit)
            push(call, try trainer.fit())
            return 1
        },
        LuaFunction("evaluate", "train.evaluate(model, set[, {batch = 32, metrics = {'accuracy', 'top5'}, loss = nn.CrossEntropy()}])",
                    "The loss and metrics over the whole set, batched, in evaluation mode (the model's mode is restored): {loss = , accuracy = , top5 = , ...}. The loss includes the layers' L2 penalty, as Keras reports it. Ctrl-C stops it at the next batch with the error 'interrupted'.") { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let data = try call.dataset(2)
            let options = try call.options(3, for: "train.evaluate", allowed: ["batch", "metrics", "loss"])
            let evaluator = try Evaluator(loss: try lossOption(options), metrics: try metricsOption(options),
                                          batchSize: try options.integer("batch", default: 32))
            push(call, values: try evaluator.evaluate(model, on: data))
            return 1
        },
    ])

    // MARK: Options

    /// The options both fits share: epochs (rounds), checkpoint, csv,
    /// distributed and verbose (progress in `unit`s).
    static func loopOptions(_ call: LuaCall, _ options: LuaOptions, unit: String, epochs: Int) throws -> FitOptions {
        var fit = FitOptions()
        fit.epochs = epochs
        fit.checkpoint = try options.path("checkpoint")
        fit.csv = try options.path("csv")
        fit.distributed = try options.boolean("distributed")
        fit.reporter = try progressReporter(options, unit: unit, rate: unit == "epoch" ? "img/s" : "triplets/s")
        return fit
    }

    /// The progress of `train.fit` and `triplet.fit` for their option `verbose`
    /// (0, 1 or 2; default 1): as asked in one process, a bar cut to the
    /// terminal's width; under MPI silent on all but the main rank, and lines
    /// rather than a bar (mpirun gives ranks a pseudo-terminal even when its
    /// own output goes to a log file).
    static func progressReporter(_ options: LuaOptions, unit: String = "epoch", rate: String = "img/s") throws -> ProgressReporter {
        let verbose = try options.integer("verbose", default: 1)
        guard (0...2).contains(verbose) else { throw LunetError("option 'verbose' for \(options.owner) must be 0, 1 or 2, got \(verbose)") }
        let style = Distributed.world.isMain
            ? ProgressReporter.style(verbose: verbose, terminal: isatty(STDOUT_FILENO) != 0 && !Distributed.isMultiRank) : .silent
        let reporter = ProgressReporter(style: style, unit: unit, rate: rate)
        reporter.width = terminalWidth()
        return reporter
    }

    /// Columns of the terminal on standard output, if it is one.
    static func terminalWidth() -> Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Calls a callback; false when it returned `false` (anything else goes on).
    static func keepsGoing(_ call: LuaCall, _ function: LuaReference, arguments: (LuaCall) throws -> Int32) throws -> Bool {
        try call.callback(function, arguments: arguments) { call, first in
            !(call.type(at: first) == LUA_TBOOLEAN && lua_toboolean(call.L, first) == 0)
        }
    }

    static func lossOption(_ options: LuaOptions) throws -> Loss {
        try options.object("loss", Loss.self, expected: "nn criterion") ?? CrossEntropyLoss()
    }

    static func metricsOption(_ options: LuaOptions) throws -> [ClassificationMetric] {
        guard let table = try options.table("metrics") else { return [] }
        guard table.fields.isEmpty else { throw LunetError("option 'metrics' for \(options.owner) must be a list of names such as {'accuracy', 'top5'}") }
        return try table.array.map { value in
            guard case .string(let name) = value else {
                throw LunetError("option 'metrics' for \(options.owner): metric names expected, got a \(value.typeName)")
            }
            return try ClassificationMetric(name: name)
        }
    }

    /// `earlyStopping = {monitor, patience, minDelta, restoreBest}`; the monitor
    /// defaults to `defaultMonitor` (train.fit: `val_loss`, as Keras).
    static func earlyStoppingOption(_ options: LuaOptions, defaultMonitor: String) throws -> EarlyStopping? {
        guard let table = try options.table("earlyStopping") else { return nil }
        let early = try LuaOptions(checking: table, owner: "earlyStopping", allowed: ["monitor", "patience", "minDelta", "restoreBest"])
        return try EarlyStopping(monitor: try early.string("monitor") ?? defaultMonitor, patience: try early.integer("patience", default: 0),
                                 minDelta: try early.number("minDelta", default: 0),
                                 restoreBest: try early.boolean("restoreBest", default: false))
    }

    // MARK: Results

    /// `{loss = 0.5, accuracy = 0.8, ...}`.
    static func push(_ call: LuaCall, values: [(name: String, value: Double)]) {
        lua_createtable(call.L, 0, Int32(values.count + 3))
        for (name, value) in values { call.setField(name) { call.push(value) } }
    }

    /// One epoch's row: `{epoch = 3, loss = , ..., lr = , seconds = , imagesPerSecond = }`.
    static func push(_ call: LuaCall, _ record: EpochRecord) {
        push(call, values: record.logs)
        call.setField("epoch") { call.push(record.epoch + 1) }
        call.setField("lr") { call.push(record.learningRate) }
        call.setField("seconds") { call.push(record.seconds) }
        call.setField("imagesPerSecond") { call.push(record.itemsPerSecond) }
    }

    static func push(_ call: LuaCall, _ history: TrainingHistory) {
        lua_createtable(call.L, 0, 6)
        call.setField("epochs") { call.push(list: history.epochs) { push(call, $0) } }
        if let stopped = history.stoppedEpoch { call.setField("stoppedEpoch") { call.push(stopped + 1) } }
        call.setField("stopReason") { call.push(stopReasonName(history.stopReason, completed: "epochs")) }
        call.setField("monitor") { call.push(history.monitor) }
        if let best = history.best { call.setField("best") { push(call, best) } }
        if let message = history.message { call.setField("message") { call.push(message) } }
    }

    /// The documented Lua word: `completed` reads `epochs` for train.fit and
    /// `completed` for triplet.fit; the other reasons are their raw values.
    static func stopReasonName(_ reason: StopReason, completed: String) -> String {
        reason == .completed ? completed : reason.rawValue
    }
}
