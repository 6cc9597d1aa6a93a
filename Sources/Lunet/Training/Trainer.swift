import Foundation

/// The one training loop, for classification (`LabeledBatches`, `train.fit`)
/// and triplet training (`TripletBatches`, `triplet.fit`): for each epoch
/// (round), the source's batches in training mode (forward, the loss and its
/// gradient, backward, a guarded optimizer step), then validation in
/// evaluation mode; the monitor and the best epoch, early stopping,
/// checkpoints, the CSV log, callbacks and progress. The model's mode is
/// restored at the end.
///
/// One policy for every stop, each recorded in the history's `stopReason`:
/// the last epoch (`completed`), early stopping, a callback returning false
/// (`callback`), Ctrl-C (`interrupted`: at the next step boundary, or inside
/// a callback or a Lua sampler, keeping the weights of the last whole step;
/// the request is consumed so the host does not raise it too), a NaN or
/// infinite loss, or an update that would make a weight non-finite
/// (`diverged`: stopped before that update, with a message naming the epoch
/// and step). With `restoreBest` the best epoch's weights are put back
/// whichever stop came. Errors (a callback's, a wrong shape) are thrown, the
/// model left usable.
///
/// ```lua
/// local h = train.fit(net, tr, {validation = va, optimizer = optim.Adam(net, {lr = 1e-4}), epochs = 100,
///                               earlyStopping = {monitor = "val_loss", patience = 0}, metrics = {"accuracy", "top5"}})
/// ```
public final class Trainer {
    public let model: Module
    public let optimizer: Optimizer
    public let source: BatchSource
    public let options: FitOptions
    var history: TrainingHistory
    /// The one tracker of the best monitored value (early stopping asks it).
    var monitor: Monitor
    /// Set when training data-parallel over MPI ranks (docs/distributed.md).
    let parallel: DataParallel?
    var csv: CSVLog?
    /// One seed a step for `options.augmentation`, the same on every rank.
    private var augmentationSeeds: RandomGenerator?
    private var started = false

    public init(model: Module, optimizer: Optimizer, source: BatchSource, options: FitOptions) throws {
        try options.validate(for: source)
        self.model = model
        self.optimizer = optimizer
        self.source = source
        self.options = options
        history = TrainingHistory(monitor: options.monitorName)
        monitor = try Monitor(options.monitorName, minDelta: options.earlyStopping?.minDelta ?? 0)
        parallel = try DataParallel.make(for: model, enabled: options.distributed)
    }

    /// Trains; returns the history (also when stopped early). A trainer runs
    /// one fit: its history and early stopping start fresh only once.
    public func fit() throws -> TrainingHistory {
        guard !started else { throw LunetError("this Trainer already ran a fit; make a new one") }
        started = true
        try prepare()
        let wasTraining = model.isTraining
        defer {
            model.setTraining(wasTraining)
            optimizer.zeroGrad()  // the guarded step leaves the old weights there
        }
        var reason: StopReason?
        for epoch in 0..<options.epochs where reason == nil {
            history.stoppedEpoch = epoch
            do {
                reason = try runEpoch(epoch)
            } catch is Interruption.Interrupted {
                reason = .interrupted
            }
        }
        history.stopReason = reason ?? .completed
        noteStop()
        try options.earlyStopping?.trainingEnded(model: model)
        return history
    }

    /// Everything checked before the first step: the sets against the model
    /// and each other, then the CSV log's columns.
    private func prepare() throws {
        try source.prepare(model: model, parallel: parallel)
        try options.validation?.prepare(model: model, trainingImageShape: source.imageShape, parallel: parallel)
        if let augmentation = options.augmentation {
            guard source.imageShape.count == 3 else {
                throw LunetError("augment: \(subject: augmentation.subject) distorts images [channels, height, width], the training set's are \(formatShape(source.imageShape))")
            }
            augmentationSeeds = augmentation.makeBatchSeeds()
        }
        guard let path = options.csv else { return }
        let columns = [source.unit] + options.loggedNames(source) + ["lr"]
        var failure: Error?
        if parallel?.isMain ?? true {
            do { csv = try CSVLog(path: path, columns: columns) } catch { failure = error }
        }
        // Only the main rank writes; every rank stops when it cannot.
        if try stops(failure != nil) { throw failure ?? LunetError("csv: the main rank cannot write '\(path)'") }
    }

