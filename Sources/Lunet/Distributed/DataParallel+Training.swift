/// The calls the training loop (`Trainer`) makes when it runs data-parallel. Every one is a
/// collective: all ranks make them at the same points, so a decision taken
/// from local values (a NaN loss, a callback asking to stop) is taken by all.
extension DataParallel {
    /// The main rank's generator, exactly (its state's bytes, broadcast): every
    /// rank walks the order one process would, seeded or not.
    public func commonGenerator(_ generator: RandomGenerator) throws -> RandomGenerator {
        var common = generator
        try withUnsafeMutableBytes(of: &common) { try communicator.broadcast(bytes: $0, root: 0) }
        return common
    }

    /// This rank's rows `[shard]` of a global batch `x` `[batch, ...]` and its labels.
    public func slice(_ x: Tensor<Float>, _ y: Tensor<Int32>) throws -> (Tensor<Float>, Tensor<Int32>, BatchShard) {
        let shard = self.shard(x.shape[0])
        return (try x.narrowed(dimension: 0, start: shard.range.lowerBound, length: shard.count),
                try y.narrowed(dimension: 0, start: shard.range.lowerBound, length: shard.count), shard)
    }

    /// The batch's mean loss over every rank's rows (NaN on every rank when it is
    /// NaN on one), from this rank's mean over its `count` rows.
    public func batchLoss(_ loss: Float, count: Int) throws -> Float {
        Float(try mean([Double(loss)], count: count)[0])
    }

    /// True on every rank when `flag` is true on any (a callback asked to stop).
    public func anyRank(_ flag: Bool) throws -> Bool {
        try communicator.sum([flag ? 1 : 0])[0] > 0
    }

    /// Named means over this rank's `count` items, as means over all ranks' items.
    public func mean(_ values: [(name: String, value: Double)], count: Int) throws -> [(name: String, value: Double)] {
        zip(values.map(\.name), try mean(values.map(\.value), count: count)).map { ($0, $1) }
    }

    /// `evaluator` over `dataset`, each rank taking a contiguous share of it, the
    /// means reduced: the values one process gets on the whole set.
    public func evaluate(_ evaluator: Evaluator, _ model: Module, on dataset: Dataset, prefix: String) throws -> [(name: String, value: Double)] {
        guard dataset.count >= size else { return try evaluator.evaluate(model, on: dataset, prefix: prefix) }
        let share = shard(dataset.count)
        let local = try evaluator.evaluate(model, on: try dataset.subset(Array(share.range)), prefix: prefix)
        return try mean(local, count: share.count)
    }
}
