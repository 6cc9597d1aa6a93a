/// How `Trainer.fit` trains: batches, epochs, shuffling, validation,
/// metrics, early stopping, checkpoints, callbacks and progress.
public struct FitOptions {
    public var batchSize = 32
    public var epochs = 1
    public var shuffle = true
    /// Seeds the per-epoch shuffles; nil draws from the global generator.
    public var seed: UInt64?
    public var validation: Dataset?
    public var metrics: [ClassificationMetric] = []
    public var earlyStopping: EarlyStopping?
    /// Where the best model so far is written (atomically) whenever the monitored value improves.
    public var checkpoint: String?
    /// After each epoch (0-based) with its record; false stops training.
    public var onEpoch: ((Int, EpochRecord) throws -> Bool)?
    /// After each batch: epoch and batch (0-based) and the epoch's running values; false stops training.
    public var onBatch: ((Int, Int, [(name: String, value: Double)]) throws -> Bool)?
    /// Data-parallel over MPI ranks (`DataParallel.make`): nil turns it on when
    /// the job has more than one rank.
    public var distributed: Bool?
    /// Progress, and notes on how training stopped (a diverged loss, Ctrl-C).
    public var reporter = ProgressReporter(style: .silent)

    public init() {}

    /// The quantity the best epoch is chosen by: early stopping's, else
    /// `val_loss` with validation data, else `loss`.
    public var monitorName: String {
        earlyStopping?.monitor.name ?? (validation == nil ? "loss" : "val_loss")
    }

    /// Checks sizes and that the monitored quantity will be logged.
    func validate() throws {
        guard batchSize >= 1 else { throw LunetError("batch must be a positive integer, got \(batchSize)") }
        guard epochs >= 1 else { throw LunetError("epochs must be a positive integer, got \(epochs)") }
        var logged = ["loss"] + metrics.map(\.name)
        if validation != nil { logged += logged.map { "val_" + $0 } }
        guard logged.contains(monitorName) else {
            let hint = validation == nil && monitorName.hasPrefix("val_") ? "; give validation data" : ""
            throw LunetError("earlyStopping: monitor '\(monitorName)' is not logged (logged: \(logged.joined(separator: ", "))\(hint))")
        }
    }
}
