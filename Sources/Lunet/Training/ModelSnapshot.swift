/// A copy of a model's parameters and buffers (batch-norm statistics), to
/// go back to: early stopping's best epoch.
public struct ModelSnapshot {
    private let parameters: [Tensor<Float>]
    private let buffers: [(name: String, value: Tensor<Float>)]

    public init(of model: Module) {
        parameters = model.parameters.map { Tensor(shape: $0.value.shape, storage: $0.value.storage.copy()) }
        buffers = model.namedBuffers.map { ($0.0, Tensor(shape: $0.1.shape, storage: $0.1.storage.copy())) }
    }

    /// Writes the saved values back. Parameters are overwritten in place, so
    /// optimizers and Lua views of them see the restored weights.
    public func restore(into model: Module) throws {
        let current = model.parameters
        guard current.count == parameters.count, zip(current, parameters).allSatisfy({ $0.value.shape == $1.shape }) else {
            throw LunetError("\(subject: model.subject): its parameters changed since the snapshot was taken")
        }
        for (parameter, saved) in zip(current, parameters) {
            parameter.value.storage.pointer.update(from: saved.storage.pointer, count: saved.count)
        }
        for (name, value) in buffers {
            try model.setNamedBuffer(name, Tensor(shape: value.shape, storage: value.storage.copy()))
        }
    }
}
