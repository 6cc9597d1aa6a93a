/// Reshapes `[batch, d1, d2, ...]` to `[batch, d1 * d2 * ...]` (no copy).
///
/// ```lua
/// nn.Flatten():named("code5"):forward(tensor.zeros({100, 256, 8, 8}))   -- 100x16384
/// ```
public final class Flatten: Module {
    /// The name model files record: the declaration's, not the Swift class's.
    public override var typeName: String { Self.declaration.typeName }

    public override init() { super.init() }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let batch = inputShape.first else { throw inputError("expected an input with a batch dimension, got a scalar") }
        return [batch, inputShape.dropFirst().reduce(1, *)]
    }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        try input.reshaped(try outputShape(for: input.shape))
    }

    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        guard gradOutput.count == input.count else {
            throw inputError("gradOutput has shape \(formatShape(gradOutput.shape)), expected \(formatShape(try outputShape(for: input.shape)))")
        }
        return try gradOutput.reshaped(input.shape)
    }
}
