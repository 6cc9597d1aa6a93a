import CLua
import Lunet

extension LuaTypeName {
    public static let module = "lunet.Module"
}

/// `nn.*` layer constructors, one per `LayerRegistry` declaration. Losses live
/// in the same `nn` table, installed by their own library.
enum NNBindings {
    /// What `help(nn)` says; several libraries fill the `nn` table.
    static let moduleDoc = "Layers (Torch-style modules with forward and backward), containers, losses and model files."

    static func push(_ call: LuaCall, _ module: Module) -> Int32 {
        call.push(newModule: module)
        return 1
    }

    static let module = LuaLibrary(.module("nn"), doc: moduleDoc,
                                   functions: LayerRegistry.declarations.map(constructor) + [sequential])

    /// `nn.<Type>(positional..., {options})`, checked against the declaration.
    static func constructor(_ layer: LayerDeclaration) -> LuaFunction {
        LuaFunction("nn.\(layer.typeName)", declaration: layer.declaration) { call in
            push(call, try layer.make(try call.arguments(from: 1, declaredBy: layer.declaration).values))
        }
    }

    static let sequential = LuaFunction("nn.Sequential", declaration: Sequential.declaration, leading: ["[{m1, m2, ...}]"]) { call in
        guard !call.isNoneOrNil(1) else { return push(call, Sequential()) }
        guard case .table(let table) = try call.value(1), table.fields.isEmpty else {
            throw call.typeError(1, expected: "list of nn modules")
        }
        let layers = try table.array.enumerated().map { index, value in
            guard case .object(let object) = value, let module = object as? Module else {
                throw call.argumentError(1, "item \(index + 1) is a \(value.typeName), expected an nn module")
            }
            return module
        }
        return push(call, Sequential(layers))
    }
}
