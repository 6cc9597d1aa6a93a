import CLua
import Lunet

/// The recorded side of tensor operations: what an operation does on a
/// tensor recorded inside a Lua layer's or loss's forward (see `Recording`),
/// and the tensor methods that exist for layers (`sigmoid`, `softmax`, ...).
extension TensorBindings {
    /// Computes operations on constants (no tape records them).
    nonisolated(unsafe) static let plainTape = Tape()

    /// Runs `operation` on the tensor at 1 and pushes the result: recorded
    /// when that tensor is, plain otherwise.
    static func recordable(_ call: LuaCall, _ operation: (Tape, Variable) throws -> Variable) throws -> Int32 {
        if let tape = try Recording.tape(call, 1) {
            Recording.push(call, try operation(tape, try Recording.variable(call, 1, on: tape)), on: tape)
        } else {
            call.push(try operation(plainTape, Variable(try call.floatTensor(1))).value)
        }
        return 1
    }

    /// `a op b` on a running tape, with numbers on either side.
    static func recordedArithmetic(_ call: LuaCall, _ op: ArithmeticOperator, on tape: Tape) throws -> Int32 {
        let result: Variable
        if lua_type(call.L, 1) == LUA_TNUMBER {
            result = try tape.arithmetic(op, Recording.variable(call, 2, on: tape), scalar: Float(call.number(1)), scalarFirst: true)
        } else if lua_type(call.L, 2) == LUA_TNUMBER {
            result = try tape.arithmetic(op, Recording.variable(call, 1, on: tape), scalar: Float(call.number(2)))
        } else {
            result = try tape.arithmetic(op, Recording.variable(call, 1, on: tape), Recording.variable(call, 2, on: tape))
        }
        Recording.push(call, result, on: tape)
        return 1
    }

    /// `x:sum()` and the others on a running tape: a whole reduction is a
    /// rank-0 tensor (not a number), so the gradient flows through it.
    static func recordedReduction(_ call: LuaCall, _ kind: Tape.Reduction, on tape: Tape) throws -> Int32 {
        let x = try Recording.variable(call, 1, on: tape)
        if call.isNoneOrNil(2) {
            Recording.push(call, try tape.reduce(kind, x), on: tape)
        } else {
            Recording.push(call, try tape.reduce(kind, x, dimension: try call.dimension(2, rank: x.shape.count)), on: tape)
        }
        return 1
    }

    /// `tensor.cat` / `tensor.stack` on a running tape.
    static func recordedJoin(_ call: LuaCall, dimension: Bool, on tape: Tape) throws -> Int32 {
        let list = try Recording.variables(call, 1, on: tape)
        let result = dimension ? try tape.cat(list, dimension: try call.dimension(2, rank: list[0].shape.count)) : try tape.stack(list)
        Recording.push(call, result, on: tape)
        return 1
    }

    /// Methods that a layer's forward needs and plain tensors get too.
    static let layerMethods: [LuaFunction] = [
        LuaFunction("sigmoid", "x:sigmoid()", "Element-wise 1 / (1 + e^-x).") { call in
            try recordable(call) { try $0.sigmoid($1) }
        },
        LuaFunction("tanh", "x:tanh()", "Element-wise hyperbolic tangent.") { call in
            try recordable(call) { try $0.tanh($1) }
        },
        LuaFunction("relu", "x:relu()", "Element-wise max(x, 0).") { call in
            try recordable(call) { try $0.relu($1) }
        },
        LuaFunction("softmax", "x:softmax(dim)", "Softmax along dimension dim (stable).") { call in
            let dim = try call.dimension(2, rank: try call.tensor(1).shape.count)
            return try recordable(call) { try $0.softmax($1, dimension: dim) }
        },
        LuaFunction("logSoftmax", "x:logSoftmax(dim)", "log(softmax(x)) along dimension dim, stable.") { call in
            let dim = try call.dimension(2, rank: try call.tensor(1).shape.count)
            return try recordable(call) { try $0.logSoftmax($1, dimension: dim) }
        },
    ]
}
