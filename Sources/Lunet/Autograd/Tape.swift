/// A record of tensor operations, replayed in reverse to get gradients: what
/// a layer or loss written in Lua runs on while it trains (`RecordedModule`,
/// `RecordedLoss`). Built-in layers never touch a tape; they keep their
/// hand-written backward passes.
///
/// Values are `Variable`s: a tensor and, when it depends on a leaf (an input
/// or a parameter), its node on the tape. An operation whose operands are all
/// constants records nothing. Nodes are appended in evaluation order, so the
/// reverse of that order is a valid order for the backward pass.
///
/// ```swift
/// let tape = Tape()
/// let x = tape.input(input)
/// let y = try tape.sum(tape.multiply(x, x))          // one-element tensor
/// let grads = try tape.backward(y)                   // [x.node!: 2x]
/// ```
public final class Tape {
    /// How one node passes its output gradient to its operands: one gradient
    /// per operand, in `inputs` order (nil where an operand is a constant).
    typealias Backward = (Tensor<Float>) throws -> [Tensor<Float>?]

    struct Node {
        let inputs: [Int?]
        let shape: [Int]
        let backward: Backward?
    }

    private var nodes: [Node] = []
    private var parameterNodes: [ObjectIdentifier: Int] = [:]
    private(set) var parameters: [(node: Int, parameter: Parameter)] = []
    /// Built-in modules called on this tape: each keeps only its last input for backward.
    private var calledModules: Set<ObjectIdentifier> = []

    /// True while the forward that owns this tape runs; operations on its
    /// variables record only then.
    public private(set) var isRecording = false

    public init() {}

    /// Starts recording (the owner's forward begins).
    public func start() { isRecording = true }
    /// Stops recording (the owner's forward returned or failed).
    public func stop() { isRecording = false }

    /// Number of recorded nodes (leaves included).
    public var count: Int { nodes.count }

    /// A leaf: an input whose gradient `backward` returns.
    public func input(_ value: Tensor<Float>) -> Variable {
        nodes.append(Node(inputs: [], shape: value.shape, backward: nil))
        return Variable(value, node: nodes.count - 1)
    }

    /// The leaf of a parameter (one per parameter and tape): `backward` adds
    /// its gradient to `Parameter.gradient`.
    public func parameter(_ parameter: Parameter) -> Variable {
        if let node = parameterNodes[ObjectIdentifier(parameter)] { return Variable(parameter.value, node: node) }
        let leaf = input(parameter.value)
        parameterNodes[ObjectIdentifier(parameter)] = leaf.node!
        parameters.append((leaf.node!, parameter))
        return leaf
    }

    /// Records `value` computed from `operands`; a constant when no operand is recorded.
    func record(_ value: Tensor<Float>, _ operands: [Variable], backward: @escaping Backward) -> Variable {
        guard operands.contains(where: { $0.node != nil }) else { return Variable(value) }
        nodes.append(Node(inputs: operands.map(\.node), shape: value.shape, backward: backward))
        return Variable(value, node: nodes.count - 1)
    }

    /// Checks that a built-in module is called once per recorded forward.
    func noteCall(_ module: Module) throws {
        guard calledModules.insert(ObjectIdentifier(module)).inserted else {
            throw LunetError("\(subject: module.subject) is called twice in one recorded forward; its backward keeps only its last input (call it once on the joined batch, or use two modules)")
        }
    }

    /// Gradients of `output` (seeded with `gradient`, ones by default) for
    /// every node, by node index; parameter gradients are also added to their
    /// `Parameter.gradient`. The tape is spent afterwards.
    public func backward(_ output: Variable, gradient seed: Tensor<Float>? = nil) throws -> [Int: Tensor<Float>] {
        guard let start = output.node else { return [:] }
        defer { release() }
        let first = try seed ?? Tensor(shape: output.value.shape, repeating: 1)
        guard first.shape == nodes[start].shape else {
            throw LunetError.shapeMismatch("backward", nodes[start].shape, first.shape)
        }
        var gradients = [Tensor<Float>?](repeating: nil, count: start + 1)
        gradients[start] = first
        for index in stride(from: start, through: 0, by: -1) {
            guard let g = gradients[index], let backward = nodes[index].backward else { continue }
            let node = nodes[index]
            let operandGradients = try backward(g)
            for (input, grad) in zip(node.inputs, operandGradients) {
                guard let input, let grad else { continue }
                try accumulate(grad, into: &gradients[input], shape: nodes[input].shape)
            }
            gradients[index] = nil
        }
        for (node, parameter) in parameters where node <= start {
            if let g = gradients[node] { try parameter.gradient.addScaled(g) }
        }
        var leaves: [Int: Tensor<Float>] = [:]
        for (index, node) in nodes.prefix(start + 1).enumerated() where node.backward == nil {
            if let g = gradients[index] { leaves[index] = g }
        }
        return leaves
    }

    /// Repeated use of one value adds its gradients up.
    private func accumulate(_ gradient: Tensor<Float>, into slot: inout Tensor<Float>?, shape: [Int]) throws {
        guard gradient.shape == shape else { throw LunetError.shapeMismatch("gradient", shape, gradient.shape) }
        if slot == nil { slot = gradient } else { try slot!.addScaled(gradient) }
    }

    /// Drops every node (and the tensors their backward closures keep).
    public func release() {
        nodes = []
        parameterNodes = [:]
        parameters = []
        calledModules = []
        isRecording = false
    }
}

/// A tensor and its node on a tape (nil: a constant, no gradient flows to it).
public struct Variable {
    public let value: Tensor<Float>
    public let node: Int?

    public init(_ value: Tensor<Float>, node: Int? = nil) {
        self.value = value
        self.node = node
    }

    public var shape: [Int] { value.shape }
}
