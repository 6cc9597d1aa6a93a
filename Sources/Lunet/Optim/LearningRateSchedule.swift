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

    /// The options of a `schedule` table, declared once.
    public static let declaration = Declaration("schedule", options: [
        OptionDeclaration("kind", .choice(["step", "cosine"]), doc: "'step' (StepLR) or 'cosine' (CosineAnnealingLR)"),
        OptionDeclaration("every", .integer(1...Int.max), doc: "step: epochs between two decays"),
        OptionDeclaration("gamma", .number(.nonNegative), default: .double(0.1), doc: "step: the factor of each decay"),
        OptionDeclaration("epochs", .integer(1...Int.max), doc: "cosine: epochs from lr down to minimum"),
        OptionDeclaration("minimum", .number(.nonNegative), default: .double(0), doc: "cosine: the lowest rate"),
    ], doc: "A learning rate by epoch (round), set by train.fit and triplet.fit at each epoch's start or by opt:scheduleStep().")

    /// The optimizers' `schedule` option.
    public static let option = OptionDeclaration("schedule", .table(declaration), doc:
        "lr by epoch (round), as PyTorch's schedulers: {kind = 'step', every = 10, gamma = 0.1} multiplies lr by gamma every `every` epochs (StepLR); {kind = 'cosine', epochs = 50, minimum = 0} follows half a cosine from lr down to minimum over `epochs` epochs (CosineAnnealingLR). train.fit and triplet.fit set each epoch's rate (lr in their rows); a hand-written loop calls opt:scheduleStep() after each epoch")

    public let kind: Kind
    /// The rate of epoch 0: the optimizer's `lr` when it was made.
    public let initial: Double
    /// The 0-based epoch whose rate was last set.
    public private(set) var epoch = 0

    /// The schedule a checked `schedule` table asks for, nil without one;
    /// `initial` is the optimizer's rate, taken as written (`0.001`).
    public static func make(_ options: OptionValues?, initial: Float) throws -> LearningRateSchedule? {
        guard let options else { return nil }
        let rate = Double("\(initial)") ?? Double(initial)
        func required(_ name: String) throws -> Int {
            guard let value = try options.optionalInt(name) else {
                throw OptionProblem(declaration.subject, option: name, reason: .missing).error
            }
            return value
        }
        switch try options.optionalString("kind") {
        case "step"?:
            if options.has("epochs") { throw options.invalid("epochs", "is for kind 'cosine'") }
            return try LearningRateSchedule(.step(every: required("every"), gamma: options.double("gamma")), initial: rate)
        case "cosine"?:
            if options.has("every") { throw options.invalid("every", "is for kind 'step'") }
            return try LearningRateSchedule(.cosine(epochs: required("epochs"), minimum: options.double("minimum")), initial: rate)
        default:
            throw OptionProblem(declaration.subject, option: "kind", reason: .missing).error
        }
    }

    public init(_ kind: Kind, initial: Double) throws {
        switch kind {
        case .step(let every, let gamma):
            guard every >= 1 else { throw LunetError("schedule: every must be a positive integer, got \(every)") }
            guard gamma >= 0, gamma.isFinite else { throw LunetError("schedule: gamma must be a non-negative number, got \(gamma)") }
        case .cosine(let epochs, let minimum):
            guard epochs >= 1 else { throw LunetError("schedule: epochs must be a positive integer, got \(epochs)") }
            guard minimum >= 0, minimum.isFinite else {
                throw LunetError("schedule: minimum must be a non-negative number, got \(minimum)")
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
