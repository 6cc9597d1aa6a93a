/// A network layer with an explicit forward and backward pass, as Torch's
/// `nn.Module`. Subclasses override `forward`, `backward` and, when they have
/// them, `parameters`, `configuration` and `buffers`.
///
/// ```lua
/// local fc = nn.Linear(4, 2):named("fc6")
/// local y = fc:forward(tensor.randn({8, 4}))
/// local dx = fc:backward(x, tensor.ones({8, 2}))
/// ```
open class Module {
    /// The name a layer is tapped and saved under (`fc6`); unnamed layers get
    /// `<index>` from their container.
    public var name: String?
    public private(set) var isTraining = true

    public init() {}

    /// What tells this layer from others of its type: `9216 -> 2048` for a
    /// Linear layer; nil when the type says it all.
    open var detail: String? { nil }

    /// `Linear(9216 -> 2048)`: type and sizes, used in summaries.
    public var description: String { typeName + (detail.map { "(\($0))" } ?? "") }

    /// The constructor name: `Linear`, `Conv2d`.
    /// The type's name in descriptions and model files. lunet's layers return
    /// their declaration's name, so renaming a Swift class keeps saved models
    /// loadable; the class name is only the fallback for other subclasses.
    open var typeName: String { String(describing: type(of: self)) }

    /// This layer in error messages: `Linear(9216 -> 2048) 'fc6'` (Lua says `nn.Linear(...)`).
    public var subject: Subject {
        Subject(typeName, detail: detail.map { .text($0) }, name: name)
    }

    open func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        throw LunetError("\(subject: subject): forward is not implemented")
    }

    /// Returns the gradient with respect to `input` and adds the parameter
    /// gradients to `Parameter.gradient`. `input` is the one given to the last
    /// `forward`; layers may use what that call cached.
    open func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        throw LunetError("\(subject: subject): backward is not implemented")
    }

    /// `backward` for a caller that hands `gradOutput` over: the layer may write
    /// its result into that storage when no other tensor shares it (ReLU does),
    /// which saves a buffer of the gradient's size; afterwards `gradOutput` is
    /// unspecified. `Sequential` passes its layers' gradients this way.
    open func backward(_ input: Tensor<Float>, takingGradient gradOutput: inout Tensor<Float>) throws -> Tensor<Float> {
        try backward(input, gradOutput)
    }

    /// Adds the parameter gradients as `backward` does, without the gradient with
    /// respect to `input` (Torch's `accGradParameters`): the first layer of a
    /// network needs no more. Layers that can skip work for it override this.
    open func accumulateParameterGradients(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws {
        _ = try backward(input, gradOutput)
    }

    /// True when `backward` gives the same result if handed this layer's output
    /// in place of its input (ReLU: `x > 0` exactly when `max(x, 0) > 0`). A
    /// container can then free the input as soon as the forward pass is done.
    open var backwardAcceptsOutput: Bool { false }

    /// Trainable parameters, weight before bias; containers list their children's in order.
    open var parameters: [Parameter] { [] }

    /// A container's own parameters beside its children's (a layer written
    /// in Lua may have both); saved under their bare names.
    open var localParameters: [Parameter] { [] }

    /// Non-trained state saved with the model (batch-norm running statistics), by name.
    open var buffers: [(name: String, value: Tensor<Float>)] { [] }

    /// Replaces a buffer's value when a model is loaded.
    open func setBuffer(_ name: String, _ value: Tensor<Float>) throws {
        throw LunetError("\(subject: subject) has no buffer '\(name)'")
    }

    /// The constructor arguments that rebuild this layer (saved as JSON in model files).
    open var configuration: [String: ConfigurationValue] { [:] }

    /// Output shape for an input shape (batch first), without computing; checks sizes.
    open func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    /// Children of containers, in order; empty for plain layers.
    open var children: [Module] { [] }

    /// Switches training behaviour (dropout, batch statistics) on or off, recursively.
    open func setTraining(_ training: Bool) {
        isTraining = training
        for child in children { child.setTraining(training) }
    }

    public func zeroGrad() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// The error this layer raises for a wrong input.
    public func inputError(_ detail: LunetError.Message) -> LunetError {
        LunetError(facts: [.subject(subject), .text(": ")] + detail.facts)
    }
}
