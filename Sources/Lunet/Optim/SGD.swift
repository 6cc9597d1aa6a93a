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
        let first = stepCount == 0
        for (index, parameter) in parameters.enumerated() {
            let decay = weightDecay + 2 * parameter.l2
            let (lr, mu, nesterov) = (learningRate, momentum, self.nesterov)
            let gradient = parameter.gradient
            gradient.withUnsafeBufferPointer { grad in
                parameter.value.withUnsafeMutableBufferPointer { w in
                    guard mu > 0 else {
                        for i in 0..<w.count { w[i] -= lr * (grad[i] + decay * w[i]) }
                        return
                    }
                    let b = velocities[index].pointer
                    for i in 0..<w.count {
                        let g = grad[i] + decay * w[i]
                        b[i] = first ? g : mu * b[i] + g
                        w[i] -= lr * (nesterov ? g + mu * b[i] : b[i])
                    }
                }
            }
        }
        stepCount += 1
    }
}
