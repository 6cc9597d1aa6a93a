import CLua
import LuaShim
import Lunet

/// Methods and operators of tensors (`x:sum()`, `a + b`).
extension TensorBindings {
    /// Lua's 1-based multi-index arguments from `first` to `last`, 0-based.
    static func position(_ call: LuaCall, from first: Int32, to last: Int32) throws -> [Int] {
        guard first <= last else { return [] }
        return try (first...last).map { try call.zeroBasedIndex($0) }
    }

    /// One operand of an arithmetic operator: a Float32 tensor or a number.
    enum Operand {
        case tensor(Tensor<Float>)
        case scalar(Float)
    }

    static func operand(_ call: LuaCall, _ index: Int32) throws -> Operand {
        if lua_type(call.L, index) == LUA_TNUMBER { return .scalar(Float(try call.number(index))) }
        return .tensor(try call.floatTensor(index))
    }

    static func arithmetic(_ name: String, _ symbol: String, _ op: ArithmeticOperator,
                           _ tt: @escaping @Sendable (Tensor<Float>, Tensor<Float>) throws -> Tensor<Float>,
                           _ ts: @escaping @Sendable (Tensor<Float>, Float) throws -> Tensor<Float>,
                           _ st: @escaping @Sendable (Float, Tensor<Float>) throws -> Tensor<Float>) -> LuaFunction {
        LuaFunction(name, "a \(symbol) b", "Element-wise \(symbol) of Float32 tensors (NumPy broadcasting) or a tensor and a number.") { call in
            if let tape = try Recording.tape(call, 1, 2) { return try recordedArithmetic(call, op, on: tape) }
            switch (try operand(call, 1), try operand(call, 2)) {
            case (.tensor(let a), .tensor(let b)): call.push(try tt(a, b))
            case (.tensor(let a), .scalar(let s)): call.push(try ts(a, s))
            case (.scalar(let s), .tensor(let b)): call.push(try st(s, b))
            case (.scalar, .scalar): throw LunetError("\(symbol): expected a tensor operand")
            }
            return 1
        }
    }

    static func unary(_ name: String, _ doc: String, recorded: @escaping @Sendable (Tape, Variable) throws -> Variable,
                      _ body: @escaping @Sendable (Tensor<Float>) throws -> Tensor<Float>) -> LuaFunction {
        LuaFunction(name, "x:\(name)()", doc) { call in
            if let tape = try Recording.tape(call, 1) {
                Recording.push(call, try recorded(tape, try Recording.variable(call, 1, on: tape)), on: tape)
                return 1
            }
            call.push(try body(try call.floatTensor(1)))
            return 1
        }
    }

    /// `x:sum()` -> number; `x:sum(dim)` -> tensor without that dimension.
    static func reduction(_ name: String, _ doc: String,
                          all: @escaping @Sendable (AnyTensor) throws -> Double,
                          along: @escaping @Sendable (AnyTensor, Int) throws -> AnyTensor) -> LuaFunction {
        LuaFunction(name, "x:\(name)([dim])", doc) { call in
            if let kind = Tape.Reduction(rawValue: name), let tape = try Recording.tape(call, 1) {
                return try recordedReduction(call, kind, on: tape)
            }
            let t = try call.tensor(1)
            if call.isNoneOrNil(2) {
                let value = try all(t)
                // Positions and integer tensors' values are Lua integers.
                if name == "argmax" || t.typeName != Float.typeName, name != "mean" {
                    call.push(Int(value))
                } else {
                    call.push(value)
                }
            } else {
                call.push(try along(t, try call.dimension(2, rank: t.shape.count)))
            }
            return 1
        }
    }

    static func requireFloat(_ t: AnyTensor, _ name: String) throws -> Tensor<Float> {
        guard case .float(let f) = t else { throw LunetError("\(name): expected a Float32 tensor, got \(t.summary)") }
        return f
    }

    static let methods = LuaLibrary(.type(metatable: LuaTypeName.tensor), doc: "An n-dimensional array; indices are 1-based.",
                                    functions: infoMethods + reductionMethods + mathMethods + layerMethods + shapeMethods + valueMethods,
                                    metamethods: operators)

