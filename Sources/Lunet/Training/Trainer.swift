import Foundation

/// The fit loop: for each epoch, seeded shuffled batches in training mode
/// (forward, the fused loss and gradient, backward, optimizer step), then
/// validation in evaluation mode; metrics, early stopping, the best epoch,
/// checkpoints, callbacks and progress. The model's mode is restored at the end.
///
/// Stops, each recorded in the history's `stopReason`: the last epoch
/// (`epochs`), early stopping, a callback returning false (`callback`),
/// Ctrl-C (`interrupted`, at the next batch boundary, keeping the weights of
/// the last whole step), a NaN or infinite loss (`diverged`, before that
/// batch's update, with a message naming the epoch and batch). With
/// `restoreBest`, the best epoch's weights are put back whichever stop came.
/// Errors (a callback's, a wrong shape) are thrown, the model left usable.
///
/// ```lua
/// local h = train.fit(net, tr, {validation = va, optimizer = optim.Adam(net, {lr = 1e-4}), epochs = 100,
///                               earlyStopping = {monitor = "val_loss", patience = 0}, metrics = {"accuracy", "top5"}})
/// ```
public final class Trainer {
    public let model: Module
    public let loss: Loss
    public let optimizer: Optimizer
    public let options: FitOptions
    private var history: TrainingHistory
    private var monitor: Monitor
    private var generator: RandomGenerator
    private var started = false
    /// Set when training data-parallel over MPI ranks (docs/distributed.md).
    private let parallel: DataParallel?

    public init(model: Module, loss: Loss, optimizer: Optimizer, options: FitOptions) throws {
        try options.validate()
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.options = options
        history = TrainingHistory(monitor: options.monitorName)
        monitor = try Monitor(options.monitorName, minDelta: options.earlyStopping?.monitor.minDelta ?? 0)
        generator = options.seed.map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
        parallel = try DataParallel.make(for: model, enabled: options.distributed)
        if let parallel { generator = try parallel.commonGenerator(generator) }
    }

    /// Trains on `data`; returns the history (also when stopped early). A
    /// trainer runs one fit: its history and early stopping start fresh only once.
    public func fit(_ data: Dataset) throws -> TrainingHistory {
        guard !started else { throw LunetError("this Trainer already ran a fit; make a new one") }
        started = true
        guard data.count > 0 else { throw LunetError("cannot train on an empty dataset") }
        let wasTraining = model.isTraining
        defer { model.setTraining(wasTraining) }
        var reason: StopReason?
        for epoch in 0..<options.epochs where reason == nil {
            history.stoppedEpoch = epoch
            do {
                reason = try runEpoch(epoch, data)
            } catch is Interruption.Interrupted {
                reason = .interrupted
            }
        }
        history.stopReason = reason ?? .epochs
        if history.stopReason == .interrupted {
            _ = Interruption.consume()
            options.reporter.note("interrupted during \(options.reporter.unit) \(history.stoppedEpoch! + 1): stopped after the last whole step")
        }
        if history.stopReason == .earlyStopping, let best = history.best {
            let unit = options.reporter.unit
            options.reporter.note("early stopping after \(unit) \(history.stoppedEpoch! + 1): best \(monitor.name) "
                + String(format: "%.4f", best[monitor.name] ?? .nan) + " at \(unit) \(best.epoch + 1)"
                + (options.earlyStopping!.restoreBest ? ", its weights restored" : ""))
        }
        try options.earlyStopping?.trainingEnded(model: model)
        return history
    }

