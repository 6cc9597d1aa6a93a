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
        LuaFunction("optim.SGD", declaration: SGD.declaration, leading: ["model"]) { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let optimizer = try SGD(parameters: model.parameters, options: call.options(2, declaredBy: SGD.declaration))
            call.pushObject(optimizer, metatable: metatable, externalBytes: stateBytes(optimizer, buffers: optimizer.momentum > 0 ? 1 : 0))
            return 1
        },
        LuaFunction("optim.Adam", declaration: Adam.declaration, leading: ["model"]) { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let optimizer = try Adam(parameters: model.parameters, options: call.options(2, declaredBy: Adam.declaration))
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
            call.push(try optimizer(call).learningRate)
            return 1
        },
        LuaFunction("setLearningRate", "opt:setLearningRate(lr)", "Changes the learning rate (for schedules); returns the optimizer.") { call in
            let lr = try call.number(2)
            guard lr >= 0 else { throw call.argumentError(2, "learning rate must be >= 0, got \(lr)") }
            let target = try optimizer(call)
            target.learningRate = Float(lr)
            lua_pushvalue(call.L, 1)
            return 1
        },
        LuaFunction("stepCount", "opt:stepCount()", "The number of steps taken.") { call in
            call.push(try optimizer(call).stepCount)
            return 1
        },
    ], metamethods: [
        LuaFunction("__tostring", "tostring(opt)", "optim.Adam{lr = 0.001, ...}: the optimizer and its settings.") { call in
            let optimizer = try optimizer(call)
            call.push(LuaPhrasing().subject(Subject(optimizer.subject.declaration, detail: .options(optimizer.settings))))
            return 1
        },
    ])

    static func optimizer(_ call: LuaCall) throws -> Optimizer {
        guard let optimizer = call.boxedObject(at: 1) as? Optimizer else { throw call.typeError(1, expected: "optimizer") }
        return optimizer
    }

    /// Bytes of the state buffers (`buffers` per parameter value), told to Lua's collector.
    static func stateBytes(_ optimizer: Optimizer, buffers: Int) -> Int {
        buffers * optimizer.parameters.reduce(0) { $0 + $1.value.byteCount }
    }
}
