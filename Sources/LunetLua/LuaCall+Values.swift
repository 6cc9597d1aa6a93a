import CLua
import LuaShim
import Lunet

extension LuaValue {
    /// Copies the value at `index` into Swift. Tables are read raw (no
    /// metamethods) up to a nesting depth that catches cycles.
    static func read(_ call: LuaCall, at index: Int32, depth: Int = 0) throws -> LuaValue {
        let L = call.L
        switch lua_type(L, index) {
        case LUA_TNONE, LUA_TNIL: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            return lunet_isinteger(L, index) != 0 ? .integer(Int(lua_tointegerx(L, index, nil))) : .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING: return .string(try call.string(index))
        case LUA_TTABLE:
            guard depth < 16 else { throw LunetError("table is nested too deeply (or contains itself)") }
            try call.reserveStack(4)
            return .table(try readTable(call, at: index, depth: depth))
        case LUA_TFUNCTION:
            lua_pushvalue(L, index)
            return .function(LuaReference(popping: L))
        case LUA_TUSERDATA:
            if let box = call.boxedObject(at: index) {
                if let tensorBox = box as? TensorBox { return .tensor(tensorBox.tensor) }
                return .object(box)
            }
            return .opaque("userdata")
        default:
            return .opaque(call.typeName(at: index))
        }
    }

    private static func readTable(_ call: LuaCall, at index: Int32, depth: Int) throws -> LuaTable {
        let L = call.L
        let table = lua_absindex(L, index)
        var result = LuaTable()
        var numbered: [Int: LuaValue] = [:]
        lua_pushnil(L)
        while lua_next(L, table) != 0 {
            defer { lunet_pop(L, 1) }
            let value = try read(call, at: -1, depth: depth + 1)
            switch lua_type(L, -2) {
            case LUA_TSTRING:
                result.fields[try call.string(-2)] = value
            case LUA_TNUMBER where lunet_isinteger(L, -2) != 0:
                numbered[Int(lua_tointegerx(L, -2, nil))] = value
            default:
                lunet_pop(L, 1)  // the key; the deferred pop takes the value
                throw LunetError("table keys must be strings or integers")
            }
        }
        for i in 1...max(numbered.count, 1) where !numbered.isEmpty {
            guard let value = numbered[i] else {
                throw LunetError("table has a hole at position \(i) (expected a list 1..\(numbered.count))")
            }
            result.array.append(value)
        }
        return result
    }
}

extension LuaCall {
    // MARK: Pushing results

    public func pushNil() { lua_pushnil(L) }
    public func push(_ value: Bool) { lua_pushboolean(L, value ? 1 : 0) }
    public func push(_ value: Int) { lua_pushinteger(L, lua_Integer(value)) }
    public func push(_ value: Double) { lua_pushnumber(L, value) }
    public func push(_ value: Float) { lua_pushnumber(L, Double(value)) }
    public func push(_ value: String) { _ = value.withCString { lua_pushstring(L, $0) } }

    public func push(_ value: LuaValue) {
        switch value {
        case .nil, .opaque: pushNil()
        case .boolean(let b): push(b)
        case .integer(let i): push(i)
        case .number(let d): push(d)
        case .string(let s): push(s)
        case .tensor(let t): push(t)
        case .object: pushNil()
        case .function(let reference): reference.push(L)
        case .table(let table): push(table)
        }
    }

    public func push(_ table: LuaTable) {
        guard lua_checkstack(L, 3) != 0 else { pushNil(); return }  // nesting is bounded by LuaValue.read
        lua_createtable(L, Int32(table.array.count), Int32(table.fields.count))
        for (i, value) in table.array.enumerated() {
            push(value)
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
        for (key, value) in table.fields {
            push(key)
            push(value)
            lua_rawset(L, -3)
        }
    }

    /// A Lua sequence of `list`, each element pushed by `pushElement`
    /// (which must push exactly one value).
    public func push<Element>(list: [Element], _ pushElement: (Element) -> Void) {
        lua_createtable(L, Int32(list.count), 0)
        for (i, element) in list.enumerated() {
            pushElement(element)
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
    }

    /// A list of numbers as a Lua sequence.
    public func push(list: [Int]) {
        push(list: list) { push($0) }
    }

    public func push(list: [String]) {
        push(list: list) { push($0) }
    }

    /// Sets field `key` of the table at the top of the stack to the value that
    /// `pushValue` pushes.
    public func setField(_ key: String, _ pushValue: () -> Void) {
        push(key)
        pushValue()
        lua_rawset(L, -3)
    }
}
