import CLua
import Lunet

/// `nn.save`/`nn.load` for whole models and `tensor.saveSafetensors`/
/// `tensor.loadSafetensors` for dictionaries of tensors, both in the
/// `.safetensors` format that PyTorch and NumPy read.
enum ModelFileBindings {
    static let models = LuaLibrary(.module("nn"), doc: NNBindings.moduleDoc, functions: [
        LuaFunction("save", "nn.save(model, path)", "Writes the model (architecture, weights, batch-norm statistics) as .safetensors, atomically.") { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            try ModelFile.save(model, to: try call.path(2))
            return 0
        },
        LuaFunction("load", "nn.load(path[, definitions])", "Reads a model written by nn.save; its outputs are bit-identical to the saved one's. Layers written in Lua are rebuilt by the constructor in definitions ({Name = constructor}) or registered with nn.register.") { call in
            if !call.isNoneOrNil(2), lua_type(call.L, 2) != LUA_TTABLE { throw call.typeError(2, expected: "table of constructors") }
            call.push(newModule: try ModelFile.load(try call.path(1), build: DefinitionBindings.builder(call, definitionsAt: 2)))
            return 1
        },
    ])

    static let tensors = LuaLibrary(.module("tensor"), doc: TensorBindings.moduleDoc, functions: [
        LuaFunction("saveSafetensors", "tensor.saveSafetensors(tensors, path[, metadata])", "Writes a table {name = tensor} as .safetensors (F32, U8, I32), with optional string metadata {key = 'value'}.") { call in
            let list = try namedTensors(call, 1)
            let path = try call.path(2)
            let metadata = try stringTable(call, 3)
            try SafeTensorsFile(tensors: list, metadata: metadata).write(to: path)
            return 0
        },
        LuaFunction("tensor.loadSafetensors", declaration: SafeTensorsFile.readDeclaration, leading: ["path"]) { call in
            let file = try SafeTensorsFile.read(try call.path(1))
            lua_createtable(call.L, 0, Int32(file.tensors.count))
            for (name, tensor) in file.tensors {
                call.setField(name) { call.push(tensor) }
            }
            lua_createtable(call.L, 0, Int32(file.metadata.count))
            for (key, value) in file.metadata {
                call.setField(key) { call.push(value) }
            }
            return 2
        },
    ])

    /// A table {name = tensor}, in name order.
    static func namedTensors(_ call: LuaCall, _ index: Int32) throws -> [(name: String, tensor: AnyTensor)] {
        guard case .table(let table) = try call.value(index), table.array.isEmpty else {
            throw call.typeError(index, expected: "table of named tensors")
        }
        return try table.fields.keys.sorted().map { name in
            guard case .tensor(let tensor) = table.fields[name]! else {
                throw call.argumentError(index, "'\(name)' is a \(table.fields[name]!.typeName), tensor expected")
            }
            return (name, tensor)
        }
    }

    /// An optional table of string values.
    static func stringTable(_ call: LuaCall, _ index: Int32) throws -> [String: String] {
        guard !call.isNoneOrNil(index) else { return [:] }
        guard case .table(let table) = try call.value(index), table.array.isEmpty else {
            throw call.typeError(index, expected: "table of strings")
        }
        return try table.fields.mapValues {
            guard case .string(let text) = $0 else {
                throw call.argumentError(index, "metadata values must be strings, got a \($0.typeName)")
            }
            return text
        }
    }
}
