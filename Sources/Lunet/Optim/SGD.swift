/// Stochastic gradient descent with PyTorch's semantics (`torch.optim.SGD`):
///
///     g = grad + (weightDecay + 2 l2) * w
///     b = g on the first step, then momentum * b + g
///     w -= lr * (nesterov ? g + momentum * b : b)      (plain g without momentum)
///
/// ```lua
/// local opt = optim.SGD(net, {lr = 0.01, momentum = 0.9, nesterov = true})
/// ```
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public private(set) var stepCount = 0
    /// Set by the bindings' `schedule` option; the loops apply it each epoch.
    public var schedule: LearningRateSchedule?
    /// Element counts of the parameters when this optimizer was made.
    private let stateCounts: [Int]
    /// One momentum buffer per parameter (its size), allocated once and held
    /// only here, so the loop writes through its pointer; empty without momentum.
    private let velocities: [TensorStorage<Float>]

    public init(parameters: [Parameter], learningRate: Float = 0.01, momentum: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) throws {
        guard learningRate >= 0 else { throw LunetError("optim.SGD: lr must be >= 0, got \(learningRate)") }
        guard momentum >= 0 else { throw LunetError("optim.SGD: momentum must be >= 0, got \(momentum)") }
        guard weightDecay >= 0 else { throw LunetError("optim.SGD: weightDecay must be >= 0, got \(weightDecay)") }
        guard !nesterov || momentum > 0 else { throw LunetError("optim.SGD: nesterov needs a momentum above 0") }
        self.parameters = parameters
        stateCounts = parameters.map(\.value.count)
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        velocities = momentum > 0 ? try parameters.map { try TensorStorage(repeating: 0, count: $0.value.count) } : []
    }

    public convenience init(module: Module, learningRate: Float = 0.01, momentum: Float = 0,
                            nesterov: Bool = false, weightDecay: Float = 0) throws {
        try self.init(parameters: module.parameters, learningRate: learningRate, momentum: momentum,
                      nesterov: nesterov, weightDecay: weightDecay)
    }

    public var description: String {
        "optim.SGD(lr=\(learningRate), momentum=\(momentum), nesterov=\(nesterov), weightDecay=\(weightDecay))"
    }

    public func step() throws {
        try checkSizes("optim.SGD", stateCounts: stateCounts)
        for index in parameters.indices {
            _ = update(index, guarded: false)
        }
        stepCount += 1
    }

    public func step(ifFinite agree: (Bool) throws -> Bool) throws -> Bool {
        try checkSizes("optim.SGD", stateCounts: stateCounts)
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
