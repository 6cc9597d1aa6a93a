/// The Keras-style L2 penalty `l2 * sum(w^2)` of parameters that ask for one
/// (`Parameter.l2`, set by a layer's `{l2 = 2e-4}`).
///
/// ```lua
/// local loss = criterion:forward(net:forward(x), y) + nn.l2Penalty(net)
/// ```
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
