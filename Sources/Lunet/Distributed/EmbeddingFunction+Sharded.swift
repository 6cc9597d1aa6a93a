/// Embeddings under MPI (mining caches, validation): each rank embeds its
/// contiguous share of the images and the shares are all-gathered, so a pass
/// costs each rank 1/size of it and every rank ends with the same `[n, d]`.
extension EmbeddingFunction {
    /// `embedAll(images)` computed in shards across `communicator`'s ranks.
    public func embedAll(_ images: Tensor<UInt8>, across communicator: Communicator) throws -> Tensor<Float> {
        guard communicator.size > 1 else { return try embedAll(images) }
        return try embed(images, at: Array(0..<images.shape[0]), across: communicator)
    }

    /// `embed(images, at: positions)` computed in shards across `communicator`'s
    /// ranks (fewer images than ranks: every rank embeds them all).
    public func embed(_ images: Tensor<UInt8>, at positions: [Int], across communicator: Communicator) throws -> Tensor<Float> {
        let count = positions.count
        guard communicator.size > 1, count >= communicator.size else { return try embed(images, at: positions) }
        let mine = BatchShard(globalCount: count, communicator: communicator)
        let local = try embed(images, at: Array(positions[mine.range]))
        let width = local.count / mine.count
        let counts = (0..<communicator.size).map { BatchShard(globalCount: count, rank: $0, size: communicator.size).count * width }
        let rows = try local.withUnsafeBufferPointer { try communicator.allGather($0, counts: counts) }
        return try Tensor(shape: [count, width], scalars: rows)
    }
}