    static let infoMethods: [LuaFunction] = [
        LuaFunction("shape", "x:shape()", "The sizes as a Lua table.") { call in
            call.push(list: try call.tensor(1).shape)
            return 1
        },
        LuaFunction("size", "x:size([dim])", "The size of dimension dim, or all sizes as a table.") { call in
            let shape = try call.tensor(1).shape
            if call.isNoneOrNil(2) { call.push(list: shape) } else { call.push(shape[try call.dimension(2, rank: shape.count)]) }
            return 1
        },
        LuaFunction("dim", "x:dim()", "The number of dimensions.") { call in
            call.push(try call.tensor(1).shape.count)
            return 1
        },
        LuaFunction("numel", "x:numel()", "The number of elements.") { call in
            call.push(try call.tensor(1).count)
            return 1
        },
        LuaFunction("type", "x:type()", "The element type: 'Float32', 'UInt8' or 'Int32'.") { call in
            call.push(try call.tensor(1).typeName)
            return 1
        },
    ]

    static let reductionMethods: [LuaFunction] = [
        reduction("sum", "Sum of all elements (a number), or along dimension dim (Float32 only).",
                  all: { t in t.sum() }, along: { t, d in AnyTensor.float(try requireFloat(t, "sum").sum(dimension: d)) }),
        reduction("mean", "Mean of all elements (a number), or along dimension dim (Float32 only).",
                  all: { t in guard t.count > 0 else { throw LunetError("mean: \(t.summary) is empty") }; return t.sum() / Double(t.count) },
                  along: { t, d in AnyTensor.float(try requireFloat(t, "mean").mean(dimension: d)) }),
        reduction("max", "Largest element (a number), or the largest along dimension dim.",
                  all: { t in try t.max() }, along: { t, d in try t.max(dimension: d) }),
        reduction("min", "Smallest element (a number), or the smallest along dimension dim.",
                  all: { t in try t.min() }, along: { t, d in try t.min(dimension: d) }),
        reduction("argmax", "1-based position of the largest element (flat), or an Int32 tensor of positions along dim.",
                  all: { t in Double(try t.argmax() + 1) }, along: { t, d in AnyTensor.int(try t.argmax(dimension: d).mapped { $0 + 1 }) }),
    ]

    static let mathMethods: [LuaFunction] = [
        unary("abs", "Element-wise absolute value.", recorded: { try $0.abs($1) }) { (t: Tensor<Float>) in try t.abs() },
        unary("exp", "Element-wise e^x.", recorded: { try $0.exp($1) }) { (t: Tensor<Float>) in try t.exp() },
        unary("log", "Element-wise natural logarithm.", recorded: { try $0.log($1) }) { (t: Tensor<Float>) in try t.log() },
        unary("sqrt", "Element-wise square root.", recorded: { try $0.sqrt($1) }) { (t: Tensor<Float>) in try t.sqrt() },
        unary("normalize", "Each row of a matrix scaled to unit L2 norm.", recorded: { try $0.normalize($1) }) { (t: Tensor<Float>) in try t.rowNormalized() },
        unary("t", "The transpose of a matrix.", recorded: { try $0.transpose($1) }) { (t: Tensor<Float>) in try t.transposed() },
        LuaFunction("pow", "x:pow(p)", "Element-wise x^p.") { call in
            if let tape = try Recording.tape(call, 1) {
                let p = Float(try call.number(2))
                return try recordable(call) { try tape.pow($1, p) }
            }
            call.push(try call.floatTensor(1).pow(Float(try call.number(2))))
            return 1
        },
        LuaFunction("clamp", "x:clamp(low, high)", "Limits elements to [low, high]; either bound may be nil.") { call in
            if let tape = try Recording.tape(call, 1) {
                let low = try call.optionalNumber(2).map { Float($0) }, high = try call.optionalNumber(3).map { Float($0) }
                return try recordable(call) { try tape.clamp($1, low: low, high: high) }
            }
            call.push(try call.floatTensor(1).clamped(low: try call.optionalNumber(2).map { Float($0) },
                                                      high: try call.optionalNumber(3).map { Float($0) }))
            return 1
        },
        LuaFunction("matmul", "a:matmul(b)", "Matrix product through OpenBLAS sgemm.") { call in
            if let tape = try Recording.tape(call, 1, 2) {
                Recording.push(call, try tape.matmul(Recording.variable(call, 1, on: tape), Recording.variable(call, 2, on: tape)), on: tape)
                return 1
            }
            call.push(try call.floatTensor(1).matmul(try call.floatTensor(2)))
            return 1
        },
    ]

