/// A trainable tensor and its accumulated gradient. A class, so a layer and
/// the optimizer that updates it share one value.
public final class Parameter {
    /// `weight` or `bias`; the model file names it `<layer name>.<name>`.
    public let name: String
    public var value: Tensor<Float>
    /// Same shape as `value`; `backward` adds to it, `zeroGrad` clears it.
    public var gradient: Tensor<Float>
    /// Coefficient of an L2 penalty `l2 * sum(value^2)` added to the loss (Keras' kernel regularizer).
    public var l2: Float = 0

    /// Checks a layer's `l2` option: a penalty is non-negative and finite.
    public static func checkL2(_ l2: Float, layer: String) throws {
        guard l2 >= 0, l2.isFinite else { throw LunetError("\(layer): l2 must be a non-negative number, got \(l2)") }
    }

    public init(name: String, value: Tensor<Float>) throws {
        self.name = name
        self.value = value
        gradient = try Tensor(shape: value.shape, repeating: 0)
    }

    public func zeroGradient() {
        gradient.fill(0)
    }
}
