import Foundation

/// The hyperbolic tangent, element-wise.
///
/// ```lua
/// local y = nn.Tanh():forward(tensor.randn({4, 10}))
/// ```
public final class Tanh: Module {
    /// The name model files record: the declaration's, not the Swift class's.
    public override var typeName: String { Self.declaration.typeName }

    public override init() { super.init() }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.map(input) { x, y, range in
            for i in range { y[i] = tanh(x[i]) }
        }
    }

    /// `dx = dy * (1 - tanh(x)^2)`.
    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.checkGradient(self, input, gradOutput)
        return try Elementwise.combine(input, gradOutput) { x, g, dx, range in
            for i in range {
                let t = tanh(x[i])
                dx[i] = g[i] * (1 - t * t)
            }
        }
    }
}
