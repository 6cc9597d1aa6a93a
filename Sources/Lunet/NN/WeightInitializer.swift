/// How a layer draws its initial weights (biases start at zero, as in Keras).
///
/// ```lua
/// nn.Linear(16384, 2048, {init = "he", seed = 1})
/// ```
public enum WeightInitializer: String, Sendable, CaseIterable {
    /// Glorot (Xavier) uniform: `U(-l, l)`, `l = sqrt(6 / (fanIn + fanOut))`, Keras' default.
    case glorot
    /// He uniform: `U(-l, l)`, `l = sqrt(6 / fanIn)`, suited to ReLU networks.
    case he

    /// A weight of `shape` whose fans are `fanIn` and `fanOut` (for a
    /// convolution, channels times the kernel area).
    public func weight(_ shape: [Int], fanIn: Int, fanOut: Int, generator: inout RandomGenerator) throws -> Tensor<Float> {
        let limit: Double = switch self {
        case .glorot: (6.0 / Swift.max(Double(fanIn) + Double(fanOut), 1)).squareRoot()
        case .he: (6.0 / Swift.max(Double(fanIn), 1)).squareRoot()
        }
        return try Tensor.rand(shape, low: Float(-limit), high: Float(limit), generator: &generator)
    }
}
