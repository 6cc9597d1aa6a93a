import CLua
import LuaShim
import Lunet

/// A bad argument, reported in lauxlib's words by the trampoline:
/// `bad argument #1 to 'matmul' (Float32 tensor expected, got string)`.
public struct LuaArgumentError: Error {
    public let index: Int32
    public let message: String
}

/// One call from Lua into Swift: the one place that reads arguments, checks
/// them and pushes results. Stack indices are Lua's (1-based).
public struct LuaCall {
    public let L: OpaquePointer
    /// The thread (or coroutine) of the binding running now; set by the dispatch.
    nonisolated(unsafe) static var runningThread: OpaquePointer?
    /// The number of arguments when the binding was entered; values pushed
    /// since (results, callbacks' arguments) do not change it.
    public let argumentCount: Int32

    public init(_ L: OpaquePointer) {
        self.L = L
        argumentCount = lua_gettop(L)
    }

    public func type(at index: Int32) -> Int32 { lua_type(L, index) }

    public func isNoneOrNil(_ index: Int32) -> Bool { lua_type(L, index) <= LUA_TNIL }

    /// lauxlib's type name of a value; boxed objects say what they are.
    public func typeName(at index: Int32) -> String {
        let t = lua_type(L, index)
        if t == LUA_TNONE { return "no value" }
        if t == LUA_TUSERDATA, let object = boxedObject(at: index) {
            if let box = object as? TensorBox { return "\(box.tensor.typeName) tensor" }
            if let named = object as? LuaNamed { return named.luaTypeName }
        }
        return String(cString: lua_typename(L, t))
    }

    public func argumentError(_ index: Int32, _ message: String) -> LuaArgumentError {
        LuaArgumentError(index: index, message: message)
    }

    public func typeError(_ index: Int32, expected: String) -> LuaArgumentError {
        argumentError(index, "\(expected) expected, got \(typeName(at: index))")
    }

    /// Makes room for `slots` more values above the current top. A C function
    /// is promised 20 slots in all, not 20 more at every depth of a recursive
    /// walk, so this always asks Lua. Fails (without raising) when Lua cannot
    /// grow the stack.
    public func reserveStack(_ slots: Int) throws {
        guard slots < 1_000_000, lua_checkstack(L, Int32(slots)) != 0 else {
            throw LunetError("too many values for Lua's stack (\(slots))")
        }
    }

    // MARK: Scalars

    public func number(_ index: Int32) throws -> Double {
        var isNumber: Int32 = 0
        let value = lua_tonumberx(L, index, &isNumber)
        guard isNumber != 0, lua_type(L, index) == LUA_TNUMBER else { throw typeError(index, expected: "number") }
        return value
    }

    public func integer(_ index: Int32) throws -> Int {
        guard lua_type(L, index) == LUA_TNUMBER else { throw typeError(index, expected: "number") }
        var isInteger: Int32 = 0
        let value = lua_tointegerx(L, index, &isInteger)
        guard isInteger != 0 else { throw argumentError(index, "number has no integer representation") }
        return Int(value)
    }

    public func string(_ index: Int32) throws -> String {
        guard lua_type(L, index) == LUA_TSTRING else { throw typeError(index, expected: "string") }
        var length = 0
        let pointer = lunet_tostring(L, index, &length)!
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    public func boolean(_ index: Int32) throws -> Bool {
        guard lua_type(L, index) == LUA_TBOOLEAN else { throw typeError(index, expected: "boolean") }
        return lua_toboolean(L, index) != 0
    }

    public func optionalNumber(_ index: Int32) throws -> Double? { isNoneOrNil(index) ? nil : try number(index) }
    public func optionalInteger(_ index: Int32) throws -> Int? { isNoneOrNil(index) ? nil : try integer(index) }
    public func optionalString(_ index: Int32) throws -> String? { isNoneOrNil(index) ? nil : try string(index) }

    /// A positive integer: a size, a count, a 1-based position.
    public func positiveInteger(_ index: Int32) throws -> Int {
        let value = try integer(index)
        guard value >= 1 else { throw argumentError(index, "positive integer expected, got \(value)") }
        return value
    }

    /// A 1-based position from Lua, returned 0-based. `math.mininteger` wraps
    /// to `Int.max`, out of every range like itself; messages show the user's
    /// integer through `oneBased`, and the engine checks indices against
    /// sizes before any arithmetic on them.
    public func zeroBasedIndex(_ index: Int32) throws -> Int {
        Self.zeroBased(try integer(index))
    }

    static func zeroBased(_ value: Int) -> Int {
        value &- 1
    }

    /// A 1-based dimension of a tensor of `rank`, returned 0-based.
    public func dimension(_ index: Int32, rank: Int) throws -> Int {
        let value = try integer(index)
        guard value >= 1, value <= rank else {
            if rank == 0 { throw argumentError(index, "a scalar tensor (0 dimensions) has no dimension \(value)") }
            throw argumentError(index, "dimension \(value) out of range for a tensor with \(rank) dimension\(rank == 1 ? "" : "s")")
        }
        return value - 1
    }

    public func table(_ index: Int32) throws {
        guard lua_type(L, index) == LUA_TTABLE else { throw typeError(index, expected: "table") }
    }

    /// A shape given as a table `{2, 3}` or as the remaining integer arguments `2, 3`.
    public func shape(_ index: Int32, name: String = "shape") throws -> [Int] {
        if lua_type(L, index) == LUA_TTABLE {
            let value = try LuaValue.read(self, at: index)
            guard case .table(let table) = value, table.fields.isEmpty else {
                throw argumentError(index, "\(name) must be a list of sizes")
            }
            return try table.array.enumerated().map { position, value in
                guard let n = value.integerValue, n >= 0 else {
                    throw argumentError(index, "\(name) must be a list of non-negative integers, got \(describe(value)) at position \(position + 1)")
                }
                return n
            }
        }
        guard lua_type(L, index) == LUA_TNUMBER else { throw typeError(index, expected: "table of sizes") }
        var shape: [Int] = []
        var i = index
        while i <= argumentCount, lua_type(L, i) == LUA_TNUMBER {
            let n = try integer(i)
            guard n >= 0 else { throw argumentError(i, "sizes must be non-negative, got \(n)") }
            shape.append(n)
            i += 1
        }
        return shape
    }

    // MARK: Values

    /// A plain value for a message: `2.5`, `-1`, `'a'`, or its type name.
    public func describe(_ value: LuaValue) -> String {
        switch value {
        case .integer(let i): "\(i)"
        case .number(let d): ConfigurationValue.numberText(d)
        case .string(let s): "'\(s)'"
        default: value.typeName
        }
    }

    /// Any value, copied into Swift (tables recursively).
    public func value(_ index: Int32) throws -> LuaValue {
        try LuaValue.read(self, at: index)
    }
}
