import Lunet

/// A Lua value copied into Swift, for option tables and plain data. Functions
/// and userdata that are not lunet objects stay in Lua (`opaque`).
public indirect enum LuaValue {
    case `nil`
    case boolean(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case table(LuaTable)
    case tensor(AnyTensor)
    case object(AnyObject)
    /// A function, kept alive in the registry under this reference.
    case function(LuaReference)
    case opaque(String)

    /// Lua's type name, as lauxlib's messages use it (tensors say their type).
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table: "table"
        case .tensor(let t): "\(t.typeName) tensor"
        case .object(let o): (o as? LuaNamed)?.luaTypeName ?? "userdata"
        case .function: "function"
        case .opaque(let name): name
        }
    }

    /// The value as an integer: an integer, or a float with an exact integer
    /// value, as Lua 5.4's `lua_tointegerx` converts them (`2.0` and `4/2` are 2;
    /// `2.5` and `2^63` are not integers). Every binding reads integers through this.
    public var integerValue: Int? {
        switch self {
        case .integer(let i): i
        case .number(let d): Int(exactly: d)
        default: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }
}

extension LuaValue {
    /// Positions given 1-based, as an Int32 vector or a list of integers
    /// (`{3, 1, 2}`, `2.0` counting as 2), made 0-based: the one conversion of
    /// index lists. Nil when the value is neither; `notInteger(k, item)` is the
    /// caller's error for item k (1-based) of a list that is not an integer.
    func zeroBasedIndices(notInteger: (Int, LuaValue) -> Error) throws -> [Int]? {
        switch self {
        case .tensor(.int(let t)) where t.rank == 1:
            return t.scalars.map { Int($0) - 1 }  // Int32 widened: cannot overflow
        case .table(let table) where table.fields.isEmpty:
            return try table.array.enumerated().map { k, item in
                guard let i = item.integerValue else { throw notInteger(k + 1, item) }
                return LuaCall.zeroBased(i)
            }
        default:
            return nil
        }
    }
}

/// A Lua table's array part (1...n) and its string keys.
public struct LuaTable {
    public var array: [LuaValue] = []
    public var fields: [String: LuaValue] = [:]
    public init() {}
}

/// A Swift object boxed in Lua names its type for error messages.
public protocol LuaNamed: AnyObject {
    var luaTypeName: String { get }
}
