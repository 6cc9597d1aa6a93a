/// A layer whose forward is a recorded expression (a layer written in Lua):
/// in training mode its forward runs on a fresh `Tape` with the input and
/// its own parameters as leaves, and its backward replays that tape. In
/// evaluation mode nothing is recorded. Children (built-in modules or other
/// recorded ones) keep their own forward and backward.
///
/// ```lua
/// local block = nn.Module{name = "Residual", modules = {body = nn.Linear(4, 4)},
///   forward = function(self, x) return x + self.body(x) end}
/// ```
public final class RecordedModule: Module {
    /// Runs the expression: `tape` is nil when not recording.
    public typealias Forward = (_ tape: Tape?, _ input: Variable) throws -> Variable

    /// The definition's name (`Residual`), what summaries and model files show.
    public let definitionName: String
    public let childModules: [Module]
    /// The module's own parameters (beside its children's), by name order.
    public let ownParameters: [Parameter]
    /// What rebuilds the module from its definition (saved in model files).
    public let arguments: [String: ConfigurationValue]
    private let body: Forward
    private var tape: Tape?
    private var recorded: (input: Int, output: Variable)?

    public init(name definitionName: String, children: [Module], parameters: [Parameter],
                arguments: [String: ConfigurationValue] = [:], forward: @escaping Forward) {
        self.definitionName = definitionName
        childModules = children
        ownParameters = parameters
        self.arguments = arguments
        body = forward
        super.init()
    }

    /// The configuration key that tells a recorded module in a model file.
    public static let marker = "recorded"

    public override var typeName: String { definitionName }
    public override var children: [Module] { childModules }
    public override var localParameters: [Parameter] { ownParameters }
    public override var parameters: [Parameter] { ownParameters + childModules.flatMap(\.parameters) }
    public override var configuration: [String: ConfigurationValue] {
        [Self.marker: .bool(true), "arguments": .object(arguments)]
    }

    /// The tape of the running forward (nil outside a training forward):
    /// what a binding records the definition's parameters on.
    public var activeTape: Tape? { tape?.isRecording == true ? tape : nil }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        guard isTraining else {
            tape = nil
            return try body(nil, Variable(input)).value
        }
        let tape = Tape()
        self.tape = tape
        recorded = nil
        tape.start()
        defer { tape.stop() }
        let x = tape.input(input)
        let y = try body(tape, x)
        recorded = (x.node!, y)
        return y.value
    }

    /// Replays the tape of the last training forward; a second call, or one
    /// after an evaluation forward, is an error (the tape is spent).
    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        guard let tape, let recorded else {
            throw LunetError("\(subject: subject): backward needs a forward in training mode first (and runs once per forward)")
        }
        defer { self.tape = nil; self.recorded = nil }
        guard gradOutput.shape == recorded.output.shape else {
            throw LunetError("\(subject: subject): gradOutput \(gradOutput.summary) does not match the output \(formatShape(recorded.output.shape))")
        }
        let gradients = try tape.backward(recorded.output, gradient: gradOutput)
        return try gradients[recorded.input] ?? Tensor(shape: input.shape, repeating: 0)
    }

    /// Runs the expression on zeros in evaluation mode (which changes no
    /// state: no dropout draw, no batch-norm update) to learn the shape.
    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        let training = isTraining
        setTraining(false)
        defer { setTraining(training) }
        return try forward(Tensor(shape: inputShape, repeating: 0)).shape
    }
}
