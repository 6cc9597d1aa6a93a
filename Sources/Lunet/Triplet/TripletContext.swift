import Foundation

/// What a sampler sees at one step: the dataset with its images grouped by
/// class, a seeded generator, the step number, and the current embeddings
/// (evaluation-mode forward of the network, each image computed at most once
/// per step however many times it is asked for).
///
/// ```lua
/// triplet.sampler(function(ctx, n)   -- ctx.labels, ctx:indicesOf(c), ctx:embed(i), ctx.random, ctx.step
/// ```
public final class TripletContext {
    public let dataset: Dataset
    /// 0-based positions of each class's images, ascending.
    public let members: [[Int]]
    /// Classes with at least two images (the ones an anchor can come from).
    public let anchorClasses: [Int]
    public var random: RandomGenerator
    /// 1-based number of the step being drawn.
    public var step = 1
    let embedding: EmbeddingFunction?
    /// The ranks that share mining caches (`DataParallel`); one process by default.
    public var communicator: Communicator = SingleProcessCommunicator()
    /// Rows computed this step, by dataset position, each `width` floats.
    private var memo: [Int: Int] = [:]
    private var memoRows: [Float] = []
    private var width = 0
    /// Distinct images embedded this step (what mining cost in forward passes).
    public private(set) var embeddedThisStep = 0

    public init(dataset: Dataset, embedding: EmbeddingFunction?, seed: UInt64) throws {
        self.dataset = dataset
        self.embedding = embedding
        random = RandomGenerator(seed: seed)
        let members = dataset.indicesByClass
        self.members = members
        anchorClasses = members.indices.filter { members[$0].count >= 2 }
        guard !anchorClasses.isEmpty, members.filter({ !$0.isEmpty }).count >= 2 else {
            throw LunetError("triplets need a class with two images and another class with an image, got \(dataset.summary)")
        }
    }

    /// Starts step `step`: forgets the embeddings of the previous one.
    public func begin(step: Int) {
        self.step = step
        memo.removeAll(keepingCapacity: true)
        memoRows.removeAll(keepingCapacity: true)
        embeddedThisStep = 0
    }

    /// `[positions.count, d]` embeddings; the images not yet embedded this step
    /// go through the network together, in one batched pass.
    public func embed(_ positions: [Int]) throws -> Tensor<Float> {
        guard let embedding else { throw LunetError("this sampler was given no network to embed images with") }
        for i in positions where i < 0 || i >= dataset.count {
            throw LunetError("embed: image \(position: i) out of range for a dataset of \(dataset.count) images")
        }
        var missing: [Int] = []
        var seen = Set<Int>()
        for i in positions where memo[i] == nil && seen.insert(i).inserted { missing.append(i) }
        if !missing.isEmpty {
            let fresh = try embedding.embed(dataset.images, at: missing)
            if memo.isEmpty { width = fresh.shape[1] }
            fresh.withUnsafeBufferPointer { rows in
                for (k, i) in missing.enumerated() {
                    memo[i] = memo.count
                    memoRows.append(contentsOf: rows[k * width..<(k + 1) * width])
                }
            }
            embeddedThisStep += missing.count
        }
        return try memoRows.withUnsafeBufferPointer { rows in
            try Tensor<Float>(unsafeUninitializedShape: [positions.count, width]) { out in
                for (k, i) in positions.enumerated() {
                    let from = memo[i]! * width
                    for j in 0..<width { out[k * width + j] = rows[from + j] }
                }
            }
        }
    }

    /// Counts images embedded outside `embed` (a refreshed cache).
    func noteEmbedded(_ count: Int) { embeddedThisStep += count }

    /// One anchor class, two different images of it, another class: the
    /// first draws of the spec's 2.3a and 2.3b.
    public func drawAnchorPositiveAndNegativeClass() -> (anchor: Int, positive: Int, negativeClass: Int) {
        let anchorClass = anchorClasses[random.nextInt(below: anchorClasses.count)]
        let images = members[anchorClass]
        let a = random.nextInt(below: images.count)
        var p = random.nextInt(below: images.count - 1)
        if p >= a { p += 1 }
        var negativeClass: Int
        repeat {
            negativeClass = random.nextInt(below: members.count)
        } while negativeClass == anchorClass || members[negativeClass].isEmpty
        return (images[a], images[p], negativeClass)
    }
}
