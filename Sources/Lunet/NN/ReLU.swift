/// `max(x, 0)`, element-wise.
///
/// ```lua
/// local y = nn.ReLU():forward(tensor.randn({4, 10}))
/// ```
public final class ReLU: Module {
    public override init() { super.init() }

    public override var backwardAcceptsOutput: Bool { true }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.map(input) { x, y, range in
            for i in range { y[i] = Swift.max(x[i], 0) }
        }
    }

    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.checkGradient(self, input, gradOutput)
        // Both loads unconditional: with `g[i]` inside the condition the loop
        // branches per element (mispredicted half the time on random signs)
        // instead of compiling to vector selects.
        return try Elementwise.combine(input, gradOutput) { x, g, dx, range in
            for i in range {
                let gradient = g[i]
                dx[i] = x[i] > 0 ? gradient : 0
            }
        }
    }
}
