/// Why a training loop ended.
public enum StopReason: String, Sendable {
    case earlyStopping = "early stopping"
    case epochs
    case interrupted
    case diverged
    case callback
}

/// One finished epoch: every training and validation value (`loss`,
/// `accuracy`, `top5`, `val_loss`, ...) in order, the time it took and the
/// training throughput.
public struct EpochRecord: Sendable {
    /// 0-based.
    public let epoch: Int
    public let logs: [(name: String, value: Double)]
    /// Training and validation together.
    public let seconds: Double
    /// Training images per second of training time.
    public let imagesPerSecond: Double

    public init(epoch: Int, logs: [(name: String, value: Double)], seconds: Double, imagesPerSecond: Double) {
        self.epoch = epoch
        self.logs = logs
        self.seconds = seconds
        self.imagesPerSecond = imagesPerSecond
    }

    public subscript(name: String) -> Double? {
        logs.first { $0.name == name }?.value
    }
}

/// What `fit` returns: the finished epochs, where and why it stopped, and the
/// best epoch by the monitored quantity.
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
    public var stopReason: StopReason = .epochs
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
}
