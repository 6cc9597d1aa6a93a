/// What SGD and Adam share: the model's `Parameter` objects, updated in place
/// by `step` from their accumulated gradients.
///
/// L2 penalties: a parameter with `l2 > 0` (a layer's `{l2 = 2e-4}`, Keras'
/// kernel regularizer) adds `l2 * sum(w^2)` to the loss. `step` always adds
/// its gradient `2 * l2 * w` to the update (without changing
/// `Parameter.gradient`); `penalty` returns the value, to add to a reported
/// loss as Keras does.
///
/// ```lua
/// local opt = optim.Adam(net, {lr = 1e-4, amsgrad = true})
/// opt:zeroGrad(); net:backward(x, criterion:backward(net:forward(x), y)); opt:step()
/// print(loss + opt:penalty())
/// ```
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    var learningRate: Float { get set }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// `optim.Adam(lr=0.001, ...)`, for printing.
    var description: String { get }
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
    func checkSizes(_ owner: String, stateCounts: [Int]) throws {
        for (parameter, stateCount) in zip(parameters, stateCounts) {
            guard parameter.gradient.shape == parameter.value.shape else {
                throw LunetError("\(owner): gradient of '\(parameter.name)' has shape \(formatShape(parameter.gradient.shape)), its value \(formatShape(parameter.value.shape))")
            }
            guard parameter.value.count == stateCount else {
                throw LunetError("\(owner): '\(parameter.name)' has \(parameter.value.count) values, \(stateCount) when the optimizer was made; make a new optimizer")
            }
        }
    }
}

/// The Keras-style L2 penalty `l2 * sum(w^2)` of parameters that ask for one.
public enum L2Penalty {
    public static func value(of parameters: [Parameter]) -> Double {
        parameters.filter { $0.l2 != 0 }.reduce(0.0) { total, parameter in
            parameter.value.withUnsafeBufferPointer { w in
                total + Double(parameter.l2) * w.reduce(0.0) { $0 + Double($1) * Double($1) }
            }
        }
    }

    /// Adds `2 * l2 * w` to each penalized parameter's gradient and returns the
    /// penalty: for training loops that do not use lunet's optimizers.
    public static func addGradient(to parameters: [Parameter]) throws -> Double {
        for parameter in parameters where parameter.l2 != 0 {
            try parameter.gradient.addScaled(parameter.value, alpha: 2 * parameter.l2)
        }
        return value(of: parameters)
    }
}
