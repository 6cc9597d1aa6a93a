import CLua
import Lunet

/// Where tensor bindings meet the engine's `Tape`: while the forward of a
/// layer or loss written in Lua runs, an operation on a tensor recorded on
/// its tape is recorded too. `depth` counts the forwards running, so outside
/// them an operation pays one integer comparison and takes its old path.
enum Recording {
    /// Recorded forwards now running (nested modules count each).
    nonisolated(unsafe) static var depth = 0

    /// Runs `body` as a recorded forward.
    static func during<T>(_ body: () throws -> T) rethrows -> T {
        depth += 1
        defer { depth -= 1 }
        return try body()
    }

    /// The tape an operation on the arguments at `indices` records on: nil
    /// when none of them is a tensor recorded by a forward still running.
    static func tape(_ call: LuaCall, _ indices: Int32...) throws -> Tape? {
        guard depth > 0 else { return nil }
        var found: Tape?
        for index in indices {
            guard let box = call.boxedObject(at: index) as? TensorBox, let tape = box.tape, tape.isRecording else { continue }
            if let other = found, other !== tape { throw mixedTapes }
            found = tape
        }
        return found
    }

    static let mixedTapes = LunetError("a tensor recorded by another layer's forward is used here: each nn.Module and nn.Loss records only its own operations (pass the tensor as the layer's input)")

    /// The thread of the binding running now (set by the dispatch), on
    /// which a layer written in Lua runs `function`; when Swift calls it with
    /// no Lua running (a benchmark), the main thread of its state.
    static func runningCall(for function: LuaReference) throws -> LuaCall {
        guard let L = LuaCall.runningThread ?? function.state.L else { throw LunetError("a layer written in Lua outlived its Lua state") }
        return LuaCall(L)
    }

    /// Refuses a tensor at `indices` recorded on a running tape: for the
    /// operations that have no gradient, which name themselves.
    static func refuse(_ call: LuaCall, _ operation: String, _ indices: Int32...) throws {
        guard depth > 0 else { return }
        for index in indices {
            if let box = call.boxedObject(at: index) as? TensorBox, box.tape?.isRecording == true {
                throw LunetError("\(operation) has no gradient: it cannot be used on a tensor recorded inside a Lua layer's or loss's forward")
            }
        }
    }

    /// The Float32 tensor at `index` as a variable of `tape` (a constant if
    /// it was not recorded there).
    static func variable(_ call: LuaCall, _ index: Int32, on tape: Tape) throws -> Variable {
        let box = try call.tensorBox(index)
        guard case .float(let value) = box.tensor else { throw call.typeError(index, expected: "Float32 tensor") }
        return box.tape === tape ? Variable(value, node: box.node) : Variable(value)
    }

    /// Pushes a variable as a tensor that remembers its node.
    static func push(_ call: LuaCall, _ value: Variable, on tape: Tape) {
        let box = TensorBox(.float(value.value))
        if let node = value.node {
            box.tape = tape
            box.node = node
        }
        call.pushObject(box, metatable: LuaTypeName.tensor, externalBytes: value.value.byteCount)
    }

    /// A list of tensors at `index` as variables of `tape`.
    static func variables(_ call: LuaCall, _ index: Int32, on tape: Tape) throws -> [Variable] {
        guard lua_type(call.L, index) == LUA_TTABLE else { throw call.typeError(index, expected: "non-empty list of tensors") }
        let count = Int(lua_rawlen(call.L, index))
        guard count > 0 else { throw call.typeError(index, expected: "non-empty list of tensors") }
        try call.reserveStack(2)
        return try (1...count).map { item in
            lua_rawgeti(call.L, index, lua_Integer(item))
            defer { lua_settop(call.L, -2) }
            return try variable(call, lua_gettop(call.L), on: tape)
        }
    }

    /// The first tape among a list's tensors (for `tensor.cat` and `tensor.stack`).
    static func tape(_ call: LuaCall, list index: Int32) throws -> Tape? {
        guard depth > 0, lua_type(call.L, index) == LUA_TTABLE else { return nil }
        let count = Int(lua_rawlen(call.L, index))
        guard count > 0 else { return nil }
        try call.reserveStack(2)
        var found: Tape?
        for item in 1...count {
            lua_rawgeti(call.L, index, lua_Integer(item))
            defer { lua_settop(call.L, -2) }
            if let tape = try tape(call, lua_gettop(call.L)) {
                if let other = found, other !== tape { throw mixedTapes }
                found = tape
            }
        }
        return found
    }
}
