/// `max(x, 0)`, element-wise.
///
/// ```lua
/// local y = nn.ReLU():forward(tensor.randn({4, 10}))
/// ```
public final class ReLU: Module {
    /// The name model files record: the declaration's, not the Swift class's.
    public override var typeName: String { Self.declaration.typeName }

    public override init() { super.init() }

    public override var backwardAcceptsOutput: Bool { true }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.map(input) { x, y, range in
            for i in range { y[i] = Swift.max(x[i], 0) }
        }
    }

    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.checkGradient(self, input, gradOutput)
        return try Elementwise.combine(input, gradOutput, ReLU.gradient)
    }

    /// Writes over the handed-over gradient when nothing else holds it: one
    /// buffer less at the peak of a step (216 MiB in the Koch network's first block).
    public override func backward(_ input: Tensor<Float>, takingGradient gradOutput: inout Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.checkGradient(self, input, gradOutput)
        return try Elementwise.combine(input, reusing: &gradOutput, ReLU.gradient)
    }

    /// `dx = dy` where the input (or output) is positive, else 0; `dx` may be `dy` itself.
    /// Both loads unconditional: with `g[i]` inside the condition the loop branches
    /// per element (mispredicted half the time on random signs) instead of compiling to vector selects.
    private static func gradient(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        for i in range {
            let gradient = g[i]
            dx[i] = x[i] > 0 ? gradient : 0
        }
    }
}
