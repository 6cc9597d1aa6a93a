/// What maps images to embeddings for mining and one-shot tests: a network
/// run forward in evaluation mode (dropout off, batch-norm running
/// statistics), in batches, or the raw pixels in `[0, 1]` as a baseline.
///
/// ```lua
/// oneshot.runs(net, runs)        -- the network's embeddings
/// oneshot.runs("pixels", runs)   -- raw pixels
/// ```
public enum EmbeddingFunction {
    case network(Module, batchSize: Int = 128)
    case pixels

    /// `[n, d]` embeddings of `images` (`[n, C, H, W]`, UInt8) at `positions`.
    /// The network's training mode is restored afterwards; Ctrl-C stops
    /// between batches.
    public func embed(_ images: Tensor<UInt8>, at positions: [Int]) throws -> Tensor<Float> {
        switch self {
        case .pixels:
            let x = try BatchIterator.floatImages(images, positions[...])
            return try x.reshaped([positions.count, x.count / Swift.max(positions.count, 1)])
        case .network(let module, let batchSize):
            let wasTraining = module.isTraining
            if wasTraining { module.setTraining(false) }
            defer { if wasTraining { module.setTraining(true) } }
            var parts: [Tensor<Float>] = []
            for start in stride(from: 0, to: positions.count, by: batchSize) {
                try Interruption.check()
                let chunk = positions[start..<Swift.min(start + batchSize, positions.count)]
                let output = try module.forward(BatchIterator.floatImages(images, chunk))
                parts.append(try output.reshaped([chunk.count, output.count / chunk.count]))
            }
            guard !parts.isEmpty else { throw LunetError("embeddings: no images to embed") }
            return parts.count == 1 ? parts[0] : try Tensor.concatenate(parts, dimension: 0)
        }
    }

    /// Embeddings of every image of `images`.
    public func embedAll(_ images: Tensor<UInt8>) throws -> Tensor<Float> {
        try embed(images, at: Array(0..<images.shape[0]))
    }
}
