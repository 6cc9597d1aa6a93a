import CLua
import LuaShim
import Lunet

/// A dataset in a Lua userdata (metatable `lunet.Dataset`).
public final class DatasetBox: LuaNamed {
    public let dataset: Dataset
    public init(_ dataset: Dataset) { self.dataset = dataset }
    public var luaTypeName: String { "Dataset" }

    static let metatable = "lunet.Dataset"
}

extension LuaCall {
    /// Pushes a dataset, telling the collector the bytes its images hold.
    public func push(_ dataset: Dataset) {
        pushObject(DatasetBox(dataset), metatable: DatasetBox.metatable,
                   externalBytes: dataset.images.byteCount + dataset.labels.byteCount)
    }

    public func dataset(_ index: Int32) throws -> Dataset {
        try object(index, DatasetBox.self, expected: "Dataset").dataset
    }

    /// 0-based labels as Lua's 1-based Int32 tensor.
    func pushOneBased(_ labels: Tensor<Int32>) throws {
        push(try labels.withUnsafeBufferPointer { src in
            try Tensor<Int32>(unsafeUninitializedShape: labels.shape) { dst in
                for i in 0..<dst.count { dst[i] = src[i] + 1 }
            }
        })
    }
}
