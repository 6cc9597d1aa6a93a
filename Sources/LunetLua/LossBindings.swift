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
        LuaFunction("CrossEntropy", "nn.CrossEntropy()", "Softmax cross-entropy on logits [batch, classes] with 1-based Int32 labels, mean over the batch (log-softmax fused, stable).") { call in
            call.pushObject(CrossEntropyLoss(), metatable: metatable)
            return 1
        },
        LuaFunction("TripletLoss", "nn.TripletLoss{margin = 0.2, distance = 'squared'}", "Triplet loss max(d(a,p) - d(a,n) + margin, 0), mean over the batch; distance 'squared' or 'euclidean'.") { call in
            let options = try call.options(1, for: "nn.TripletLoss", allowed: ["margin", "distance"])
            let distance = try options.choice("distance", TripletLoss.Distance.allCases.map(\.rawValue), default: "squared")
            let margin = try options.float("margin", default: 0.2)
            guard margin >= 0, margin.isFinite else { throw LunetError("nn.TripletLoss: margin must be a non-negative number, got \(margin)") }
            call.pushObject(TripletLoss(margin: margin,
                                        distance: TripletLoss.Distance(rawValue: distance)!), metatable: metatable)
            return 1
        },
        LuaFunction("l2Penalty", "nn.l2Penalty(model)", "The L2 penalty sum(l2 * sum(w^2)) of the layers that set {l2 = ...}; optimizers add its gradient in :step().") { call in
            call.push(L2Penalty.value(of: try call.object(1, Module.self, expected: "nn module").parameters))
            return 1
        },
    ])

    static let methods = LuaLibrary(.type(metatable: metatable), doc: "A loss (criterion): :forward returns the loss, :backward its gradients.", functions: [
        LuaFunction("forward", "criterion:forward(input, target) or criterion:forward(a, p, n)", "The mean loss; TripletLoss also returns the fraction of triplets with a non-zero loss.") { call in
            switch try criterion(call) {
            case let loss as CrossEntropyLoss:
                let (logits, targets) = try crossEntropyArguments(call)
                call.push(try loss.forward(logits, targets))
                return 1
            case let loss as TripletLoss:
                let (loss, active) = try loss.forward(call.floatTensor(2), call.floatTensor(3), call.floatTensor(4))
                call.push(loss)
                call.push(active)
                return 2
            default:
                throw call.typeError(1, expected: "nn criterion")
            }
        },
        LuaFunction("backward", "criterion:backward(input, target) or criterion:backward(a, p, n)", "The gradient of the mean loss for the input; TripletLoss returns the gradients for a, p and n.") { call in
            switch try criterion(call) {
            case let loss as CrossEntropyLoss:
                let (logits, targets) = try crossEntropyArguments(call)
                call.push(try loss.backward(logits, targets))
                return 1
            case let loss as TripletLoss:
                let (da, dp, dn) = try loss.backward(call.floatTensor(2), call.floatTensor(3), call.floatTensor(4))
                call.push(da)
                call.push(dp)
                call.push(dn)
                return 3
            default:
                throw call.typeError(1, expected: "nn criterion")
            }
        },
    ], metamethods: [
        LuaFunction("__tostring", "tostring(criterion)", "nn.CrossEntropy() or nn.TripletLoss(margin=0.2, distance=squared).") { call in
            switch try criterion(call) {
            case let loss as TripletLoss: call.push("nn." + loss.description)
            default: call.push("nn.CrossEntropy()")
            }
            return 1
        },
    ])

    static func criterion(_ call: LuaCall) throws -> AnyObject {
        guard let object = call.boxedObject(at: 1), object is CrossEntropyLoss || object is TripletLoss else {
            throw call.typeError(1, expected: "nn criterion")
        }
        return object
    }

    /// Logits and 1-based labels from Lua, the labels checked and made 0-based.
    static func crossEntropyArguments(_ call: LuaCall) throws -> (Tensor<Float>, Tensor<Int32>) {
        let logits = try call.floatTensor(2)
        let labels = try call.intTensor(3)
        if logits.rank == 2, labels.rank == 1 {
            let classes = logits.shape[1]
            for (row, label) in labels.scalars.enumerated() where label < 1 || Int(label) > classes {
                throw call.argumentError(3, "label \(label) at position \(row + 1) is not a class in 1..\(classes)")
            }
        }
        // Shifting is safe only once the labels are known to be in range.
        guard logits.rank == 2, labels.rank == 1 else { return (logits, labels) }
        return (logits, try labels.mapped { $0 - 1 })
    }
}
