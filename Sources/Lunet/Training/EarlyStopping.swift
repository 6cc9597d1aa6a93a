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
            throw LunetError("earlyStopping: \(error.message)")
        }
        self.monitor = monitor
        self.minDelta = minDelta
        self.patience = patience
        self.restoreBest = restoreBest
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
