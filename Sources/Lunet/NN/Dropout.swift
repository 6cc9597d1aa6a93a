/// Inverted dropout: in training each element is zeroed with probability `p`
/// and the others scaled by `1 / (1 - p)`; in evaluation mode, the identity.
/// Masks come from the layer's own seeded stream.
///
/// ```lua
/// local drop = nn.Dropout(0.5, {seed = 1})
/// local y = drop:forward(x)            -- training mode
/// drop:evaluate(); y = drop:forward(x) -- y == x
/// ```
public final class Dropout: Module {
    /// The name model files record: the declaration's, not the Swift class's.
    public override var typeName: String { Self.declaration.typeName }

    public let probability: Float
    private var generator: RandomGenerator
    /// The mask of the last training forward, `[count]`: 0 or `1 / (1 - p)`.
    private let mask = Workspace<Float>()
    private var maskCount = -1

    public init(_ probability: Float = 0.5, seed: UInt64? = nil) throws {
        guard probability >= 0, probability < 1 else {
            throw LunetError("\(subject: Subject("Dropout")): probability must be in [0, 1), got \(probability)")
        }
        self.probability = probability
        generator = seed.map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
        super.init()
    }

    /// Restarts the mask stream, so the next forward draws a known mask.
    public func reseed(_ seed: UInt64) {
        generator = RandomGenerator(seed: seed)
    }

    public override var detail: String? { "\(probability)" }  // Float prints 0.2, not 0.20000000298023224

    public override var configuration: [String: ConfigurationValue] { ["p": .double(Double(probability))] }

    private var isActive: Bool { isTraining && probability > 0 }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        guard isActive else { return input }
        let count = input.count
        let m = try mask.reserve(count)
        let scale = 1 / (1 - probability)
        for i in 0..<count { m[i] = generator.nextUniform() < probability ? 0 : scale }
        maskCount = count
        return try Elementwise.map(input) { x, y, range in
            for i in range { y[i] = x[i] * m[i] }
        }
    }

    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        try Elementwise.checkGradient(self, input, gradOutput)
        guard isActive else { return gradOutput }
        guard maskCount == input.count else { throw inputError("backward needs the forward of the same input first") }
        let m = mask.pointer
        return try Elementwise.map(gradOutput) { g, dx, range in
            for i in range { dx[i] = g[i] * m[i] }
        }
    }
}
