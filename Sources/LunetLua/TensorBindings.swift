import CLua
import LuaShim
import Lunet

/// `tensor.*`: creating, combining and loading tensors.
enum TensorBindings {
    static let dtypes = TensorDeclarations.dtypes

    /// What `help(tensor)` says; model files add to the same table.
    static let moduleDoc = "n-dimensional arrays (Float32, UInt8, Int32)."

    /// Builds a tensor of the dtype named in `options` from a Float32 recipe.
    static func make(_ options: OptionValues, _ build: (String) throws -> AnyTensor) throws -> AnyTensor {
        try build(try options.string("dtype"))
    }

    static func filled(_ call: LuaCall, _ declaration: Declaration, value: (LuaCall) throws -> Double) throws -> Int32 {
        let shape = try call.shape(1)
        let sizesEnd: Int32 = lua_type(call.L, 1) == LUA_TTABLE ? 1 : Int32(shape.count)
        let v = try value(call)
        let valueCount: Int32 = declaration.name == TensorDeclarations.full.name ? 1 : 0
        let options = try call.options(try optionsIndex(call, after: sizesEnd + valueCount), declaredBy: declaration)
        call.push(try make(options) { dtype in
            switch dtype {
            case "uint8": .byte(try Tensor<UInt8>(shape: shape, repeating: UInt8(converting: v)))
            case "int32": .int(try Tensor<Int32>(shape: shape, repeating: Int32(converting: v)))
            default: .float(try Tensor<Float>(shape: shape, repeating: Float(v)))
            }
        })
        return 1
    }

    /// The options table's position: right after the sizes (and value). Anything
    /// further is a mistake, such as a nil among the sizes, so it is an error.
    static func optionsIndex(_ call: LuaCall, after last: Int32) throws -> Int32 {
        guard call.argumentCount <= last + 1 else {
            throw call.argumentError(last + 1, "sizes and an options table expected, got \(call.typeName(at: last + 1)) followed by more arguments")
        }
        return last + 1
    }

    static func random(_ call: LuaCall, _ declaration: Declaration) throws -> Int32 {
        let shape = try call.shape(1)
        let sizesEnd: Int32 = lua_type(call.L, 1) == LUA_TTABLE ? 1 : Int32(shape.count)
        let options = try call.options(try optionsIndex(call, after: sizesEnd), declaredBy: declaration)
        var generator = try options.seed().map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
        if declaration.name == TensorDeclarations.randn.name {
            call.push(try Tensor<Float>.randn(shape, mean: options.float("mean"), std: options.float("std"), generator: &generator))
        } else {
            call.push(try Tensor<Float>.rand(shape, low: options.float("low"), high: options.float("high"), generator: &generator))
        }
        return 1
    }

