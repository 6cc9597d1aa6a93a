/// Why a training loop ended. In Lua, `completed` reads `"epochs"` for
/// `train.fit` and `"completed"` for `triplet.fit`, as each documented it.
public enum StopReason: String, Sendable {
    /// Every epoch (round) ran.
    case completed
    case earlyStopping = "early stopping"
    /// Ctrl-C, at a step boundary.
    case interrupted
    /// A non-finite loss, or an update that would have made a weight non-finite.
    case diverged
    /// `onEpoch`, `onRound`, `onBatch` or `onStep` returned false.
    case callback
}

/// One finished epoch (a round, for triplet training): every logged value
/// in order (the training means, the source's own values, the validation
/// values), the learning rate it trained with, its timings.
public struct EpochRecord: Sendable {
    /// 0-based.
    public let epoch: Int
    /// `loss`, `accuracy`, `top5` (or `active`, `embedded`), then `val_loss`, ...
    public let logs: [(name: String, value: Double)]
    /// The optimizer's learning rate during the epoch.
    public let learningRate: Double
    /// Steps (batches) the epoch ran.
    public let steps: Int
    /// Training and validation together.
    public let seconds: Double
    /// Training items (images, triplets) per second of training time, over all ranks.
    public let itemsPerSecond: Double
    /// Seconds making batches (drawing and mining triplets, converting images)
    /// and in the steps (forward, loss, backward, update), on this rank.
    public let batchSeconds: Double
    public let stepSeconds: Double
    /// A warning about the epoch (a collapsed embedding), if any.
    public let warning: String?

    public init(epoch: Int, logs: [(name: String, value: Double)], learningRate: Double, steps: Int, seconds: Double,
                itemsPerSecond: Double, batchSeconds: Double = 0, stepSeconds: Double = 0, warning: String? = nil) {
        self.epoch = epoch
        self.logs = logs
        self.learningRate = learningRate
        self.steps = steps
        self.seconds = seconds
        self.itemsPerSecond = itemsPerSecond
        self.batchSeconds = batchSeconds
        self.stepSeconds = stepSeconds
        self.warning = warning
    }

    public subscript(name: String) -> Double? {
        logs.first { $0.name == name }?.value
    }
}

/// What `Trainer.fit` returns, for either fit: the finished epochs, where
/// and why it stopped, and the best epoch by the monitored quantity.
///
/// ```lua
/// local h = train.fit(net, tr, {validation = va, epochs = 20})
/// print(h.stopReason, h.stoppedEpoch, h.best.epoch, h.epochs[1].val_loss)
/// ```
public struct TrainingHistory: Sendable {
    public var epochs: [EpochRecord] = []
    /// 0-based epoch during which training stopped (the last finished one,
    /// unless it was cut short); nil when no epoch ran.
    public var stoppedEpoch: Int?
    public var stopReason: StopReason = .completed
    /// The quantity `best` is chosen by (`val_loss`, or `loss` without validation).
    public var monitor: String
    /// 0-based epoch with the best monitored value, if any improved.
    public var bestEpoch: Int?
    /// Why training stopped, in words, when it was not the plain end (a diverged loss).
    public var message: String?

    public init(monitor: String) {
        self.monitor = monitor
    }

    public var best: EpochRecord? {
        bestEpoch.flatMap { epoch in epochs.first { $0.epoch == epoch } }
    }

    /// The epochs' warnings, in order.
    public var warnings: [String] { epochs.compactMap(\.warning) }
}
