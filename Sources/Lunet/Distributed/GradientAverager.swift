import Dispatch
import Foundation

/// Data-parallel training's one exchange: after each rank's backward over its
/// slice of the batch, every parameter gradient becomes the gradient of the
/// mean loss over the whole global batch, identical on every rank, so every
/// rank's optimizer takes the same step.
///
/// Gradients go in buckets, in the order backward completes them (the last
/// layers first): small ones packed into buckets of about `bucketBytes`
/// (PyTorch DDP's 25 MB), so a network of many small layers makes few calls;
/// one larger than a bucket reduced in place, without a copy. Each bucket is
/// one in-place `MPI_Allreduce` (sum). Where MPI allows calls from another
/// thread, a bucket's all-reduce starts as soon as backward reports its
/// layers done (`gradientsReady(of:)`), on a thread of its own, while backward
/// goes on through the layers before: the fully connected layers' gradients,
/// most of the bytes, travel while the convolutions' backward runs.
///
/// ```swift
/// let averager = GradientAverager(parameters: net.parameters, communicator: Distributed.world)
/// try averager.broadcastState(of: net)        // once, before training
/// // per step, overlapped with backward:
/// try averager.begin(shard: shard)
/// net.onLayerGradients = { averager.gradientsReady(of: $0) }
/// try net.accumulateParameterGradients(x, dy)
/// try averager.finish()                       // or `average(shard:)` after backward
/// try optimizer.step()
/// ```
///
/// `@unchecked Sendable`: the reducing thread reads the gradients of buckets
/// backward has finished and nothing else; the caller's thread touches the
/// bookkeeping, and `finish` waits for every reduction before returning.
public final class GradientAverager: @unchecked Sendable {
    public let parameters: [Parameter]
    public let communicator: Communicator
    /// Parameter index ranges reduced together, in the order they are reduced.
    public let buckets: [Range<Int>]
    /// Whether reductions may start during backward; `false` reduces every
    /// bucket in `finish`, after backward (the benchmark compares the two).
    public var overlapsBackward = true
    /// Seconds the reductions of the last average took, packing included.
    public private(set) var lastSeconds = 0.0
    /// Of those, the seconds `finish` waited after backward ended: what overlap did not hide.
    public private(set) var lastWaitSeconds = 0.0

    private let counts: [Int]
    private let inPlaceThreshold: Int
    /// One packing buffer per packed bucket (nil for one reduced in place): several may be in flight.
    private let packed: [UnsafeMutableBufferPointer<Float>?]
    private let parameterIndex: [ObjectIdentifier: Int]
    private let queue = DispatchQueue(label: "lunet.gradient-average")
    private let pending = DispatchGroup()
    private let failureLock = NSLock()
    // The average under way: set by `begin`, read by the reducing thread.
    private var active = false, threaded = false
    private var ready: [Bool] = []
    private var nextBucket = 0
    private var factors: (before: Float, after: Float) = (1, 1)
    private var busySeconds = 0.0
    private var failure: Error?

    public static let defaultBucketBytes = 25 << 20

