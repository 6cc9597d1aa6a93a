/// Which items of a global batch one rank computes. `batch` stays the global
/// batch size (as in Keras' distribution strategies): every rank walks the same
/// seeded order and takes a contiguous slice of each batch, so the same script
/// trains the same model on any number of ranks.
///
/// The slices are balanced: rank r of n takes `[count*r/n, count*(r+1)/n)`, so
/// sizes differ by at most one; with fewer items than ranks some slices are empty.
///
/// ```lua
/// local first, n = dist.shard(100)   -- on rank 2 of 4: 26, 25
/// ```
public struct BatchShard: Equatable, Sendable {
    /// Items of the whole batch, over all ranks.
    public let globalCount: Int
    /// This rank's slice, 0-based offsets into the batch.
    public let range: Range<Int>

    public init(globalCount: Int, rank: Int, size: Int) {
        precondition(size > 0 && (0..<size).contains(rank) && globalCount >= 0)
        self.globalCount = globalCount
        range = (globalCount * rank / size)..<(globalCount * (rank + 1) / size)
    }

    public init(globalCount: Int, communicator: Communicator) {
        self.init(globalCount: globalCount, rank: communicator.rank, size: communicator.size)
    }

    public var count: Int { range.count }
    public var isEmpty: Bool { range.isEmpty }

    /// This rank's share of the global mean: a mean over the slice times this
    /// weight, summed over ranks, is the mean over the whole batch.
    public var weight: Float { globalCount == 0 ? 0 : Float(count) / Float(globalCount) }
}