    /// One epoch of training and validation; the reason to stop, if any.
    private func runEpoch(_ epoch: Int, _ data: Dataset) throws -> StopReason? {
        model.setTraining(true)
        let batches = try BatchIterator(data, batchSize: options.batchSize, shuffle: options.shuffle, generator: &generator)
        options.reporter.begin(epoch, of: options.epochs, steps: batches.batchCount)
        let start = Self.now()
        let penalized = model.parameters.contains { $0.l2 != 0 }
        var means = RunningMeans()
        var (batch, images) = (0, 0)
        while true {
            if Interruption.consume() { return .interrupted }
            guard let (whole, labels) = try batches.next() else { break }
            let (x, y, shard) = try parallel?.slice(whole, labels) ?? (whole, labels, nil)
            let batchLoss = try step(x, y, shard, of: data, &means, penalized: penalized)
            guard batchLoss.isFinite else {
                history.message = "loss is \(batchLoss) at epoch \(epoch + 1), batch \(batch + 1): training stopped before that batch's update"
                options.reporter.note(history.message!)
                return .diverged
            }
            batch += 1
            images += x.shape[0]
            options.reporter.step(batch, items: images * (parallel?.size ?? 1), values: means.values)
            if let onBatch = options.onBatch, try stops(!onBatch(epoch, batch - 1, means.values)) { return .callback }
        }
        let trainingSeconds = Self.now() - start
        var logs = try parallel?.mean(means.values, count: images) ?? means.values
        if let validation = options.validation {
            let evaluator = try Evaluator(loss: loss, metrics: options.metrics, batchSize: options.batchSize)
            logs += try parallel?.evaluate(evaluator, model, on: validation, prefix: "val_")
                ?? evaluator.evaluate(model, on: validation, prefix: "val_")
        }
        let imagesPerSecond = trainingSeconds > 0 ? Double(images * (parallel?.size ?? 1)) / trainingSeconds : 0
        let record = EpochRecord(epoch: epoch, logs: logs, seconds: Self.now() - start, imagesPerSecond: imagesPerSecond)
        history.epochs.append(record)
        options.reporter.end(values: logs, seconds: record.seconds, itemsPerSecond: record.imagesPerSecond)
        return try epochEnded(record)
    }

    /// One step; returns the batch's loss, and when it is not finite stops before any update.
    private func step(_ x: Tensor<Float>, _ y: Tensor<Int32>, _ shard: BatchShard?, of data: Dataset,
                      _ means: inout RunningMeans, penalized: Bool) throws -> Float {
        if let parallel, let shard, shard.isEmpty { return try parallel.stepWithoutRows(shard, optimizer: optimizer) }
        optimizer.zeroGrad()
        let output = try model.forward(x)
        try Evaluator.checkClasses(loss, output, data)
        let (value, gradient) = try loss.lossAndGradient(batch: output, labels: y)
        let batchLoss = try parallel?.batchLoss(value.loss, count: x.shape[0]) ?? value.loss
        guard batchLoss.isFinite else { return batchLoss }
        let rows = Double(x.shape[0])
        let penalty = penalized ? L2Penalty.value(of: model.parameters) : 0
        means.add("loss", Double(value.loss) + penalty, weight: rows)
        for (name, statistic) in zip(loss.statisticNames, value.statistics) {
            means.add(name, Double(statistic), weight: rows)
        }
        for metric in options.metrics {
            means.add(metric.name, Double(try metric.correctCount(output, y)) / rows, weight: rows)
        }
        try model.accumulateParameterGradients(x, gradient)
        if let parallel, let shard { try parallel.afterBackward(shard) }
        try optimizer.step()
        return batchLoss
    }

    /// The best epoch, the checkpoint, early stopping and `onEpoch`.
    private func epochEnded(_ record: EpochRecord) throws -> StopReason? {
        let value = record[monitor.name] ?? .nan
        if monitor.record(value, epoch: record.epoch) {
            history.bestEpoch = record.epoch
            if let checkpoint = options.checkpoint, parallel?.isMain ?? true { try ModelFile.save(model, to: checkpoint) }
        }
        var reason: StopReason?
        if let earlyStopping = options.earlyStopping, earlyStopping.epochEnded(record.epoch, value: value, model: model) {
            reason = .earlyStopping
        }
        if let onEpoch = options.onEpoch, try stops(!onEpoch(record.epoch, record)) { reason = reason ?? .callback }
        return reason
    }

    /// A callback's wish to stop; under MPI every rank stops when one asks.
    private func stops(_ wish: Bool) throws -> Bool {
        try parallel?.anyRank(wish) ?? wish
    }

    static func now() -> Double { Date().timeIntervalSinceReferenceDate }
}
