/// Triples of 0-based image positions into a dataset: what a sampler returns
/// and what one training step runs the network on (stacked as `[a; p; n]`).
///
/// ```lua
/// local a, p, n = triplet.random():sample(ds, net, 64)   -- three Int32 tensors, 1-based
/// ```
public struct TripletIndices: Equatable, Sendable {
    public var anchors: [Int]
    public var positives: [Int]
    public var negatives: [Int]

    public init(anchors: [Int] = [], positives: [Int] = [], negatives: [Int] = []) {
        self.anchors = anchors
        self.positives = positives
        self.negatives = negatives
    }

    public var count: Int { anchors.count }

    public mutating func append(anchor: Int, positive: Int, negative: Int) {
        anchors.append(anchor)
        positives.append(positive)
        negatives.append(negative)
    }

    /// The `3B` positions of the stacked batch `[a; p; n]`.
    public var stacked: [Int] { anchors + positives + negatives }

    /// Checks what every triplet must be: the three lists of one non-zero
    /// length, positions in range, anchor and positive two different images of
    /// one class, the negative of another class. The message names the first
    /// bad triplet.
    public func validate(against dataset: Dataset, owner: Subject) throws {
        guard anchors.count == positives.count, anchors.count == negatives.count else {
            throw LunetError("\(subject: owner): anchors, positives and negatives must have one length, got \(anchors.count), \(positives.count) and \(negatives.count)")
        }
        guard count > 0 else { throw LunetError("\(subject: owner): no triplets (empty anchors, positives and negatives)") }
        for t in 0..<count {
            let (a, p, n) = (anchors[t], positives[t], negatives[t])
            for (role, i) in [("anchor", a), ("positive", p), ("negative", n)] where i < 0 || i >= dataset.count {
                throw LunetError("\(subject: owner): triplet \(position: t): \(role) \(position: i) out of range for a dataset of \(dataset.count) images")
            }
            let (la, lp, ln) = (dataset.label(a), dataset.label(p), dataset.label(n))
            if a == p {
                throw LunetError("\(subject: owner): triplet \(position: t): anchor and positive are the same image (\(position: a))")
            }
            if la != lp {
                throw LunetError("\(subject: owner): triplet \(position: t): anchor \(position: a) (class \(position: la)) and positive \(position: p) (class \(position: lp)) are of different classes")
            }
            if ln == la {
                throw LunetError("\(subject: owner): triplet \(position: t): negative \(position: n) is of the anchor's class \(position: la)")
            }
        }
    }
}
