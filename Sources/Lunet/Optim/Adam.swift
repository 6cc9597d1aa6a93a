import Foundation

/// Adam with PyTorch's semantics (`torch.optim.Adam`, L2-style weight decay,
/// `amsgrad` as there):
///
///     g = grad + (weightDecay + 2 l2) * w
///     m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
///     vhat = amsgrad ? (vmax = max(vmax, v)) : v
///     w -= lr / (1 - beta1^t) * m / (sqrt(vhat) / sqrt(1 - beta2^t) + eps)
///
/// ```swift
/// let opt = try Adam(module: net, learningRate: 1e-4, amsgrad: true)
/// ```
public final class Adam: Optimizer {
    /// Its options, their ranges and defaults: the one place they are checked.
    public static let declaration = Declaration("Adam", options: [
        OptionDeclaration("lr", .number(.nonNegative), default: .double(1e-3), doc: "learning rate"),
        OptionDeclaration("beta1", .number(.probability), default: .double(0.9), doc: "decay of the first moments"),
        OptionDeclaration("beta2", .number(.probability), default: .double(0.999), doc: "decay of the second moments"),
        OptionDeclaration("eps", .number(.nonNegative), default: .double(1e-8), doc: "added to the denominator"),
        OptionDeclaration("amsgrad", .boolean, default: .bool(false), doc: "keep the maximum of the second moments (AMSGrad)"),
        OptionDeclaration("weightDecay", .number(.nonNegative), default: .double(0), doc: "L2 penalty added to the gradient, as PyTorch's weight_decay"),
    ], doc: "Adam, as torch.optim.Adam (amsgrad keeps the maximum of the second moments).")

    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let amsgrad: Bool
    public let weightDecay: Float
    public private(set) var stepCount = 0
    /// Element counts of the parameters when this optimizer was made.
    private let stateCounts: [Int]
    /// Per parameter, its shape: first moments `m`, second moments `v`, and
    /// with amsgrad the running maxima of `v`. Allocated once.
    /// Only this optimizer holds them, so the loops write through their pointers.
    private let firstMoments: [TensorStorage<Float>]
    private let secondMoments: [TensorStorage<Float>]
    private let maxSecondMoments: [TensorStorage<Float>]

    /// Options checked by `declaration`.
    public init(parameters: [Parameter], options: OptionValues) throws {
        self.parameters = parameters
        stateCounts = parameters.map(\.value.count)
        learningRate = try options.float("lr")
        beta1 = try options.float("beta1")
        beta2 = try options.float("beta2")
        epsilon = try options.float("eps")
        amsgrad = try options.bool("amsgrad")
        weightDecay = try options.float("weightDecay")
        func zeros() throws -> [TensorStorage<Float>] { try parameters.map { try TensorStorage(repeating: 0, count: $0.value.count) } }
        firstMoments = try zeros()
        secondMoments = try zeros()
        maxSecondMoments = amsgrad ? try zeros() : []
    }

    public convenience init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-8, amsgrad: Bool = false, weightDecay: Float = 0) throws {
        try self.init(parameters: parameters, options: Self.declaration.check(configuration: [
            "lr": .double(Double(learningRate)), "beta1": .double(Double(beta1)), "beta2": .double(Double(beta2)),
            "eps": .double(Double(epsilon)), "amsgrad": .bool(amsgrad), "weightDecay": .double(Double(weightDecay)),
        ]))
    }

    public convenience init(module: Module, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-8, amsgrad: Bool = false, weightDecay: Float = 0) throws {
        try self.init(parameters: module.parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                      epsilon: epsilon, amsgrad: amsgrad, weightDecay: weightDecay)
    }

    public var subject: Subject { Self.declaration.subject }

    public var settings: [Subject.Option] {
        [.init("lr", .number(learningRate)), .init("beta1", .number(beta1)), .init("beta2", .number(beta2)),
         .init("eps", .number(epsilon)), .init("amsgrad", .bool(amsgrad)), .init("weightDecay", .number(weightDecay))]
    }

    public func step() throws {
        try checkSizes(stateCounts: stateCounts)
        stepCount += 1
        // Bias corrections in Double, as PyTorch computes them in Python floats.
        let t = Double(stepCount)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let correction2 = Float((1 - pow(Double(beta2), t)).squareRoot())
        for index in parameters.indices {
            update(index, stepSize: stepSize, correction2: correction2)
        }
    }

    /// One pass over the parameter's arrays, split over the cores.
    private func update(_ index: Int, stepSize: Float, correction2: Float) {
        let parameter = parameters[index]
        let update = AdamUpdate(beta1: beta1, beta2: beta2, epsilon: epsilon, decay: weightDecay + 2 * parameter.l2,
                                stepSize: stepSize, correction2: correction2)
        let gradient = parameter.gradient
        gradient.withUnsafeBufferPointer { grad in
            parameter.value.withUnsafeMutableBufferPointer { w in
                let arrays = AdamUpdate.Arrays(w: w.baseAddress!, g: grad.baseAddress!, m: firstMoments[index].pointer,
                                               v: secondMoments[index].pointer,
                                               vmax: amsgrad ? maxSecondMoments[index].pointer : nil)
                ParallelLoop.forEach(w.count, grain: 1 << 15) { range in update.apply(arrays, range) }
            }
        }
    }
}
