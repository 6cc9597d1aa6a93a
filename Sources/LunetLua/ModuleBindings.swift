import CLua
import Lunet

extension Module: LuaNamed {
    public var luaTypeName: String { "nn module" }
}

/// Methods of `lunet.Module` userdata: every layer and container.
enum ModuleBindings {
    static func module(_ call: LuaCall, _ index: Int32 = 1) throws -> Module {
        try call.object(index, Module.self, expected: "nn module")
    }

    static func sequential(_ call: LuaCall, _ method: String) throws -> Sequential {
        let m = try module(call)
        guard let sequential = m as? Sequential else { throw LunetError("\(subject: m.subject): \(method) is only for nn.Sequential") }
        return sequential
    }

    /// Returns the module at index 1 again, for chaining (`nn.Linear(2, 3):named("fc")`).
    static func returnSelf(_ call: LuaCall) -> Int32 {
        lua_pushvalue(call.L, 1)
        return 1
    }

    static let forward = LuaFunction("forward", "m:forward(x)", "The output for input x (Float32 tensor, batch first).") { call in
        if let tape = try Recording.tape(call, 2) {
            Recording.push(call, try tape.call(try module(call), Recording.variable(call, 2, on: tape)), on: tape)
            return 1
        }
        call.push(try module(call).forward(try call.floatTensor(2)))
        return 1
    }

    static let methods = LuaLibrary(.type(metatable: LuaTypeName.module),
                                    doc: "An nn module: a layer or a container of layers, with explicit forward and backward.",
                                    functions: passes + state + containers,
                                    metamethods: metamethods, fieldGetter: field)

    static let passes: [LuaFunction] = [
        forward,
        LuaFunction("backward", "m:backward(x, gradOutput)",
                    "The gradient with respect to x; adds the parameter gradients (x is the input of the last forward).") { call in
            call.push(try module(call).backward(try call.floatTensor(2), try call.floatTensor(3)))
            return 1
        },
        LuaFunction("parameters", "m:parameters()",
                    "Two lists: the parameters and their gradients (copies), layer by layer, weight before bias.") { call in
            let parameters = try module(call).parameters
            call.push(LuaValue.table(list(parameters.map { .tensor(.float($0.value)) })))
            call.push(LuaValue.table(list(parameters.map { .tensor(.float($0.gradient)) })))
            return 2
        },
        LuaFunction("namedParameters", "m:namedParameters()",
                    "A table from model-file key ('fc6.weight', '3.bias') to parameter (a copy).") { call in
            var table = LuaTable()
            for (key, parameter) in try module(call).namedParameters { table.fields[key] = .tensor(.float(parameter.value)) }
            call.push(LuaValue.table(table))
            return 1
        },
        LuaFunction("zeroGrad", "m:zeroGrad()", "Sets every parameter gradient to zero; returns m.") { call in
            try module(call).zeroGrad()
            return returnSelf(call)
        },
        LuaFunction("outputs", "model:outputs(x, {names...})",
                    "Outputs of the named layers from one forward pass (the neural codes), as a table name -> tensor.") { call in
            let model = try sequential(call, "outputs")
            let input = try call.floatTensor(2)
            guard case .table(let list) = try call.value(3), list.fields.isEmpty, !list.array.isEmpty else {
                throw call.typeError(3, expected: "list of layer names")
            }
            let names = try list.array.map {
                guard case .string(let name) = $0 else { throw call.argumentError(3, "layer names must be strings") }
                return name
            }
            var table = LuaTable()
            for (name, tensor) in try model.outputs(input, names: names) { table.fields[name] = .tensor(.float(tensor)) }
            call.push(LuaValue.table(table))
            return 1
        },
    ]

    static func list(_ values: [LuaValue]) -> LuaTable {
        var table = LuaTable()
        table.array = values
        return table
    }

