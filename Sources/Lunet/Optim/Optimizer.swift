/// What SGD and Adam share: the model's `Parameter` objects, updated in place
/// by `step` from their accumulated gradients.
///
/// L2 penalties: a parameter with `l2 > 0` (a layer's `{l2 = 2e-4}`, Keras'
/// kernel regularizer) adds `l2 * sum(w^2)` to the loss. `step` always adds
/// its gradient `2 * l2 * w` to the update (without changing
/// `Parameter.gradient`); `penalty` returns the value, to add to a reported
/// loss as Keras does.
///
/// ```swift
/// let opt = try Adam(module: net, learningRate: 1e-4, amsgrad: true)
/// opt.zeroGrad(); _ = try net.backward(x, try loss.gradient([net.forward(x)], labels: y)[0]); try opt.step()
/// print(value + opt.penalty())
/// ```
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    var learningRate: Float { get set }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// The optimizer, as messages name it.
    var subject: Subject { get }
    /// Its settings now (the learning rate may have changed), for printing.
    var settings: [Subject.Option] { get }
    /// Applies one update from the current gradients.
    func step() throws
    /// The training loops' step, which never leaves a weight non-finite. The
    /// update is computed without touching the weights (the new values go to
    /// the gradients' storage); when every new weight and state value is
    /// finite and `agree` says so (under MPI, all ranks' vote), the new
    /// weights take the old ones' place and the result is true. Otherwise the
    /// weights are unchanged and the result is false (the moments have taken
    /// the step, those it made non-finite reset to zero). Either way the
    /// gradients are used up: zero them before the next backward.
    func step(ifFinite agree: (Bool) throws -> Bool) throws -> Bool
    /// The learning rate by epoch, when one was given (`schedule = {...}`).
    var schedule: LearningRateSchedule? { get }
}

extension Optimizer {
    public var schedule: LearningRateSchedule? { nil }

    /// The learning rate as its shortest decimal (`0.001`, not the Float's
    /// `0.0010000000474974513`): what histories, logs and Lua show.
    public var learningRateDecimal: Double { Double("\(learningRate)") ?? Double(learningRate) }

    /// For optimizers without a deferred pass: `step()` on copies that share
    /// the weights' storage until it writes (copy on write keeps the old
    /// values), put back when a new weight is not finite.
    public func step(ifFinite agree: (Bool) throws -> Bool) throws -> Bool {
        let before = parameters.map(\.value)
        try step()
        let finite = parameters.allSatisfy(\.value.allFinite)
        guard try agree(finite) else {
            for (parameter, value) in zip(parameters, before) { parameter.value = value }
            return false
        }
        return true
    }

    /// After a deferred pass: each parameter's new weights (in its gradient's
    /// storage) become its value; the old value's storage becomes the gradient.
    func commitDeferredWeights() {
        for parameter in parameters {
            let old = parameter.value
            parameter.value = parameter.gradient
            parameter.gradient = old
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// `sum over parameters of l2 * sum(w^2)`, the L2 penalty on the loss.
    public func penalty() -> Double {
        L2Penalty.value(of: parameters)
    }

    /// Checks that gradients and state buffers (`stateCounts`, sizes at
    /// creation) still match the values, which may have been replaced, before
    /// the unchecked update loops.
    func checkSizes(stateCounts: [Int]) throws {
        for (parameter, stateCount) in zip(parameters, stateCounts) {
            guard parameter.gradient.shape == parameter.value.shape else {
                throw LunetError("\(subject: subject): gradient of '\(parameter.name)' has shape \(formatShape(parameter.gradient.shape)), its value \(formatShape(parameter.value.shape))")
            }
            guard parameter.value.count == stateCount else {
                throw LunetError("\(subject: subject): '\(parameter.name)' has \(parameter.value.count) values, \(stateCount) when the optimizer was made; make a new optimizer")
            }
        }
    }
}

extension TensorStorage where Element == Float {
    /// After a refused step: state values (moments, momentum) the refused
    /// update made non-finite go back to zero, so the optimizer can train on.
    func clearNonFinite() {
        for i in 0..<count where !pointer[i].isFinite { pointer[i] = 0 }
    }
}
