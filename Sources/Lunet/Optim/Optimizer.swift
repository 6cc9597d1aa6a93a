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
}

extension Optimizer {
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