    /// One epoch of training and validation; the reason to stop, if any.
    private func runEpoch(_ epoch: Int) throws -> StopReason? {
        model.setTraining(true)
        let rate = Self.learningRate(optimizer, epoch: epoch)
        let steps = try source.beginEpoch(epoch)
        options.reporter.begin(epoch, of: options.epochs, steps: steps)
        let start = Self.now()
        var timing = (batches: 0.0, steps: 0.0)
        var means = RunningMeans()
        var (step, items) = (0, 0)
        while true {
            // Data-parallel, every rank stops at the same step when any was asked to.
            if try stops(Interruption.poll()) { return .interrupted }
            let drawing = Self.now()
            guard var batch = try source.nextBatch() else { break }
            batch.input = try augmented(batch.input, of: batch)
            if parallel == nil, Interruption.poll() { return .interrupted }  // after a long mining, before the step
            let stepping = Self.now()
            timing.batches += stepping - drawing
            if let stop = try self.step(batch, epoch: epoch, step: step, &means) { return stop }
            timing.steps += Self.now() - stepping
            step += 1
            items += batch.items
            options.reporter.step(step, items: items * (parallel?.size ?? 1), values: means.values)
            if let onBatch = options.onBatch, try stops(!onBatch(epoch, step - 1, means.values)) { return .callback }
        }
        let trainingSeconds = Self.now() - start
        let trained = try parallel?.mean(means.values, count: items) ?? means.values
        let own = try source.endEpoch(means: trained)
        let validated = try options.validation?.evaluate(model) ?? []
        let record = EpochRecord(epoch: epoch, logs: trained + own.values + validated, learningRate: rate, steps: step,
                                 seconds: Self.now() - start,
                                 itemsPerSecond: trainingSeconds > 0 ? Double(items * (parallel?.size ?? 1)) / trainingSeconds : 0,
                                 batchSeconds: timing.batches, stepSeconds: timing.steps, warning: own.warning)
        history.epochs.append(record)
        options.reporter.end(values: trained + validated, seconds: record.seconds, itemsPerSecond: record.itemsPerSecond)
        if let warning = record.warning { options.reporter.note("warning: \(warning)") }
        try csv?.write(index: epoch + 1, values: record.logs.map(\.value) + [record.learningRate])
        return try epochEnded(record)
    }

    /// The step's input distorted by `options.augmentation`, with the step's
    /// seed; under MPI each rank distorts its own rows as their places in the
    /// global batch say, so distortions do not depend on the number of ranks.
    private func augmented(_ input: Tensor<Float>, of batch: TrainingBatch) throws -> Tensor<Float> {
        guard let augmentation = options.augmentation, let seed = augmentationSeeds?.next() else { return input }
        let rowsPerItem = input.shape[0] / Swift.max(batch.items, 1)
        return try augmentation.apply(input, seed: seed, firstIndex: (batch.shard?.range.lowerBound ?? 0) * rowsPerItem)
    }

    /// The learning rate of `epoch`: the schedule's when the optimizer has
    /// one, as the optimizer holds it.
    static func learningRate(_ optimizer: Optimizer, epoch: Int) -> Double {
        optimizer.schedule?.apply(epoch: epoch, to: optimizer)
        return optimizer.learningRateDecimal
    }

    /// The best epoch, the checkpoint, early stopping and `onEpoch`.
    private func epochEnded(_ record: EpochRecord) throws -> StopReason? {
        let improved = monitor.record(record[monitor.name] ?? .nan, epoch: record.epoch)
        if improved {
            history.bestEpoch = record.epoch
            if let checkpoint = options.checkpoint, parallel?.isMain ?? true { try ModelFile.save(model, to: checkpoint) }
        }
        var reason: StopReason?
        if let earlyStopping = options.earlyStopping, earlyStopping.epochEnded(record.epoch, improved: improved, model: model) {
            reason = .earlyStopping
        }
        if let onEpoch = options.onEpoch, try stops(!onEpoch(record.epoch, record)) { reason = reason ?? .callback }
        return reason
    }

    /// A wish to stop (a callback's, a failure); under MPI every rank stops when one asks.
    func stops(_ wish: Bool) throws -> Bool {
        try parallel?.anyRank(wish) ?? wish
    }

    /// Notes how training stopped, when it was not the plain end.
    private func noteStop() {
        let unit = source.unit
        switch history.stopReason {
        case .interrupted:
            _ = Interruption.consume()
            options.reporter.note("interrupted during \(unit) \(history.stoppedEpoch! + 1): stopped after the last whole step")
        case .earlyStopping:
            guard let best = history.best else { return }
            options.reporter.note("early stopping after \(unit) \(history.stoppedEpoch! + 1): best \(monitor.name) "
                + String(format: "%.4f", best[monitor.name] ?? .nan) + " at \(unit) \(best.epoch + 1)"
                + (options.earlyStopping!.restoreBest ? ", its weights restored" : ""))
        default:
            return
        }
    }

    static func now() -> Double { Date().timeIntervalSinceReferenceDate }
}
