/// Runs its children one after the other. Forward keeps every intermediate
/// output, so backward (given the same input) walks back without recomputing;
/// in training mode a backward of another input is an error.
/// Unnamed children are keyed by their 1-based position (`3.weight`).
///
/// ```lua
/// local net = nn.Sequential{nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2):named("out")}
/// local y = net:forward(tensor.randn({5, 4}))
/// local dx = net:backward(x, tensor.ones({5, 2}))
/// ```
public final class Sequential: Module {
    /// Its constructor, for errors and help: a list of layers, no options.
    public static let declaration = Declaration("Sequential", doc: "A container running its layers in order.")

    public private(set) var layers: [Module]
    public override var typeName: String { Self.declaration.name }
    /// Input of the last forward (weakly: the caller owns it; a nested
    /// container must not keep its parent's activation alive) and the output of each child.
    private weak var cachedInput: TensorStorage<Float>?
    private var cachedInputShape: [Int] = []
    private var cachedOutputs: [Tensor<Float>] = []
    /// Called during backward with each child whose parameter gradients are
    /// complete, last child first: data-parallel training starts averaging them
    /// while backward goes on (`GradientAverager.gradientsReady(of:)`).
    public var onLayerGradients: ((Module) -> Void)?
    /// Stands in for an output freed after forward (see `backwardAcceptsOutput`).
    private static let released = Tensor<Float>(shape: [0], storage: .empty)

    public init(_ layers: [Module] = []) {
        self.layers = layers
        super.init()
    }

    public override var children: [Module] { layers }

    public override var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public var count: Int { layers.count }

    /// Appends a layer (it takes this container's training mode). A container
    /// cannot hold itself, directly or through another container.
    public func add(_ layer: Module) throws {
        guard !layer.allModules.contains(where: { $0 === self }) else {
            throw LunetError("\(subject: subject): cannot add a container to itself")
        }
        layer.setTraining(isTraining)
        layers.append(layer)
        clearCache()
    }

    /// The layer at a 0-based position.
    public func layer(at index: Int) throws -> Module {
        guard layers.indices.contains(index) else {
            throw LunetError("\(subject: Self.declaration.subject): index \(position: index) out of range for \(layers.count) layer\(layers.count == 1 ? "" : "s")")
        }
        return layers[index]
    }

    private func clearCache() {
        cachedInput = nil
        cachedOutputs = []
    }

    public override func setTraining(_ training: Bool) {
        super.setTraining(training)
        clearCache()
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try layers.reduce(inputShape) { try $1.outputShape(for: $0) }
    }

    public override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        // Dropping the previous step's activations first keeps the peak at one step's worth.
        clearCache()
        var outputs: [Tensor<Float>] = []
        outputs.reserveCapacity(layers.count)
        var x = input
        for (index, layer) in layers.enumerated() {
            x = try layer.forward(x)
            outputs.append(x)
            // A layer whose backward can take its output instead of its input
            // (ReLU) lets the input go now: a batch-norm output before a ReLU is
            // 216 MiB in the Koch network's first block.
            if index > 0, layer.backwardAcceptsOutput, !backwardNeedsOwnOutput(index - 1) {
                outputs[index - 1] = Sequential.released
            }
        }
        cachedInput = input.storage
        cachedInputShape = input.shape
        cachedOutputs = outputs
        return x
    }

    /// Walks back through what the last forward kept. In training mode the
    /// input must be that forward's and each forward serves one backward:
    /// recomputing would redraw dropout masks and move batch-norm statistics,
    /// so the gradients would not belong to the loss. In evaluation mode the
    /// recompute is exact and is done.
    public override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
        var gradient = gradOutput
        return try backpropagate(input, &gradient, inputGradient: true)!
    }

    /// As `backward`; each layer's gradient is handed over to the layer before,
    /// which may write over it (ReLU does). A caller's tensor is never written
    /// over: the caller still holds it.
    public override func backward(_ input: Tensor<Float>, takingGradient gradOutput: inout Tensor<Float>) throws -> Tensor<Float> {
        try backpropagate(input, &gradOutput, inputGradient: true)!
    }

    /// `backward` without the gradient with respect to the network's input: the
    /// first layer adds its parameter gradients only (what a training step needs).
    public override func accumulateParameterGradients(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws {
        var gradient = gradOutput
        _ = try backpropagate(input, &gradient, inputGradient: false)
    }

    private func backpropagate(_ input: Tensor<Float>, _ gradOutput: inout Tensor<Float>, inputGradient: Bool) throws -> Tensor<Float>? {
        let sameInput = cachedInput === input.storage && cachedInputShape == input.shape
        if !sameInput || cachedOutputs.count != layers.count {
            if allModules.contains(where: \.isTraining) {
                let rule = sameInput ? "runs once per forward and this forward's backward already ran"
                                     : "needs the input of the last forward, and this is another input"
                throw LunetError("\(subject: subject): in training mode, backward \(rule); run forward on it first "
                    + "(recomputing it here would redraw dropout masks and move batch-norm statistics)")
            }
            _ = try forward(input)
        }
        var gradient = gradOutput
        gradOutput = Sequential.released
        for index in layers.indices.reversed() {
            let layerInput = index == 0 ? input
                : layers[index].backwardAcceptsOutput ? cachedOutputs[index] : cachedOutputs[index - 1]
            if index == 0, !inputGradient {
                try layers[index].accumulateParameterGradients(layerInput, gradient)
                cachedOutputs.removeLast()
                onLayerGradients?(layers[index])
                return nil
            }
            gradient = try layers[index].backward(layerInput, takingGradient: &gradient)
            onLayerGradients?(layers[index])
            // Each output is released once no backward still to run needs it,
            // so gradients reuse the activations' memory: this layer's own now,
            // and its input too unless the layer before takes its output.
            cachedOutputs.removeLast()
            if index > 0, !backwardNeedsOwnOutput(index - 1) { cachedOutputs[index - 1] = Sequential.released }
        }
        return gradient
    }

    /// Whether the backward of layer `index` reads that layer's output (the
    /// first layer reads this container's input instead).
    private func backwardNeedsOwnOutput(_ index: Int) -> Bool {
        index > 0 && layers[index].backwardAcceptsOutput
    }

    /// The outputs of the layers with the given names (searched in nested
    /// containers too) from one forward pass: the neural codes.
    public func outputs(_ input: Tensor<Float>, names: [String]) throws -> [String: Tensor<Float>] {
        var wanted = Set(names)
        let known = Set(allModules.compactMap(\.name))
        for name in names where !known.contains(name) {
            let list = allModules.compactMap(\.name)
            let known = list.isEmpty ? "no layer has a name" : "named layers: \(list.joined(separator: ", "))"
            throw LunetError("\(subject: subject): no layer named '\(name)' (\(known))")
        }
        var found: [String: Tensor<Float>] = [:]
        _ = try tapped(input, wanted: &wanted, found: &found)
        return found
    }

    /// Forward that records the outputs of named layers, stopping once all are found.
    private func tapped(_ input: Tensor<Float>, wanted: inout Set<String>, found: inout [String: Tensor<Float>]) throws -> Tensor<Float> {
        var x = input
        for layer in layers {
            guard !wanted.isEmpty else { break }
            if let nested = layer as? Sequential {
                x = try nested.tapped(x, wanted: &wanted, found: &found)
            } else {
                x = try layer.forward(x)
            }
            if let name = layer.name, wanted.remove(name) != nil { found[name] = x }
        }
        return x
    }
}
