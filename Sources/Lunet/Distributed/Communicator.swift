/// How `allReduce` combines the ranks' values.
public enum ReduceOperation: String, CaseIterable, Sendable {
    case sum, mean, max
}

/// The ranks of one job and the collectives between them: MPI's
/// `MPI_COMM_WORLD` under `mpirun`, a single rank otherwise. Ranks are 0-based
/// here, as in MPI; the Lua bindings show them 1-based.
///
/// Every rank must make the same collective calls in the same order with the
/// same counts, or the job hangs (MPI's rule).
///
/// ```lua
/// local g = tensor.ones({3}) * dist.rank()
/// dist.allreduce(g, "mean")   -- every rank now holds the same mean
/// ```
public protocol Communicator: AnyObject {
    /// 0-based rank of this process.
    var rank: Int { get }
    /// Number of ranks in the job.
    var size: Int { get }
    /// Waits until every rank has called it.
    func barrier() throws
    /// Replaces `buffer` on every rank by the sum or maximum over ranks (`mean`
    /// is the sum divided by `size`).
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReduceOperation) throws
    /// Replaces `buffer` on every rank by its value on `root`.
    func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws
    /// Replaces `buffer`'s bytes on every rank by their value on `root`, exactly
    /// (a generator's state, flags): no arithmetic touches them.
    func broadcast(bytes buffer: UnsafeMutableRawBufferPointer, root: Int) throws
    /// Concatenates each rank's `local` in rank order; `counts[r]` is rank r's count.
    func allGather(_ local: UnsafeBufferPointer<Float>, counts: [Int]) throws -> [Float]
    /// Whether collectives may run on another thread than the caller's (one
    /// call at a time), as the gradient average overlapped with backward does.
    var callableFromOtherThreads: Bool { get }
}

extension Communicator {
    public var callableFromOtherThreads: Bool { false }

    /// Rank 0 prints, writes checkpoints and model files.
    public var isMain: Bool { rank == 0 }

    /// In place on every rank, for tensors of any shape (same shape on every rank).
    public func allReduce(_ tensor: inout Tensor<Float>, _ operation: ReduceOperation) throws {
        try tensor.withUnsafeMutableBufferPointer { try allReduce($0, operation) }
    }

    public func broadcast(_ tensor: inout Tensor<Float>, root: Int) throws {
        try checkRoot(root)
        try tensor.withUnsafeMutableBufferPointer { try broadcast($0, root: root) }
    }

    /// Sums scalars (losses times counts, correct predictions) over ranks in one call.
    public func sum(_ values: [Double]) throws -> [Double] {
        var values = values
        try values.withUnsafeMutableBufferPointer { try allReduce($0, .sum) }
        return values
    }

    /// The mean over all ranks' items of per-rank means `values` measured on
    /// `count` items each: `sum(mean_r * count_r) / sum(count_r)`, the value one
    /// rank would have measured on every item. NaN when no rank had items.
    public func weightedMean(_ values: [Double], count: Int) throws -> [Double] {
        let totals = try sum(values.map { count > 0 ? $0 * Double(count) : 0 } + [Double(count)])
        let total = totals[values.count]
        return totals.prefix(values.count).map { $0 / total }
    }

    func checkRoot(_ root: Int) throws {
        guard (0..<size).contains(root) else {
            throw LunetError("broadcast: root rank \(root) is not one of the \(size) ranks (0-based)")
        }
    }
}

/// The one-rank world of a process not started by `mpirun`: collectives are identities.
public final class SingleProcessCommunicator: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func barrier() throws {}
    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {}
    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReduceOperation) throws {}
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws { try checkRoot(root) }
    public func broadcast(bytes buffer: UnsafeMutableRawBufferPointer, root: Int) throws { try checkRoot(root) }
    public func allGather(_ local: UnsafeBufferPointer<Float>, counts: [Int]) throws -> [Float] { Array(local) }
}