    static let module = LuaLibrary(.module("tensor"), doc: moduleDoc, functions: [
        LuaFunction("tensor.zeros", declaration: TensorDeclarations.zeros, leading: ["shape"]) { call in
            try filled(call, TensorDeclarations.zeros) { _ in 0 }
        },
        LuaFunction("tensor.ones", declaration: TensorDeclarations.ones, leading: ["shape"]) { call in
            try filled(call, TensorDeclarations.ones) { _ in 1 }
        },
        LuaFunction("tensor.full", declaration: TensorDeclarations.full, leading: ["shape", "value"]) { call in
            try call.table(1)
            return try filled(call, TensorDeclarations.full) { try $0.number(2) }
        },
        LuaFunction("tensor.rand", declaration: TensorDeclarations.rand, leading: ["shape"]) { call in
            try random(call, TensorDeclarations.rand)
        },
        LuaFunction("tensor.randn", declaration: TensorDeclarations.randn, leading: ["shape"]) { call in
            try random(call, TensorDeclarations.randn)
        },
        LuaFunction("tensor.arange", declaration: TensorDeclarations.arange, leading: ["n"]) { call in
            let n = try call.integer(1)
            let options = try call.options(2, declaredBy: TensorDeclarations.arange)
            call.push(try make(options) { dtype in
                switch dtype {
                case "uint8": .byte(try .arange(n))
                case "int32": .int(try .arange(n))
                default: .float(try .arange(n))
                }
            })
            return 1
        },
        LuaFunction("tensor.from", declaration: TensorDeclarations.from, leading: ["table"]) { call in
            let (shape, values) = try nestedValues(call.value(1), index: 1, call: call)
            let options = try call.options(2, declaredBy: TensorDeclarations.from)
            call.push(try make(options) { dtype in
                switch dtype {
                case "uint8": .byte(try Tensor(shape: shape, scalars: values.map { UInt8(converting: $0) }))
                case "int32": .int(try Tensor(shape: shape, scalars: values.map { Int32(converting: $0) }))
                default: .float(try Tensor(shape: shape, scalars: values.map { Float($0) }))
                }
            })
            return 1
        },
        LuaFunction("cat", "tensor.cat(list, dim)", "Joins a list of tensors of one type along dimension dim (sizes elsewhere must agree).") { call in
            if let tape = try Recording.tape(call, list: 1) { return try recordedJoin(call, dimension: true, on: tape) }
            let list = try tensorList(call, 1)
            let dim = try call.dimension(2, rank: list[0].shape.count)
            call.push(try joined(list, dimension: dim, "cat"))
            return 1
        },
        LuaFunction("stack", "tensor.stack(list)", "Stacks equal-shaped tensors along a new first dimension.") { call in
            if let tape = try Recording.tape(call, list: 1) { return try recordedJoin(call, dimension: false, on: tape) }
            let list = try tensorList(call, 1)
            call.push(try joined(list, dimension: nil, "stack"))
            return 1
        },
        LuaFunction("load", "tensor.load(path)", "Reads a NumPy .npy file (float32, uint8 or int32, C order).") { call in
            call.push(try NumpyFile.load(try call.path(1)))
            return 1
        },
        LuaFunction("save", "tensor.save(x, path)", "Writes x as a NumPy .npy file, atomically.") { call in
            try NumpyFile.save(try call.tensor(1), to: try call.path(2))
            return 0
        },
        LuaFunction("manualSeed", "tensor.manualSeed(n)", "Seeds the global random stream (used when no seed option is given).") { call in
            GlobalRandom.seed(UInt64(bitPattern: Int64(try call.integer(1))))
            return 0
        },
        LuaFunction("isTensor", "tensor.isTensor(x)", "True when x is a lunet tensor.") { call in
            call.push(call.boxedObject(at: 1) is TensorBox)
            return 1
        },
    ])

    /// The shape and flat values of nested number tables, checked to be rectangular.
    static func nestedValues(_ value: LuaValue, index: Int32, call: LuaCall) throws -> ([Int], [Double]) {
        switch value {
        case .integer, .number:
            return ([], [value.doubleValue!])
        case .table(let table) where table.fields.isEmpty:
            let parts = try table.array.map { try nestedValues($0, index: index, call: call) }
            guard let first = parts.first else { return ([0], []) }
            for part in parts where part.0 != first.0 {
                throw call.argumentError(index, "nested tables are not rectangular: \(formatShape(first.0)) and \(formatShape(part.0))")
            }
            return ([parts.count] + first.0, parts.flatMap(\.1))
        default:
            throw call.argumentError(index, "numbers or nested tables of numbers expected, got \(value.typeName)")
        }
    }

    static func tensorList(_ call: LuaCall, _ index: Int32) throws -> [AnyTensor] {
        guard case .table(let table) = try call.value(index), table.fields.isEmpty, !table.array.isEmpty else {
            throw call.typeError(index, expected: "non-empty list of tensors")
        }
        return try table.array.map {
            guard case .tensor(let t) = $0 else {
                throw call.argumentError(index, "list of tensors expected, found a \($0.typeName)")
            }
            return t
        }
    }

    /// Concatenates along `dim`, or stacks when `dim` is nil; all tensors must have the first one's type.
    static func joined(_ list: [AnyTensor], dimension dim: Int?, _ name: String) throws -> AnyTensor {
        func join<E>(_ tensors: [Tensor<E>]) throws -> Tensor<E> {
            try dim.map { try Tensor.concatenate(tensors, dimension: $0) } ?? Tensor.stack(tensors)
        }
        func mismatch(_ t: AnyTensor) -> LunetError {
            LunetError("\(name): all tensors must have one type, got \(list[0].typeName) and \(t.typeName)")
        }
        switch list[0] {
        case .float:
            return .float(try join(list.map { guard case .float(let t) = $0 else { throw mismatch($0) }; return t }))
        case .byte:
            return .byte(try join(list.map { guard case .byte(let t) = $0 else { throw mismatch($0) }; return t }))
        case .int:
            return .int(try join(list.map { guard case .int(let t) = $0 else { throw mismatch($0) }; return t }))
        }
    }
}
