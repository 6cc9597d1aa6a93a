import CLua
import Foundation
import Lunet

/// `train.fit` and `train.evaluate`: the Training engine for Lua. Options are
/// read here; the loop, metrics and early stopping live in `Sources/Lunet/Training`.
enum TrainingBindings {
    static let module = LuaLibrary(.module("train"), doc: "The training loop (fit with validation, metrics, early stopping, checkpoints, a CSV log, callbacks) and evaluation.", functions: [
        LuaFunction("train.fit", declaration: Trainer.fitDeclaration, leading: ["model", "trainSet"]) { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let data = try call.dataset(2)
            let options = try call.options(3, declaredBy: Trainer.fitDeclaration)
            let loss = try options.object("loss", as: Loss.self) ?? CrossEntropyLoss()
            let metrics = try metricsOption(options)
            let batch = try options.int("batch")
            let source = try LabeledBatches(data, loss: loss, metrics: metrics, batchSize: batch, shuffle: options.bool("shuffle"),
                                            seed: options.seed())
            var fit = try loopOptions(call, options, unit: "epoch", epochs: options.int("epochs"), epochCallback: "onEpoch", stepCallback: "onBatch")
            if let validation = try options.object("validation", as: Dataset.self) {
                fit.validation = LabeledValidation(validation, evaluator: try Evaluator(loss: loss, metrics: metrics, batchSize: batch))
            }
            fit.earlyStopping = try options.options("earlyStopping").map { try EarlyStopping($0, defaultMonitor: "val_loss") }
            let optimizer = try options.object("optimizer", as: Optimizer.self) ?? Adam(module: model)
            let trainer = try Trainer(model: model, optimizer: optimizer, source: source, options: fit)
            push(call, try trainer.fit())
            return 1
        },
        LuaFunction("train.evaluate", declaration: Evaluator.declaration, leading: ["model", "set"]) { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let data = try call.dataset(2)
            let options = try call.options(3, declaredBy: Evaluator.declaration)
            let evaluator = try Evaluator(loss: options.object("loss", as: Loss.self) ?? CrossEntropyLoss(), metrics: try metricsOption(options),
                                          batchSize: options.int("batch"))
            push(call, values: try evaluator.evaluate(model, on: data))
            call.setMetatable(.evaluation)
            return 1
        },
    ])

    // MARK: Options

    /// The options both fits share: epochs (rounds), checkpoint, csv,
    /// distributed, verbose (progress in `unit`s) and the two callbacks, which
    /// get a row (`pushRow`) or the running values.
    static func loopOptions(_ call: LuaCall, _ options: OptionValues, unit: String, epochs: Int, epochCallback: String, stepCallback: String,
                            pushRow: @escaping (LuaCall, EpochRecord) -> Void = push) throws -> FitOptions {
        var fit = FitOptions()
        fit.epochs = epochs
        fit.checkpoint = try options.optionalString("checkpoint")
        fit.csv = try options.optionalString("csv")
        fit.augmentation = try options.object("augment", as: Augmentation.self)
        fit.distributed = try options.optionalBool("distributed")
        fit.reporter = try progressReporter(verbose: options.int("verbose"), unit: unit, rate: unit == "epoch" ? "img/s" : "triplets/s")
        if let onEpoch = options.function(epochCallback) {
            fit.onEpoch = { epoch, record in
                try keepsGoing(call, onEpoch) { call in
                    call.push(epoch + 1)
                    pushRow(call, record)
                    return 2
                }
            }
        }
        if let onStep = options.function(stepCallback) {
            fit.onBatch = { epoch, step, values in
                try keepsGoing(call, onStep) { call in
                    call.push(step + 1)
                    push(call, values: values)
                    call.setField(unit) { call.push(epoch + 1) }
                    return 2
                }
            }
        }
        return fit
    }

    /// The progress of `train.fit` and `triplet.fit` for their option `verbose`
    /// (0, 1 or 2): as asked in one process, a bar cut to the terminal's
    /// width; under MPI silent on all but the main rank, and lines rather than
    /// a bar (mpirun gives ranks a pseudo-terminal even when its own output
    /// goes to a log file).
    static func progressReporter(verbose: Int, unit: String, rate: String) throws -> ProgressReporter {
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

    /// The `metrics` names as metrics (an unknown one is an error naming the known ones).
    static func metricsOption(_ options: OptionValues) throws -> [ClassificationMetric] {
        try (options.list("metrics") ?? []).map { try ClassificationMetric(name: $0.stringValue ?? "") }
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
        call.setMetatable(.fitHistory)
    }

    /// The documented Lua word: `completed` reads `epochs` for train.fit and
    /// `completed` for triplet.fit; the other reasons are their raw values.
    static func stopReasonName(_ reason: StopReason, completed: String) -> String {
        reason == .completed ? completed : reason.rawValue
    }
}
