/// What a training loop does differently on several ranks, in one object the
/// loop calls at four points, so `train.fit` and `triplet.fit` stay
/// single-process code:
///
/// 1. `init` copies the main rank's parameters and buffers to every rank;
/// 2. `shard(_:)` gives this rank's slice of each global batch (`batch` stays global);
/// 3. `backward(_:_:shard:)` for backward with the gradient average, or
///    `afterBackward(_:)` after a backward of the caller's, before the optimizer step;
/// 4. `mean(_:count:)` for the step's or epoch's metrics, so every rank reports
///    the same numbers, and `synchronizeBuffers()` before evaluating or saving.
///
/// Only the main rank (`isMain`) prints and writes files.
///
/// ```swift
/// let parallel = try DataParallel.make(for: net, enabled: nil)  // nil: on when mpirun started > 1 rank
/// let shard = parallel?.shard(batch.count)
/// // forward/backward over shard.range of the batch
/// try parallel?.afterBackward(shard!)
/// try optimizer.step()
/// ```
public final class DataParallel {
    public let module: Module
    public let communicator: Communicator
    public let averager: GradientAverager

    public init(module: Module, communicator: Communicator) throws {
        self.module = module
        self.communicator = communicator
        averager = GradientAverager(parameters: module.parameters, communicator: communicator)
        averager.overlapsBackward = Distributed.overlapsGradientAverage()
        try averager.broadcastState(of: module)
    }

    /// The loops' `distributed` option: `true` or `false` forces it; `nil`
    /// (the default) turns it on when the job has more than one rank. Returns nil
    /// when training runs on this process alone.
    public static func make(for module: Module, enabled: Bool?, communicator: Communicator = Distributed.world) throws -> DataParallel? {
        guard enabled ?? (communicator.size > 1) else { return nil }
        return try DataParallel(module: module, communicator: communicator)
    }

    public var isMain: Bool { communicator.isMain }
    public var rank: Int { communicator.rank }
    public var size: Int { communicator.size }

    public func shard(_ globalCount: Int) -> BatchShard {
        BatchShard(globalCount: globalCount, communicator: communicator)
    }

    /// After backward over `shard`: every rank's gradients become those of the
    /// whole batch, and every rank takes the main rank's batch-norm running
    /// statistics (PyTorch DDP's `broadcast_buffers`; a few KB), so evaluation,
    /// mining and saved models agree on every rank.
    public func afterBackward(_ shard: BatchShard) throws {
        try averager.average(shard: shard)
        try synchronizeBuffers()
    }

    /// Backward over this rank's slice (the parameter gradients only), each
    /// bucket of gradients averaged over ranks as soon as backward has
    /// completed it, while backward goes on, then `afterBackward`'s buffers:
    /// the same gradients, sooner. Without a `Sequential` at the top the whole
    /// average follows backward.
    public func backward(_ input: Tensor<Float>, _ gradient: Tensor<Float>, shard: BatchShard) throws {
        try averager.begin(shard: shard)
        let sequential = module as? Sequential
        sequential?.onLayerGradients = { [averager] in averager.gradientsReady(of: $0) }
        defer { sequential?.onLayerGradients = nil }
        do {
            try module.accumulateParameterGradients(input, gradient)
        } catch {
            averager.cancel()
            throw error
        }
        try averager.finish()
        try synchronizeBuffers()
    }

    /// Every rank needs at least one item of each global batch.
    public func checkBatch(_ batch: Int, owner: String) throws {
        guard batch >= size else {
            throw LunetError("\(owner): a batch of \(batch) cannot be shared among \(size) ranks; use a batch of at least \(size)")
        }
    }

    /// Each rank's own seeded stream (for samplers and shuffles local to a
    /// rank): the main rank keeps `seed`, so one rank reproduces a plain run.
    public static func seed(_ seed: UInt64, for parallel: DataParallel?) -> UInt64 {
        seed &+ UInt64(parallel?.rank ?? 0) &* 0x9E37_79B9_7F4A_7C15
    }

    /// Metrics measured as means over this rank's `count` items, as means over all ranks' items.
    public func mean(_ values: [Double], count: Int) throws -> [Double] {
        try communicator.weightedMean(values, count: count)
    }

    /// The main rank's batch-norm running statistics on every rank.
    public func synchronizeBuffers() throws {
        try GradientAverager.broadcastBuffers(of: module, communicator: communicator)
    }
}
