extension GradientAverager {
    /// Copies the main rank's parameter values and buffers (batch-norm running
    /// statistics) to every rank, so ranks start from one model whatever their seeds.
    public func broadcastState(of module: Module, root: Int = 0) throws {
        for parameter in parameters {
            try communicator.broadcast(&parameter.value, root: root)
        }
        try Self.broadcastBuffers(of: module, communicator: communicator, root: root)
    }

    /// Each rank normalises with its own batch statistics and so moves its own
    /// running statistics; this copies the main rank's to every rank (what
    /// PyTorch DDP's `broadcast_buffers` does), before evaluating or saving.
    public static func broadcastBuffers(of module: Module, communicator: Communicator, root: Int = 0) throws {
        guard communicator.size > 1 else { return }
        for (name, value) in module.namedBuffers {
            var value = value
            try communicator.broadcast(&value, root: root)
            try module.setNamedBuffer(name, value)
        }
    }
}
