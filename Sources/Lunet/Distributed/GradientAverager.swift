import COpenBLAS
import Foundation

/// Data-parallel training's one exchange: after each rank's backward over its
/// slice of the batch, `average` replaces every parameter gradient by the
/// gradient of the mean loss over the whole global batch, identical on every
/// rank, so every rank's optimizer takes the same step.
///
/// Small gradients are packed into buckets of about `bucketBytes` (PyTorch
/// DDP's 25 MB) so a network of many small layers makes few calls; a gradient
/// larger than a bucket is reduced in place in its own storage, without a copy.
/// Each is one in-place `MPI_Allreduce` (sum). The bucket buffer is made once.
///
/// ```swift
/// let averager = GradientAverager(parameters: net.parameters, communicator: Distributed.world)
/// try averager.broadcastState(of: net)        // once, before training
/// // per step: forward/backward over shard.range, then
/// try averager.average(shard: shard)
/// try optimizer.step()
/// ```
public final class GradientAverager {
    public let parameters: [Parameter]
    public let communicator: Communicator
    /// Parameter index ranges packed together; a range of one large parameter is reduced in place.
    public let buckets: [Range<Int>]
    /// Seconds spent in the last `average` call (packing, reduction, unpacking).
    public private(set) var lastSeconds = 0.0
    private var packed: [Float]
    private let inPlaceThreshold: Int
    /// Gradient sizes when made: every rank reduces these counts, and the buffer holds them.
    private let counts: [Int]

    public static let defaultBucketBytes = 25 << 20

    public init(parameters: [Parameter], communicator: Communicator, bucketBytes: Int = defaultBucketBytes) {
        self.parameters = parameters
        self.communicator = communicator
        let threshold = max(1, bucketBytes / MemoryLayout<Float>.stride)
        let counts = parameters.map(\.gradient.count)
        let buckets = Self.buckets(counts: counts, capacity: threshold)
        let largestPacked = buckets.map { bucket in
            bucket.count == 1 && counts[bucket.lowerBound] >= threshold ? 0 : counts[bucket].reduce(0, +)
        }.max() ?? 0
        inPlaceThreshold = threshold
        self.counts = counts
        self.buckets = buckets
        packed = [Float](repeating: 0, count: largestPacked)
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
        guard communicator.size > 1 else { return }
        for (parameter, count) in zip(parameters, counts) where parameter.gradient.count != count {
            throw LunetError("gradient averaging: '\(parameter.name)' has \(parameter.gradient.count) values, \(count) when training began")
        }
        let start = Date()
        // Equal slices: sum, then divide by the rank count; else weight before summing.
        let equal = shard.count * communicator.size == shard.globalCount
        let before: Float = equal ? 1 : shard.weight
        let after: Float = equal ? 1 / Float(communicator.size) : 1
        for bucket in buckets {
            if bucket.count == 1 && parameters[bucket.lowerBound].gradient.count >= inPlaceThreshold {
                try reduceInPlace(parameters[bucket.lowerBound], before: before, after: after)
            } else {
                try reducePacked(bucket, before: before, after: after)
            }
        }
        lastSeconds = Date().timeIntervalSince(start)
    }

    private func reduceInPlace(_ parameter: Parameter, before: Float, after: Float) throws {
        try parameter.gradient.withUnsafeMutableBufferPointer { gradient in
            Self.scale(gradient, by: before)
            try communicator.allReduce(gradient, .sum)
            Self.scale(gradient, by: after)
        }
    }

    private func reducePacked(_ bucket: Range<Int>, before: Float, after: Float) throws {
        try packed.withUnsafeMutableBufferPointer { packed in
            var offset = 0
            for index in bucket {
                parameters[index].gradient.withUnsafeBufferPointer { gradient in
                    for i in gradient.indices { packed[offset + i] = gradient[i] * before }
                    offset += gradient.count
                }
            }
            try communicator.allReduce(UnsafeMutableBufferPointer(rebasing: packed[0..<offset]), .sum)
            offset = 0
            for index in bucket {
                parameters[index].gradient.withUnsafeMutableBufferPointer { gradient in
                    for i in gradient.indices { gradient[i] = packed[offset + i] * after }
                    offset += gradient.count
                }
            }
        }
    }

    private static func scale(_ buffer: UnsafeMutableBufferPointer<Float>, by factor: Float) {
        guard factor != 1, let base = buffer.baseAddress else { return }
        cblas_sscal(Int32(buffer.count), factor, base, 1)
    }

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