    static let shapeMethods: [LuaFunction] = [
        LuaFunction("reshape", "x:reshape(shape)", "The same elements in another shape (one size may be -1); a new tensor, so writing to it leaves x as it was.") { call in
            let t = try call.tensor(1)
            let shape: [Int]
            if lua_type(call.L, 2) == LUA_TTABLE, case .table(let table) = try call.value(2) {
                shape = try table.array.map { guard let n = $0.integerValue else { throw call.argumentError(2, "shape must be integers, got \(call.describe($0))") }; return n }
            } else {
                shape = try (2...max(2, call.argumentCount)).map { try call.integer($0) }
            }
            if let tape = try Recording.tape(call, 1) { return try recordable(call) { try tape.reshape($1, shape) } }
            call.push(try t.reshaped(shape))
            return 1
        },
        LuaFunction("narrow", "x:narrow(dim, start, length)", "length entries of dimension dim from 1-based start (a copy).") { call in
            let t = try call.tensor(1)
            let dim = try call.dimension(2, rank: t.shape.count)
            let start = try call.zeroBasedIndex(3), length = try call.integer(4)
            if let tape = try Recording.tape(call, 1) { return try recordable(call) { try tape.narrow($1, dimension: dim, start: start, length: length) } }
            call.push(try t.narrowed(dimension: dim, start: start, length: length))
            return 1
        },
        LuaFunction("index", "x:index(indices[, dim])", "Entries of dimension dim (default 1) at 1-based indices (Int32 tensor or table), in that order.") { call in
            let t = try call.tensor(1)
            let indices = try call.indices(2)
            let dim = call.isNoneOrNil(3) ? 0 : try call.dimension(3, rank: t.shape.count)
            if let tape = try Recording.tape(call, 1) { return try recordable(call) { try tape.index($1, indices, dimension: dim) } }
            call.push(try t.selecting(indices, dimension: dim))
            return 1
        },
        LuaFunction("x:topk", declaration: TensorDeclarations.topk, leading: ["k"]) { call in
            try Recording.refuse(call, "topk", 1)
            let t = try call.floatTensor(1)
            let options = try call.options(3, declaredBy: TensorDeclarations.topk)
            let (values, indices) = try t.topk(try call.integer(2), largest: options.bool("largest"))
            call.push(values)
            call.push(try indices.mapped { $0 + 1 })
            return 2
        },
        LuaFunction("x:sort", declaration: TensorDeclarations.sort) { call in
            try Recording.refuse(call, "sort", 1)
            let t = try call.floatTensor(1)
            let options = try call.options(2, declaredBy: TensorDeclarations.sort)
            let (values, indices) = try t.sorted(descending: options.bool("descending"))
            call.push(values)
            call.push(try indices.mapped { $0 + 1 })
            return 2
        },
    ]

