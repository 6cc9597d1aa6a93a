/// Mining caches under MPI: each rank embeds its contiguous share of the
/// images and the shares are all-gathered, so a refresh costs each rank
/// 1/size of a full pass and every rank ends with the same `[n, d]` embeddings.
extension EmbeddingFunction {
    /// `embedAll(images)` computed in shards across `communicator`'s ranks.
    public func embedAll(_ images: Tensor<UInt8>, across communicator: Communicator) throws -> Tensor<Float> {
        guard communicator.size > 1 else { return try embedAll(images) }
        let count = images.shape[0]
        guard count >= communicator.size else {
            throw LunetError("embeddings: \(count) images cannot be shared among \(communicator.size) ranks")
        }
        let mine = BatchShard(globalCount: count, communicator: communicator)
        let local = try embed(images, at: Array(mine.range))
        let width = local.count / mine.count
        let counts = (0..<communicator.size).map { BatchShard(globalCount: count, rank: $0, size: communicator.size).count * width }
        let rows = try local.withUnsafeBufferPointer { try communicator.allGather($0, counts: counts) }
        return try Tensor(shape: [count, width], scalars: rows)
    }
}
