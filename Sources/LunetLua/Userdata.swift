import CLua
import LuaShim
import Lunet

/// A tensor in a Lua userdata. Mutable so in-place methods (`:set`) change
/// what every Lua reference sees, as in Torch.
public final class TensorBox {
    public var tensor: AnyTensor
    /// The tape this tensor was recorded on and its node there (inside the
    /// forward of a layer or loss written in Lua); nil for every other tensor.
    var tape: Tape?
    var node = 0

    /// Boxes alive now; tests use it to show that errors leak none. Boxes are
    /// only made on the thread that runs Lua.
    nonisolated(unsafe) public private(set) static var liveCount = 0

    public init(_ tensor: AnyTensor) {
        self.tensor = tensor
        TensorBox.liveCount += 1
    }

    deinit {
        TensorBox.liveCount -= 1
    }
}

/// Metatable names of the boxed types.
public enum LuaTypeName {
    public static let tensor = "lunet.Tensor"
}

extension LuaCall {
    /// Boxes `object` in a new userdata with the metatable registered under
    /// `metatable` and reports `externalBytes` to the collector.
    public func pushObject(_ object: AnyObject, metatable: String, externalBytes: Int = 0) {
        let slot = lua_newuserdatauv(L, MemoryLayout<UnsafeMutableRawPointer?>.size, 0)!
        slot.storeBytes(of: Unmanaged.passRetained(object).toOpaque(), as: UnsafeMutableRawPointer?.self)
        push(metatable)
        lua_rawget(L, lunet_registryindex())
        lua_setmetatable(L, -2)
        if externalBytes >= 1024 {
            lunet_gc_step(L, Int32(min(externalBytes / 1024, Int(Int32.max))))
        }
    }

    public func push(_ tensor: AnyTensor) {
        pushObject(TensorBox(tensor), metatable: LuaTypeName.tensor, externalBytes: tensor.byteCount)
    }

    public func push(_ tensor: Tensor<Float>) { push(.float(tensor)) }
    public func push(_ tensor: Tensor<UInt8>) { push(.byte(tensor)) }
    public func push(_ tensor: Tensor<Int32>) { push(.int(tensor)) }

    /// The object boxed at `index` if it is a lunet userdata still alive.
    public func boxedObject(at index: Int32) -> AnyObject? {
        guard let slot = boxSlot(at: index), let pointer = slot.load(as: UnsafeMutableRawPointer?.self) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The pointer slot of a userdata made by `pushObject`: one whose metatable
    /// is one of lunet's (by identity, in the registry) and whose size is a pointer's.
    private func boxSlot(at index: Int32) -> UnsafeMutableRawPointer? {
        guard lua_type(L, index) == LUA_TUSERDATA, lua_rawlen(L, index) == MemoryLayout<UnsafeMutableRawPointer?>.size,
              let slot = lua_touserdata(L, index), lua_getmetatable(L, index) != 0 else { return nil }
        push(LuaInstaller.metatablesKey)
        lua_rawget(L, lunet_registryindex())
        lunet_insert(L, -2)
        let isLunet = lua_type(L, -2) == LUA_TTABLE && lua_rawget(L, -2) == LUA_TBOOLEAN
        lunet_pop(L, 2)
        return isLunet ? slot : nil
    }

    /// The object at `index` as `T`, or an argument error naming `expected`.
    public func object<T: AnyObject>(_ index: Int32, _ type: T.Type, expected: String) throws -> T {
        guard let object = boxedObject(at: index) as? T else { throw typeError(index, expected: expected) }
        return object
    }

    /// Releases the box at `index`; a second call finds the slot empty.
    func releaseBox(at index: Int32) {
        guard let slot = boxSlot(at: index), let pointer = slot.load(as: UnsafeMutableRawPointer?.self) else { return }
        slot.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        Unmanaged<AnyObject>.fromOpaque(pointer).release()
    }

    // MARK: Tensors

    public func tensorBox(_ index: Int32) throws -> TensorBox {
        try object(index, TensorBox.self, expected: "tensor")
    }

    public func tensor(_ index: Int32) throws -> AnyTensor { try tensorBox(index).tensor }

    public func floatTensor(_ index: Int32) throws -> Tensor<Float> {
        guard case .float(let t)? = (boxedObject(at: index) as? TensorBox)?.tensor else {
            throw typeError(index, expected: "Float32 tensor")
        }
        return t
    }

    public func byteTensor(_ index: Int32) throws -> Tensor<UInt8> {
        guard case .byte(let t)? = (boxedObject(at: index) as? TensorBox)?.tensor else {
            throw typeError(index, expected: "UInt8 tensor")
        }
        return t
    }

    public func intTensor(_ index: Int32) throws -> Tensor<Int32> {
        guard case .int(let t)? = (boxedObject(at: index) as? TensorBox)?.tensor else {
            throw typeError(index, expected: "Int32 tensor")
        }
        return t
    }

    /// 1-based positions from Lua, as an Int32 tensor or a table of integers,
    /// returned 0-based.
    public func indices(_ index: Int32, name: String = "indices") throws -> [Int] {
        let value = try value(index)
        if let list = try value.zeroBasedIndices(notInteger: { _, item in argumentError(index, "\(name) must be integers, got \(describe(item))") }) {
            return list
        }
        if case .tensor = value { throw typeError(index, expected: "Int32 tensor of rank 1 or table of indices") }
        throw typeError(index, expected: "table of indices")
    }
}
