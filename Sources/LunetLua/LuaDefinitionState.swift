import CLua
import Lunet

/// The Lua side of one `nn.Module`: its `self` table (children, parameters,
/// `config`) and the tensor boxes through which `self` sees its parameters.
/// Before each forward the boxes take the parameters' current values and,
/// when the forward is recorded, their leaves on the tape.
final class LuaDefinitionState {
    let selfTable: LuaReference
    let parameterBoxes: [(box: TensorBox, parameter: Parameter)]
    let config: [String: ConfigurationValue]

    init(_ call: LuaCall, children: [(String, Module)], parameters: [(String, Parameter)],
         config: [String: ConfigurationValue]) throws {
        self.config = config
        try call.reserveStack(4)
        lua_createtable(call.L, 0, Int32(children.count + parameters.count + 1))
        for (key, module) in children {
            call.setField(key) { call.pushObject(module, metatable: LuaTypeName.module) }
        }
        var boxes: [(TensorBox, Parameter)] = []
        for (key, parameter) in parameters {
            let box = TensorBox(.float(parameter.value))
            boxes.append((box, parameter))
            call.setField(key) { call.pushObject(box, metatable: LuaTypeName.tensor, externalBytes: parameter.value.byteCount) }
        }
        call.setField("config") { call.push(LuaModuleBindings.luaValue(.object(config))) }
        parameterBoxes = boxes
        selfTable = LuaReference(popping: call.L)
    }

    /// Calls `function(self, x)` on the thread of the running binding;
    /// recorded when `tape` is given. A Lua error keeps its traceback and
    /// is prefixed with the module's name.
    func forward(_ function: LuaReference, tape: Tape?, input: Variable, name: String) throws -> Variable {
        let call = try Recording.runningCall(for: function)
        for (box, parameter) in parameterBoxes {
            box.tensor = .float(parameter.value)
            box.tape = tape
            box.node = tape?.parameter(parameter).node ?? 0
        }
        defer { for (box, _) in parameterBoxes { box.tape = nil } }
        let run = {
            try call.callback(function, results: 1, arguments: { c in
                self.selfTable.push(c.L)
                if let tape { Recording.push(c, input, on: tape) } else { c.push(input.value) }
                return 2
            }) { c, first in try Self.output(c, first, tape: tape, name: name) }
        }
        do {
            return try tape == nil ? run() : Recording.during(run)
        } catch let error as LuaRaisedError {
            throw LuaRaisedError(message: "nn.Module '\(name)': forward failed: \(error.message)")
        }
    }

    /// What forward returned, as a variable of `tape` when it was recorded there.
    static func output(_ call: LuaCall, _ index: Int32, tape: Tape?, name: String) throws -> Variable {
        guard let box = call.boxedObject(at: index) as? TensorBox, case .float(let value) = box.tensor else {
            let got = call.boxedObject(at: index) is TensorBox ? "a \(try call.tensor(index).typeName) tensor" : "a \(call.typeName(at: index))"
            throw LunetError("nn.Module '\(name)': forward must return a Float32 tensor, got \(got)")
        }
        if let tape, box.tape === tape { return Variable(value, node: box.node) }
        return Variable(value)
    }
}
