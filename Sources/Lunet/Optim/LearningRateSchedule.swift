import Foundation

/// A learning rate that changes from one epoch (a round, for triplet
/// training) to the next, as PyTorch's schedulers do, epoch `e` 0-based:
///
///     step:    lr * gamma^floor(e / every)                          (StepLR)
///     cosine:  minimum + (lr - minimum) * (1 + cos(pi * e / epochs)) / 2   (CosineAnnealingLR;
///              past `epochs` it rises again, as there)
///
/// `train.fit` and `triplet.fit` set each epoch's rate at its start; a
/// hand-written loop calls `opt:scheduleStep()` after each epoch, as
/// PyTorch's `scheduler.step()`.
///
/// ```lua
/// local opt = optim.Adam(net, {lr = 1e-3, schedule = {kind = 'cosine', epochs = 20, minimum = 1e-5}})
/// ```
public final class LearningRateSchedule {
    public enum Kind: Equatable, Sendable {
        case step(every: Int, gamma: Double)
        case cosine(epochs: Int, minimum: Double)
    }

    public let kind: Kind
    /// The rate of epoch 0: the optimizer's `lr` when it was made.
    public let initial: Double
    /// The 0-based epoch whose rate was last set.
    public private(set) var epoch = 0

    public init(_ kind: Kind, initial: Double) throws {
        switch kind {
        case .step(let every, let gamma):
            guard every >= 1 else { throw LunetError("schedule 'step': every must be a positive number of epochs, got \(every)") }
            guard gamma >= 0, gamma.isFinite else { throw LunetError("schedule 'step': gamma must be a non-negative number, got \(gamma)") }
        case .cosine(let epochs, let minimum):
            guard epochs >= 1 else { throw LunetError("schedule 'cosine': epochs must be a positive number, got \(epochs)") }
            guard minimum >= 0, minimum.isFinite else {
                throw LunetError("schedule 'cosine': minimum must be a non-negative number, got \(minimum)")
            }
        }
        self.kind = kind
        self.initial = initial
    }

    /// The rate of 0-based epoch `epoch`.
    public func rate(at epoch: Int) -> Double {
        switch kind {
        case .step(let every, let gamma):
            return initial * pow(gamma, Double(epoch / every))
        case .cosine(let epochs, let minimum):
            return minimum + (initial - minimum) * (1 + cos(Double.pi * Double(epoch) / Double(epochs))) / 2
        }
    }

    /// Gives `optimizer` the rate of epoch `epoch`; returns it.
    @discardableResult
    public func apply(epoch: Int, to optimizer: Optimizer) -> Double {
        self.epoch = epoch
        let rate = rate(at: epoch)
        optimizer.learningRate = Float(rate)
        return rate
    }

    /// The next epoch's rate, for a hand-written loop; returns it.
    @discardableResult
    public func advance(_ optimizer: Optimizer) -> Double {
        apply(epoch: epoch + 1, to: optimizer)
    }

    /// `{kind = 'step', every = 10, gamma = 0.1}`, as the options read.
    public var description: String {
        switch kind {
        case .step(let every, let gamma): "{kind = 'step', every = \(every), gamma = \(gamma)}"
        case .cosine(let epochs, let minimum): "{kind = 'cosine', epochs = \(epochs), minimum = \(minimum)}"
        }
    }
}
