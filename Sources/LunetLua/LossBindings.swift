import Lunet

extension CrossEntropyLoss: LuaNamed {
    public var luaTypeName: String { "nn criterion" }
}

extension TripletLoss: LuaNamed {
    public var luaTypeName: String { "nn criterion" }
}

/// `nn.CrossEntropy()`, `nn.TripletLoss{...}`: Torch-style criteria whose
/// `:forward` returns the loss and `:backward` the gradients.
enum LossBindings {
    static let metatable = "lunet.Criterion"

    static let module = LuaLibrary(.module("nn"), doc: NNBindings.moduleDoc, functions: [
        LuaFunction("nn.CrossEntropy", declaration: CrossEntropyLoss.declaration) { call in
            _ = try call.options(1, declaredBy: CrossEntropyLoss.declaration)
            call.pushObject(CrossEntropyLoss(), metatable: metatable)
            return 1
        },
        LuaFunction("nn.TripletLoss", declaration: TripletLoss.declaration) { call in
            call.pushObject(try TripletLoss(options: call.options(1, declaredBy: TripletLoss.declaration)), metatable: metatable)
            return 1
        },
        LuaFunction("l2Penalty", "nn.l2Penalty(model)", "The L2 penalty sum(l2 * sum(w^2)) of the layers that set {l2 = ...}; optimizers add its gradient in :step().") { call in
            call.push(L2Penalty.value(of: try call.object(1, Module.self, expected: "nn module").parameters))
            return 1
        },
    ])

    static let methods = LuaLibrary(.type(metatable: metatable), doc: "A loss (criterion): :forward returns the loss, :backward its gradients.", functions: [
        LuaFunction("forward", "criterion:forward(input, target) or criterion:forward(a, p, n)", "The mean loss; TripletLoss also returns the fraction of triplets with a non-zero loss.") { call in
            let loss = try criterion(call)
            let (inputs, labels) = try arguments(call, loss)
            let value = try loss.loss(inputs, labels: labels)
            call.push(value.loss)
            for statistic in value.statistics { call.push(statistic) }
            return Int32(1 + value.statistics.count)
        },
        LuaFunction("backward", "criterion:backward(input, target) or criterion:backward(a, p, n)", "The gradient of the mean loss for the input; TripletLoss returns the gradients for a, p and n.") { call in
            let loss = try criterion(call)
            let (inputs, labels) = try arguments(call, loss)
            let gradients = try loss.gradient(inputs, labels: labels)
            for gradient in gradients { call.push(gradient) }
            return Int32(gradients.count)
        },
    ], metamethods: [
        LuaFunction("__tostring", "tostring(criterion)", "nn.CrossEntropy() or nn.TripletLoss{margin = 0.2, distance = 'squared'}.") { call in
            let subject = try criterion(call).subject
            call.push(LuaPhrasing().subject(subject) + (subject.detail == nil ? "()" : ""))
            return 1
        },
    ])

    static func criterion(_ call: LuaCall, at index: Int32 = 1) throws -> Loss {
        guard let loss = call.boxedObject(at: index) as? Loss else { throw call.typeError(index, expected: "nn criterion") }
        return loss
    }

    /// The loss's inputs from argument 2 on, then its 1-based labels, checked
    /// against the class count when the loss knows it and made 0-based.
    static func arguments(_ call: LuaCall, _ loss: Loss) throws -> ([Tensor<Float>], Tensor<Int32>?) {
        let inputs = try (0..<Int32(loss.inputCount)).map { try call.floatTensor(2 + $0) }
        guard loss.usesLabels else { return (inputs, nil) }
        let index = 2 + Int32(loss.inputCount)
        return (inputs, try labels(call, index, classes: loss.classCount(for: inputs)))
    }

    /// 1-based labels at `index`, checked to lie in `1...classes` and returned
    /// 0-based; a labels tensor of another rank goes on as it is, for the loss
    /// to reject by its shape.
    static func labels(_ call: LuaCall, _ index: Int32, classes: Int?) throws -> Tensor<Int32> {
        let labels = try call.intTensor(index)
        guard let classes, labels.rank == 1 else { return labels }
        for (row, label) in labels.scalars.enumerated() where label < 1 || Int(label) > classes {
            throw call.argumentError(index, "label \(label) at position \(row + 1) is not a class in 1..\(classes)")
        }
        // Shifting is safe only once the labels are known to be in range.
        return try labels.mapped { $0 - 1 }
    }
}
