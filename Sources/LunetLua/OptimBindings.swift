import CLua
import Lunet

extension SGD: LuaNamed {
    public var luaTypeName: String { "optimizer" }
}

extension Adam: LuaNamed {
    public var luaTypeName: String { "optimizer" }
}

/// `optim.SGD`, `optim.Adam`: optimizers over a model's parameters, with
/// PyTorch's update rules.
enum OptimBindings {
    static let metatable = "lunet.Optimizer"

    static let module = LuaLibrary(.module("optim"), doc: "Optimizers (PyTorch semantics); :step() also applies the layers' L2 penalties.", functions: [
        LuaFunction("SGD", "optim.SGD(model, {lr = 0.01, momentum = 0, nesterov = false, weightDecay = 0, schedule = nil})", "Stochastic gradient descent, as torch.optim.SGD. " + scheduleDoc) { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let options = try call.options(2, for: "optim.SGD", allowed: ["lr", "momentum", "nesterov", "weightDecay", "schedule"])
            let optimizer = try SGD(module: model, learningRate: options.float("lr", in: .nonNegative, default: 0.01),
                                    momentum: options.float("momentum", in: .probability, default: 0),
                                    nesterov: options.boolean("nesterov", default: false),
                                    weightDecay: options.float("weightDecay", in: .nonNegative, default: 0))
            optimizer.schedule = try schedule(options, initial: optimizer.learningRate)
            call.pushObject(optimizer, metatable: metatable, externalBytes: stateBytes(optimizer, buffers: optimizer.momentum > 0 ? 1 : 0))
            return 1
        },
        LuaFunction("Adam", "optim.Adam(model, {lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, amsgrad = false, weightDecay = 0, schedule = nil})", "Adam, as torch.optim.Adam (amsgrad keeps the maximum of the second moments). " + scheduleDoc) { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let options = try call.options(2, for: "optim.Adam", allowed: ["lr", "beta1", "beta2", "eps", "amsgrad", "weightDecay", "schedule"])
            let optimizer = try Adam(module: model, learningRate: options.float("lr", in: .nonNegative, default: 1e-3),
                                     beta1: options.float("beta1", in: .probability, default: 0.9),
                                     beta2: options.float("beta2", in: .probability, default: 0.999),
                                     epsilon: options.float("eps", in: .nonNegative, default: 1e-8), amsgrad: options.boolean("amsgrad", default: false),
                                     weightDecay: options.float("weightDecay", in: .nonNegative, default: 0))
            optimizer.schedule = try schedule(options, initial: optimizer.learningRate)
            call.pushObject(optimizer, metatable: metatable, externalBytes: stateBytes(optimizer, buffers: optimizer.amsgrad ? 3 : 2))
            return 1
        },
    ])

    static let methods = LuaLibrary(.type(metatable: metatable), doc: "An optimizer holding a model's parameters.", functions: [
        LuaFunction("step", "opt:step()", "Updates the parameters from their gradients (plus the gradient of the layers' L2 penalties).") { call in
            try optimizer(call).step()
            return 0
        },
        LuaFunction("zeroGrad", "opt:zeroGrad()", "Sets every parameter's gradient to zero (call before each backward).") { call in
            try optimizer(call).zeroGrad()
            return 0
        },
        LuaFunction("penalty", "opt:penalty()", "The L2 penalty sum(l2 * sum(w^2)) at the current weights: add it to the loss you report, as Keras does.") { call in
            call.push(try optimizer(call).penalty())
            return 1
        },
        LuaFunction("learningRate", "opt:learningRate()", "The current learning rate.") { call in
            call.push(try optimizer(call).learningRateDecimal)
            return 1
        },
        LuaFunction("setLearningRate", "opt:setLearningRate(lr)", "Changes the learning rate; returns the optimizer. With a schedule, the next epoch (train.fit, opt:scheduleStep()) sets it again.") { call in
            let lr = try call.number(2)
            guard lr >= 0 else { throw call.argumentError(2, "learning rate must be >= 0, got \(lr)") }
            let target = try optimizer(call)
            target.learningRate = Float(lr)
            lua_pushvalue(call.L, 1)
            return 1
        },
        LuaFunction("scheduleStep", "opt:scheduleStep()", "Moves the learning-rate schedule to the next epoch and sets that epoch's rate (after each epoch of a hand-written loop, as PyTorch's scheduler.step(); train.fit and triplet.fit do it themselves); returns the new rate. An error without a schedule.") { call in
            let target = try optimizer(call)
            guard let schedule = target.schedule else {
                throw LunetError("opt:scheduleStep(): this optimizer has no schedule (give optim.Adam(net, {schedule = {kind = 'step', every = 10}}))")
            }
            schedule.advance(target)
            call.push(target.learningRateDecimal)
            return 1
        },
        LuaFunction("stepCount", "opt:stepCount()", "The number of steps taken.") { call in
            call.push(try optimizer(call).stepCount)
            return 1
        },
    ], metamethods: [
        LuaFunction("__tostring", "tostring(opt)", "optim.Adam(lr=0.001, ...).") { call in
            call.push(try optimizer(call).description)
            return 1
        },
    ])

    static let scheduleDoc = "schedule changes lr by epoch (round), as PyTorch's schedulers, applied by train.fit and triplet.fit at each epoch's start (lr in their rows) or by opt:scheduleStep(): {kind = 'step', every = 10, gamma = 0.1} multiplies lr by gamma every `every` epochs (StepLR); {kind = 'cosine', epochs = 50, minimum = 0} follows half a cosine from lr down to minimum over `epochs` epochs (CosineAnnealingLR)."

    /// `schedule = {kind = 'step', every = , gamma = }` or `{kind = 'cosine', epochs = , minimum = }`.
    static func schedule(_ options: LuaOptions, initial: Float) throws -> LearningRateSchedule? {
        guard let table = try options.table("schedule") else { return nil }
        let owner = "\(options.owner)'s schedule"
        guard case .string(let kind)? = table.fields["kind"] else {
            throw LunetError("option 'schedule' for \(options.owner): kind = 'step' or 'cosine' expected")
        }
        let initial = Double("\(initial)") ?? Double(initial)  // 0.001, as written
        switch kind {
        case "step":
            let step = try LuaOptions(checking: table, owner: owner, allowed: ["kind", "every", "gamma"])
            guard let every = try step.integer("every") else { throw LunetError("\(owner): 'step' needs every = a number of epochs") }
            return try LearningRateSchedule(.step(every: every, gamma: step.number("gamma", default: 0.1)), initial: initial)
        case "cosine":
            let cosine = try LuaOptions(checking: table, owner: owner, allowed: ["kind", "epochs", "minimum"])
            guard let epochs = try cosine.integer("epochs") else { throw LunetError("\(owner): 'cosine' needs epochs = a number of epochs") }
            return try LearningRateSchedule(.cosine(epochs: epochs, minimum: cosine.number("minimum", default: 0)), initial: initial)
        default:
            throw LunetError("option 'schedule' for \(options.owner): kind must be 'step' or 'cosine', got '\(kind)'")
        }
    }

    static func optimizer(_ call: LuaCall) throws -> Optimizer {
        guard let optimizer = call.boxedObject(at: 1) as? Optimizer else { throw call.typeError(1, expected: "optimizer") }
        return optimizer
    }

    /// Bytes of the state buffers (`buffers` per parameter value), told to Lua's collector.
    static func stateBytes(_ optimizer: Optimizer, buffers: Int) -> Int {
        buffers * optimizer.parameters.reduce(0) { $0 + $1.value.byteCount }
    }
}
