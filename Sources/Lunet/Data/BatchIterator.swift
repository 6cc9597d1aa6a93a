/// Walks a dataset in batches, converting each batch's bytes to Float32 in
/// `[0, 1]` only when it is asked for, so the dataset itself stays UInt8.
///
/// ```lua
/// for x, y in ds:batches(100, {shuffle = true, seed = 1}) do
///   -- x: Float32 [100, C, H, W] in [0, 1]; y: Int32 [100], 1-based
/// end
/// ```
public final class BatchIterator {
    public let dataset: Dataset
    public let batchSize: Int
    /// Image positions in visiting order.
    public let order: [Int]
    public let dropLast: Bool
    public private(set) var position = 0

    public init(_ dataset: Dataset, batchSize: Int, shuffle: Bool = false, generator: inout RandomGenerator,
                dropLast: Bool = false) throws {
        guard batchSize >= 1 else { throw LunetError("batches: batch size must be positive, got \(batchSize)") }
        self.dataset = dataset
        self.batchSize = batchSize
        self.dropLast = dropLast
        order = shuffle ? Dataset.permutation(dataset.count, generator: &generator) : Array(0..<dataset.count)
    }

    /// Batches the iteration yields in all.
    public var batchCount: Int {
        order.count / batchSize + (dropLast || order.count % batchSize == 0 ? 0 : 1)
    }

    /// The next `(x, y)`: `x` `[B, C, H, W]` Float32 in `[0, 1]`, `y` `[B]` 0-based
    /// labels; nil at the end.
    public func next() throws -> (images: Tensor<Float>, labels: Tensor<Int32>)? {
        let size = min(batchSize, order.count - position)
        guard size > 0, !(dropLast && size < batchSize) else { return nil }
        try Interruption.check()
        let chosen = order[position..<position + size]
        position += size
        return (try BatchIterator.floatImages(dataset.images, chosen), try BatchIterator.labels(dataset.labels, chosen))
    }

    /// The images at `indices`, scaled by 1/255, as `[B, C, H, W]`.
    static func floatImages(_ images: Tensor<UInt8>, _ indices: ArraySlice<Int>) throws -> Tensor<Float> {
        let itemSize = images.shape.dropFirst().reduce(1, *)
        let scale: Float = 1 / 255
        return try images.withUnsafeBufferPointer { src in
            try Tensor<Float>(unsafeUninitializedShape: [indices.count] + images.shape.dropFirst()) { dst in
                var out = dst.baseAddress!
                for i in indices {
                    let from = src.baseAddress! + i * itemSize
                    for k in 0..<itemSize { out[k] = Float(from[k]) * scale }
                    out += itemSize
                }
            }
        }
    }

    static func labels(_ labels: Tensor<Int32>, _ indices: ArraySlice<Int>) throws -> Tensor<Int32> {
        try labels.withUnsafeBufferPointer { src in
            try Tensor<Int32>(unsafeUninitializedShape: [indices.count]) { dst in
                for (k, i) in indices.enumerated() { dst[k] = src[i] }
            }
        }
    }
}