    public init(parameters: [Parameter], communicator: Communicator, bucketBytes: Int = defaultBucketBytes) {
        self.parameters = parameters
        self.communicator = communicator
        let threshold = max(1, bucketBytes / MemoryLayout<Float>.stride)
        let counts = parameters.map(\.gradient.count), n = counts.count
        let buckets = Self.buckets(counts: counts.reversed(), capacity: threshold).map { (n - $0.upperBound)..<(n - $0.lowerBound) }
        inPlaceThreshold = threshold
        self.counts = counts
        self.buckets = buckets
        packed = buckets.map { bucket in
            if bucket.count == 1 && counts[bucket.lowerBound] >= threshold { return nil }
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: counts[bucket].reduce(0, +))
            buffer.initialize(repeating: 0)
            return buffer
        }
        parameterIndex = Dictionary(parameters.enumerated().map { (ObjectIdentifier($1), $0) }, uniquingKeysWith: { first, _ in first })
    }

    deinit {
        pending.wait()
        for buffer in packed { buffer?.deallocate() }
    }

    /// Consecutive parameters grouped while their total stays under `capacity`;
    /// a parameter of `capacity` or more values is a bucket of its own.
    static func buckets(counts: [Int], capacity: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0, total = 0
        for (index, count) in counts.enumerated() {
            if index > start && (total + count > capacity || count >= capacity) {
                result.append(start..<index)
                start = index
                total = 0
            }
            total += count
        }
        if start < counts.count { result.append(start..<counts.count) }
        return result
    }

    /// Averages the gradients over ranks, each rank weighted by its share of the
    /// global batch (`shard.weight`): the result is the gradient of the mean loss
    /// over all `shard.globalCount` items. A rank with an empty slice must still
    /// call this (with zeroed gradients): every rank takes part in each reduction.
    public func average(shard: BatchShard) throws {
        try begin(shard: shard)
        try finish()
    }

    /// Starts an average whose buckets backward hands over as it completes them.
    public func begin(shard: BatchShard) throws {
        guard communicator.size > 1 else { return }
        pending.wait()
        for (parameter, count) in zip(parameters, counts) where parameter.gradient.count != count {
            throw LunetError("gradient averaging: '\(parameter.name)' has \(parameter.gradient.count) values, \(count) when training began")
        }
        // Equal slices: sum, then divide by the rank count; else weight before summing.
        let equal = shard.count * communicator.size == shard.globalCount
        factors = equal ? (1, 1 / Float(communicator.size)) : (shard.weight, 1)
        threaded = overlapsBackward && communicator.callableFromOtherThreads
        ready = [Bool](repeating: false, count: parameters.count)
        nextBucket = 0
        busySeconds = 0
        failure = nil
        active = true
    }

    /// Backward has computed every gradient of `module`: the buckets now
    /// complete, in order, start reducing on the averaging thread.
    public func gradientsReady(of module: Module) {
        guard active, threaded else { return }
        for parameter in module.parameters {
            if let index = parameterIndex[ObjectIdentifier(parameter)] { ready[index] = true }
        }
        while nextBucket < buckets.count, buckets[nextBucket].allSatisfy({ ready[$0] }) {
            queue.async(group: pending) { [nextBucket] in self.reduce(nextBucket) }
            nextBucket += 1
        }
    }

    /// Waits for the buckets under way, then reduces the rest here, in order
    /// (one MPI call at a time, as the serialized thread level requires).
    public func finish() throws {
        guard active else { return }
        active = false
        let backwardEnd = Date()
        pending.wait()
        for bucket in nextBucket..<buckets.count { reduce(bucket) }
        lastWaitSeconds = Date().timeIntervalSince(backwardEnd)
        lastSeconds = busySeconds
        if let failure { throw failure }
    }

    /// After a failed backward: waits for the reductions under way, starts no other.
    public func cancel() {
        active = false
        pending.wait()
    }

    private func reduce(_ index: Int) {
        let began = Date()
        let bucket = buckets[index]
        do {
            if let buffer = packed[index] {
                try reducePacked(bucket, buffer)
            } else {
                try reduceInPlace(parameters[bucket.lowerBound])
            }
        } catch {
            failureLock.withLock { if failure == nil { failure = error } }
        }
        busySeconds += Date().timeIntervalSince(began)
    }

    private func reduceInPlace(_ parameter: Parameter) throws {
        try parameter.gradient.withUnsafeMutableBufferPointer { gradient in
            Self.scale(gradient, by: factors.before)
            try communicator.allReduce(gradient, .sum)
            Self.scale(gradient, by: factors.after)
        }
    }

    private func reducePacked(_ bucket: Range<Int>, _ packed: UnsafeMutableBufferPointer<Float>) throws {
        var offset = 0
        for index in bucket {
            parameters[index].gradient.withUnsafeBufferPointer { gradient in
                for i in gradient.indices { packed[offset + i] = gradient[i] * factors.before }
                offset += gradient.count
            }
        }
        try communicator.allReduce(UnsafeMutableBufferPointer(rebasing: packed[0..<offset]), .sum)
        offset = 0
        for index in bucket {
            parameters[index].gradient.withUnsafeMutableBufferPointer { gradient in
                for i in gradient.indices { gradient[i] = packed[offset + i] * factors.after }
                offset += gradient.count
            }
        }
    }

    /// A plain loop, not `cblas_sscal`: on the averaging thread, OpenBLAS would
    /// wait for the lock of its thread pool, held by backward's products.
    private static func scale(_ buffer: UnsafeMutableBufferPointer<Float>, by factor: Float) {
        guard factor != 1, let base = buffer.baseAddress else { return }
        for i in 0..<buffer.count { base[i] *= factor }
    }
}
