import Foundation

/// The logistic function `1 / (1 + exp(-x))`, element-wise.
///
/// ```lua
/// local y = nn.Sigmoid():forward(tensor.randn({4, 10}))
/// ```
public final class Sigmoid: Module {
    /// The name model files record: the declaration's, not the Swift class's.
    public override var typeName: String { Self.declaration.typeName }

    public override init() { super.init() }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.map(input) { x, y, range in
            for i in range { y[i] = Sigmoid.sigmoid(x[i]) }
        }
    }

    /// `dx = dy * s * (1 - s)` with `s` recomputed from the input.
    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.checkGradient(self, input, gradOutput)
        return try Elementwise.combine(input, gradOutput) { x, g, dx, range in
            for i in range {
                let s = Sigmoid.sigmoid(x[i])
                dx[i] = g[i] * s * (1 - s)
            }
        }
    }
}
