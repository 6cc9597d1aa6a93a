/// How the training loop (`Trainer`) runs, whatever its batches: epochs
/// (rounds), validation, early stopping, checkpoints, the CSV log,
/// callbacks, data parallelism and progress.
public struct FitOptions {
    /// Epochs (rounds, for triplet training).
    public var epochs = 1
    public var validation: Validation?
    public var earlyStopping: EarlyStopping?
    /// Distorts every training batch (never validation's).
    public var augmentation: Augmentation?
    /// Where the best model so far is written (atomically) whenever the monitored value improves.
    public var checkpoint: String?
    /// A CSV log with one row per epoch (`CSVLog`).
    public var csv: String?
    /// After each epoch (0-based) with its record; false stops training.
    public var onEpoch: ((Int, EpochRecord) throws -> Bool)?
    /// After each step: epoch and step (0-based) and the epoch's running values; false stops training.
    public var onBatch: ((Int, Int, [(name: String, value: Double)]) throws -> Bool)?
    /// Data-parallel over MPI ranks (`DataParallel.make`): nil turns it on when
    /// the job has more than one rank.
    public var distributed: Bool?
    /// Progress, and notes on how training stopped (a diverged loss, Ctrl-C).
    public var reporter = ProgressReporter(style: .silent)

    public init() {}

    /// The quantity the best epoch is chosen by: early stopping's, else the
    /// validation's (`val_loss`, or `val_accuracy` for one-shot tests), else `loss`.
    public var monitorName: String {
        earlyStopping?.monitor ?? validation?.defaultMonitor ?? "loss"
    }

    /// Every value the rows will hold for `source`, in order.
    func loggedNames(_ source: BatchSource) -> [String] {
        source.logNames + (validation?.names ?? [])
    }

    /// Checks counts and that the monitored quantity will be logged.
    func validate(for source: BatchSource) throws {
        guard epochs >= 1 else { throw LunetError("\(source.unit)s must be a positive integer, got \(epochs)") }
        let logged = loggedNames(source)
        guard logged.contains(monitorName) else {
            let hint = validation == nil && monitorName.hasPrefix("val_") ? "; give validation data" : ""
            throw LunetError("earlyStopping: monitor '\(monitorName)' is not logged (logged: \(logged.joined(separator: ", "))\(hint))")
        }
    }
}