    static let state: [LuaFunction] = [
        LuaFunction("train", "m:train()", "Training mode (dropout active, batch statistics), recursively; returns m.") { call in
            try module(call).setTraining(true)
            return returnSelf(call)
        },
        LuaFunction("evaluate", "m:evaluate()", "Evaluation mode (dropout off, running statistics), recursively; returns m.") { call in
            try module(call).setTraining(false)
            return returnSelf(call)
        },
        LuaFunction("named", "m:named(name)", "Names the layer (for outputs, summaries and model files); returns m.") { call in
            let m = try module(call)
            let name = try call.string(2)
            guard !name.isEmpty, !name.contains(".") else { throw call.argumentError(2, "a layer name must be non-empty and without '.'") }
            m.name = name
            return returnSelf(call)
        },
    ]

    static let containers: [LuaFunction] = [
        LuaFunction("add", "model:add(m)", "Appends a layer to an nn.Sequential; returns the container.") { call in
            try sequential(call, "add").add(try module(call, 2))
            return returnSelf(call)
        },
        LuaFunction("get", "model:get(i)", "The i-th layer (1-based) of an nn.Sequential.") { call in
            let layer = try sequential(call, "get").layer(at: try call.zeroBasedIndex(2))
            call.pushObject(layer, metatable: LuaTypeName.module)
            return 1
        },
        LuaFunction("summary", "model:summary(inputShape)",
                    "Prints the layers with output shapes (batch excluded) and parameter counts for one sample of inputShape.") { call in
            let model = try sequential(call, "summary")
            print(try model.summary(inputShape: try call.shape(2, name: "inputShape")))
            return 0
        },
    ]

    static let metamethods: [LuaFunction] = [
        LuaFunction("__tostring", "tostring(m)", "The layer's description: type, sizes and name.") { call in
            let m = try module(call)
            call.push((m as? Sequential)?.tree ?? LuaPhrasing().subject(m.subject))
            return 1
        },
        LuaFunction("__len", "#model", "The number of layers of an nn.Sequential.") { call in
            call.push(try sequential(call, "#").count)
            return 1
        },
        LuaFunction("__call", "m(x)", "Same as m:forward(x).", forward.body),
    ]

    /// `m.name`, `m.training`, `m.weight`, `m.bias`, `m.gradWeight`, `m.gradBias`,
    /// `m.running_mean`, `m.running_var` (tensors are copies).
    static let field: LuaFunctionBody = { call in
        let m = try module(call)
        let key = try call.string(2)
        switch key {
        case "name": m.name.map { call.push($0) } ?? call.pushNil()
        case "training": call.push(m.isTraining)
        case "weight", "bias", "gradWeight", "gradBias":
            let name = key.hasSuffix("eight") ? "weight" : "bias"
            guard let parameter = m.parameters.first(where: { $0.name == name }), m.children.isEmpty else { return 0 }
            call.push(key.hasPrefix("grad") ? parameter.gradient : parameter.value)
        default:
            if let recorded = m as? RecordedModule {
                // A layer written in Lua: its own parameters (copies) and children by name.
                if let parameter = recorded.ownParameters.first(where: { $0.name == key }) { call.push(parameter.value); return 1 }
                if key == "config" { call.push(LuaModuleBindings.luaValue(.object(recorded.arguments))); return 1 }
                if let child = recorded.childModules.first(where: { $0.name == key }) {
                    call.pushObject(child, metatable: LuaTypeName.module)
                    return 1
                }
            }
            guard let buffer = m.buffers.first(where: { $0.name == key }) else { return 0 }
            call.push(buffer.value)
        }
        return 1
    }
}

extension LuaCall {
    /// Boxes a module just made (constructor, nn.load) and tells Lua's collector
    /// the bytes of its weights, gradients and buffers, which it cannot see:
    /// a loop making layers would otherwise grow without bound.
    public func push(newModule module: Module) {
        let bytes = module.parameters.reduce(0) { $0 + $1.value.byteCount + $1.gradient.byteCount }
            + module.allModules.flatMap(\.buffers).reduce(0) { $0 + $1.value.byteCount }
        pushObject(module, metatable: LuaTypeName.module, externalBytes: bytes)
    }
}
