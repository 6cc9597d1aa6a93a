/// Divides each row (everything after the batch dimension) by its Euclidean
/// norm, `y = x / max(||x||, eps)`, as PyTorch's `F.normalize`.
///
/// ```lua
/// local embed = nn.Sequential{nn.Linear(64, 16), nn.L2Normalize()}
/// ```
public final class L2Normalize: Module {
    /// The name model files record: the declaration's, not the Swift class's.
    public override var typeName: String { Self.declaration.typeName }

    public let epsilon: Float

    public init(epsilon: Float = 1e-12) {
        self.epsilon = epsilon
        super.init()
    }

    public override var configuration: [String: ConfigurationValue] { ["eps": .double(Double(epsilon))] }

    /// Rows and row length of an input `[batch, ...]`.
    private func rows(_ input: Tensor<Float>) throws -> (Int, Int) {
        guard let batch = input.shape.first else { throw inputError("expected an input with a batch dimension, got a scalar") }
        return (batch, batch == 0 ? 0 : input.count / batch)
    }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        let (batch, length) = try rows(input)
        return try input.withUnsafeBufferPointer { x in
            try Tensor(unsafeUninitializedShape: input.shape) { y in
                RowNorms.normalize(x.baseAddress!, into: y.baseAddress!, rows: batch, width: length, epsilon: epsilon)
            }
        }
    }

    /// For a row with norm `n > eps`: `dx = (g - y (y . g)) / n`; below eps the
    /// divisor is the constant eps, so `dx = g / eps`.
    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.checkGradient(self, input, gradOutput)
        let (batch, length) = try rows(input)
        return try input.withUnsafeBufferPointer { x in
            try gradOutput.withUnsafeBufferPointer { g in
                try Tensor(unsafeUninitializedShape: input.shape) { dx in
                    ParallelLoop.forEach(batch, grain: 64) { range in
                        for r in range {
                            backwardRow(x.baseAddress! + r * length, g.baseAddress! + r * length,
                                        dx.baseAddress! + r * length, length)
                        }
                    }
                }
            }
        }
    }

    private func backwardRow(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ length: Int) {
        let d = RowNorms.divisor(x, width: length, epsilon: epsilon)
        guard d > epsilon else {
            for j in 0..<length { dx[j] = g[j] / d }
            return
        }
        // y . g = (x . g) / d, and y = x / d.
        let coefficient = Float(RowSums.products(x, g, count: length) / (Double(d) * Double(d) * Double(d)))
        for j in 0..<length { dx[j] = g[j] / d - x[j] * coefficient }
    }
}
