/// Stops training when a monitored quantity stops improving, with Keras 3's
/// `EarlyStopping` semantics: after each epoch `wait` grows by one and is
/// reset by an improvement (beating the best by more than `minDelta`, as the
/// loop's `Monitor` decides); training stops once `wait >= patience` after
/// the first epoch. With `patience = 0` that is the first epoch without
/// improvement (the spec's "stop as soon as the validation loss goes up").
/// With `restoreBest`, the weights and buffers of the best epoch are put
/// back when training ends, however it ends.
///
/// ```lua
/// train.fit(net, ds, {validation = va, earlyStopping = {monitor = "val_loss", patience = 2, restoreBest = true}})
/// ```
public final class EarlyStopping {
    /// The options of an `earlyStopping` table. The monitor's default is the fit's
    /// (`val_loss`; a triplet fit with one-shot validation: `val_accuracy`).
    public static let declaration = Declaration("earlyStopping", options: [
        OptionDeclaration("monitor", .string, defaultText: "'val_loss'", doc: "the logged value watched"),
        OptionDeclaration("patience", .integer(0...Int.max), default: .int(0), doc: "epochs without improvement before stopping"),
        OptionDeclaration("minDelta", .number(.nonNegative), default: .double(0), doc: "the least change that counts as an improvement"),
        OptionDeclaration("restoreBest", .boolean, default: .bool(false), doc: "put the best epoch's weights back at the end, however training ends"),
    ], doc: "Stops training when the monitored value stops improving (Keras 3's EarlyStopping).")

    /// The logged quantity watched (`val_loss`); the loop's `Monitor` tracks its best value.
    public let monitor: String
    public let minDelta: Double
    public let patience: Int
    public let restoreBest: Bool
    /// Epochs since the last improvement.
    public private(set) var wait = 0
    private var bestWeights: ModelSnapshot?

    public init(monitor: String = "val_loss", patience: Int = 0, minDelta: Double = 0, restoreBest: Bool = false) throws {
        guard patience >= 0 else { throw LunetError("earlyStopping: patience must be a non-negative integer, got \(patience)") }
        do {
            _ = try Monitor(monitor, minDelta: minDelta)
        } catch let error as LunetError {
            throw LunetError("earlyStopping: \(error)")
        }
        self.monitor = monitor
        self.minDelta = minDelta
        self.patience = patience
        self.restoreBest = restoreBest
    }

    /// From a checked `earlyStopping` table; `defaultMonitor` when it names none.
    public convenience init(_ options: OptionValues, defaultMonitor: String) throws {
        try self.init(monitor: options.optionalString("monitor") ?? defaultMonitor, patience: options.int("patience"),
                      minDelta: options.double("minDelta"), restoreBest: options.bool("restoreBest"))
    }

    /// Called after each epoch (0-based) with whether the monitored value
    /// improved on the best; true when training should stop.
    public func epochEnded(_ epoch: Int, improved: Bool, model: Module) -> Bool {
        wait += 1
        if improved {
            if restoreBest { bestWeights = ModelSnapshot(of: model) }
            wait = 0
            return false
        }
        // Keras keeps the first epoch's weights when nothing improved (a NaN
        // first value); one copy of the weights per improvement, not two.
        if restoreBest, bestWeights == nil { bestWeights = ModelSnapshot(of: model) }
        return wait >= patience && epoch > 0
    }

    /// Puts the best epoch's weights back when asked to.
    public func trainingEnded(model: Module) throws {
        if restoreBest, let bestWeights { try bestWeights.restore(into: model) }
    }
}
