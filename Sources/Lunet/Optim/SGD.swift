/// Stochastic gradient descent with PyTorch's semantics (`torch.optim.SGD`):
///
///     g = grad + (weightDecay + 2 l2) * w
///     b = g on the first step, then momentum * b + g
///     w -= lr * (nesterov ? g + momentum * b : b)      (plain g without momentum)
///
/// ```swift
/// let opt = try SGD(module: net, learningRate: 0.01, momentum: 0.9, nesterov: true)
/// ```
public final class SGD: Optimizer {
    /// Its options, their ranges and defaults: the one place they are checked.
    public static let declaration = Declaration("SGD", options: [
        OptionDeclaration("lr", .number(.nonNegative), default: .double(0.01), doc: "learning rate"),
        OptionDeclaration("momentum", .number(.probability), default: .double(0), doc: "momentum factor (0: plain SGD)"),
        OptionDeclaration("nesterov", .boolean, default: .bool(false), doc: "Nesterov momentum (needs momentum > 0)"),
        OptionDeclaration("weightDecay", .number(.nonNegative), default: .double(0), doc: "L2 penalty added to the gradient, as PyTorch's weight_decay"),
        LearningRateSchedule.option,
    ], doc: "Stochastic gradient descent, as torch.optim.SGD.")

    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public private(set) var stepCount = 0
    /// The rate by epoch, when the options gave one; the loops apply it.
    public var schedule: LearningRateSchedule?
    /// Element counts of the parameters when this optimizer was made.
    private let stateCounts: [Int]
    /// One momentum buffer per parameter (its size), allocated once and held
    /// only here, so the loop writes through its pointer; empty without momentum.
    private let velocities: [TensorStorage<Float>]

    /// Options checked by `declaration`.
    public init(parameters: [Parameter], options: OptionValues) throws {
        self.parameters = parameters
        stateCounts = parameters.map(\.value.count)
        learningRate = try options.float("lr")
        momentum = try options.float("momentum")
        nesterov = try options.bool("nesterov")
        weightDecay = try options.float("weightDecay")
        guard !nesterov || momentum > 0 else { throw options.invalid("nesterov", "needs a momentum above 0") }
        schedule = try LearningRateSchedule.make(options.options("schedule"), initial: learningRate)
        velocities = momentum > 0 ? try parameters.map { try TensorStorage(repeating: 0, count: $0.value.count) } : []
    }

    public convenience init(parameters: [Parameter], learningRate: Float = 0.01, momentum: Float = 0,
                            nesterov: Bool = false, weightDecay: Float = 0) throws {
        try self.init(parameters: parameters, options: Self.declaration.check(configuration: [
            "lr": .double(Double(learningRate)), "momentum": .double(Double(momentum)),
            "nesterov": .bool(nesterov), "weightDecay": .double(Double(weightDecay)),
        ]))
    }

    public convenience init(module: Module, learningRate: Float = 0.01, momentum: Float = 0,
                            nesterov: Bool = false, weightDecay: Float = 0) throws {
        try self.init(parameters: module.parameters, learningRate: learningRate, momentum: momentum,
                      nesterov: nesterov, weightDecay: weightDecay)
    }

    public var subject: Subject { Self.declaration.subject }

    public var settings: [Subject.Option] {
        [.init("lr", .number(learningRate)), .init("momentum", .number(momentum)),
         .init("nesterov", .bool(nesterov)), .init("weightDecay", .number(weightDecay))]
    }

    public func step() throws {
        try checkSizes(stateCounts: stateCounts)
        for index in parameters.indices {
            _ = update(index, guarded: false)
        }
        stepCount += 1
    }

    public func step(ifFinite agree: (Bool) throws -> Bool) throws -> Bool {
        try checkSizes(stateCounts: stateCounts)
        let finite = parameters.indices.allSatisfy { update($0, guarded: true) }
        guard try agree(finite) else {
            for velocity in velocities { velocity.clearNonFinite() }
            return false
        }
        commitDeferredWeights()
        stepCount += 1
        return true
    }

    /// One pass over a parameter: in place, or (`guarded`) the new weights into
    /// the gradient's storage (each gradient read before it is overwritten);
    /// true when every new weight and momentum is finite.
    private func update(_ index: Int, guarded: Bool) -> Bool {
        let parameter = parameters[index]
        let rule = Rule(lr: learningRate, mu: momentum, nesterov: nesterov, decay: weightDecay + 2 * parameter.l2,
                        first: stepCount == 0, b: momentum > 0 ? velocities[index].pointer : nil)
        if guarded {
            return parameter.gradient.withUnsafeMutableBufferPointer { g in
                parameter.value.withUnsafeBufferPointer { w in
                    rule.run(w.baseAddress!, g.baseAddress!, into: g.baseAddress!, w.count, guarded: true)
                }
            }
        }
        let gradient = parameter.gradient
        return gradient.withUnsafeBufferPointer { g in
            parameter.value.withUnsafeMutableBufferPointer { w in
                rule.run(w.baseAddress!, g.baseAddress!, into: w.baseAddress!, w.count, guarded: false)
            }
        }
    }

    /// The update of one parameter; `b` is its momentum buffer (nil without momentum).
    private struct Rule {
        let lr: Float, mu: Float, nesterov: Bool, decay: Float, first: Bool
        let b: UnsafeMutablePointer<Float>?

        /// Writes the new weights to `out` (which may be `w`); true when every value is finite.
        @inline(__always)
        func run(_ w: UnsafePointer<Float>, _ grad: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                 _ count: Int, guarded: Bool) -> Bool {
            var finite = true
            for i in 0..<count {
                let g = grad[i] + decay * w[i]
                var next: Float
                if let b {
                    let velocity = first ? g : mu * b[i] + g
                    next = w[i] - lr * (nesterov ? g + mu * velocity : velocity)
                    if guarded { finite = finite && velocity.isFinite }
                    b[i] = velocity
                } else {
                    next = w[i] - lr * g
                }
                if guarded { finite = finite && next.isFinite }
                out[i] = next
            }
            return finite
        }
    }
}
