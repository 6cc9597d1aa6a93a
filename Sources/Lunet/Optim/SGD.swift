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
    ], doc: "Stochastic gradient descent, as torch.optim.SGD.")

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

    /// Options checked by `declaration`.
    public init(parameters: [Parameter], options: OptionValues) throws {
        self.parameters = parameters
        stateCounts = parameters.map(\.value.count)
        learningRate = try options.float("lr")
        momentum = try options.float("momentum")
        nesterov = try options.bool("nesterov")
        weightDecay = try options.float("weightDecay")
        guard !nesterov || momentum > 0 else { throw options.invalid("nesterov", "needs a momentum above 0") }
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