    static let valueMethods: [LuaFunction] = [
        LuaFunction("get", "x:get(i, ...)", "The element at 1-based indices i, ... (one per dimension); fewer indices give a sub-tensor.") { call in
            let t = try call.tensor(1)
            let index = try position(call, from: 2, to: call.argumentCount)
            if index.count == t.shape.count {
                let value = try t.value(at: index)
                if case .float = t { call.push(value) } else { call.push(Int(value)) }
            } else if index.count < t.shape.count, !index.isEmpty {
                var sub = t
                for (d, i) in index.enumerated() {
                    guard i >= 0, i < sub.shape[0] else {
                        throw LunetError("get: index \(i + 1) out of range for dimension \(d + 1) of size \(sub.shape[0])")
                    }
                    sub = try sub.narrowed(dimension: 0, start: i, length: 1).reshaped(Array(sub.shape.dropFirst()))
                }
                call.push(sub)
            } else {
                let takes = t.shape.isEmpty ? "no index (x:get() reads its value)" : t.shape.count == 1 ? "1 index" : "1 to \(t.shape.count) indices"
                throw LunetError("get: \(t.summary) takes \(takes), got \(index.count)")
            }
            return 1
        },
        LuaFunction("set", "x:set(i, ..., value)", "Sets the element at 1-based indices i, ... to value, in place; returns x.") { call in
            try Recording.refuse(call, "set (an in-place change)", 1)
            let box = try call.tensorBox(1)
            let last = call.argumentCount
            let value = try call.number(last)
            try box.tensor.setValue(value, at: try position(call, from: 2, to: last - 1))
            lua_pushvalue(call.L, 1)
            return 1
        },
        LuaFunction("fill", "x:fill(value)", "Sets every element to value, in place; returns x.") { call in
            try Recording.refuse(call, "fill (an in-place change)", 1)
            let box = try call.tensorBox(1)
            let value = try call.number(2)
            box.tensor = try TensorBindings.filledLike(box.tensor, value)
            lua_pushvalue(call.L, 1)
            return 1
        },
        LuaFunction("totable", "x:totable()", "The elements as nested Lua tables (a number for a rank-0 tensor).") { call in
            let t = try call.tensor(1)
            try call.reserveStack(2 * t.shape.count + 2)
            pushNested(call, t.doubles, shape: t.shape, integral: { if case .float = t { return false }; return true }())
            return 1
        },
        LuaFunction("x:float", declaration: TensorDeclarations.float) { call in
            let t = try call.tensor(1)
            let scale = try call.options(2, declaredBy: TensorDeclarations.float).bool("scale")
            if case .byte(let b) = t { call.push(try b.float(scaled: scale)) } else { call.push(try t.asFloat()) }
            return 1
        },
        LuaFunction("x:byte", declaration: TensorDeclarations.byte) { call in
            let t = try call.tensor(1)
            let scale = try call.options(2, declaredBy: TensorDeclarations.byte).bool("scale")
            if case .float(let f) = t { call.push(try f.byte(scaled: scale)) } else { call.push(try t.asByte()) }
            return 1
        },
        LuaFunction("int", "x:int()", "An Int32 copy (truncated toward zero).") { call in
            call.push(try call.tensor(1).asInt())
            return 1
        },
        LuaFunction("clone", "x:clone()", "An independent copy.") { call in
            if let tape = try Recording.tape(call, 1) { return try recordable(call) { tape.identity($1) } }
            call.push(try call.tensor(1).cloned())
            return 1
        },
        LuaFunction("equal", "x:equal(y)", "True when x and y have the same type, shape and elements.") { call in
            let a = try call.tensor(1), b = try call.tensor(2)
            call.push(a.typeName == b.typeName && a.shape == b.shape && a.doubles == b.doubles)
            return 1
        },
        LuaFunction("save", "x:save(path)", "Writes x as a NumPy .npy file, atomically.") { call in
            try NumpyFile.save(try call.tensor(1), to: try call.path(2))
            return 0
        },
    ]

    static let operators: [LuaFunction] = [
        arithmetic("__add", "+", .add, { a, b in try a + b }, { a, s in try a + s }, { s, b in try s + b }),
        arithmetic("__sub", "-", .subtract, { a, b in try a - b }, { a, s in try a - s }, { s, b in try s - b }),
        arithmetic("__mul", "*", .multiply, { a, b in try a * b }, { a, s in try a * s }, { s, b in try s * b }),
        arithmetic("__div", "/", .divide, { a, b in try a / b }, { a, s in try a / s }, { s, b in try s / b }),
        LuaFunction("__unm", "-x", "Element-wise negation.") { call in
            if let tape = try Recording.tape(call, 1) { return try recordable(call) { try tape.negate($1) } }
            call.push(try -(try call.floatTensor(1)))
            return 1
        },
        LuaFunction("__len", "#x", "The size of the first dimension.") { call in
            call.push(try call.tensor(1).shape.first ?? 0)
            return 1
        },
        LuaFunction("__tostring", "tostring(x)", "The values (of a large tensor the first and last rows and columns, with ...), then the type and shape line.") { call in
            call.push(try call.tensor(1).displayText)
            return 1
        },
    ]

    static func filledLike(_ t: AnyTensor, _ value: Double) throws -> AnyTensor {
        switch t {
        case .float(let f): .float(try Tensor(shape: f.shape, repeating: Float(value)))
        case .byte(let b): .byte(try Tensor(shape: b.shape, repeating: UInt8(converting: value)))
        case .int(let i): .int(try Tensor(shape: i.shape, repeating: Int32(converting: value)))
        }
    }

    /// Pushes row-major `values` of `shape` as nested tables.
    static func pushNested(_ call: LuaCall, _ values: [Double], shape: [Int], integral: Bool) {
        func push(_ value: Double) { integral ? call.push(Int(value)) : call.push(value) }
        guard let size = shape.first else { push(values.first ?? 0); return }
        let inner = shape.dropFirst().reduce(1, *)
        lua_createtable(call.L, Int32(size), 0)
        for i in 0..<size {
            if shape.count == 1 {
                push(values[i])
            } else {
                pushNested(call, Array(values[i * inner..<(i + 1) * inner]), shape: Array(shape.dropFirst()), integral: integral)
            }
            lua_rawseti(call.L, -2, lua_Integer(i + 1))
        }
    }
}
