/// Distances from each drawn anchor to every image of its negative class,
/// from one embedding pass over the anchors (and positives) and the union of
/// the negative classes. The anchors are grouped by negative class and each
/// group is compared with its class's images through one sgemm, so memory is
/// linear in the draws (`[group, class images]` at a time, never
/// `[draws, all candidates]`) and no distance is computed that no draw needs.
struct NegativeMining {
    let draws: [(anchor: Int, positive: Int, negativeClass: Int)]
    /// Each class's images (the context's `members`).
    private let members: [[Int]]
    /// Squared distances from draw `t`'s anchor to its negative class's
    /// images, in the class's order, at `offsets[t]..<offsets[t + 1]`.
    private var values: [Float] = []
    private var offsets: [Int] = [0]
    /// Squared distance anchor -> positive, per triplet (when asked for).
    var toPositive: [Float] = []

    init(draws: [(anchor: Int, positive: Int, negativeClass: Int)], context: TripletContext, withPositives: Bool = false,
         embeddings: ([Int], TripletContext) throws -> Tensor<Float>) throws {
        self.draws = draws
        members = context.members
        let count = draws.count
        var groups: [Int: [Int]] = [:], classes: [Int] = []
        for (t, draw) in draws.enumerated() {
            if groups[draw.negativeClass] == nil { classes.append(draw.negativeClass) }
            groups[draw.negativeClass, default: []].append(t)
            offsets.append(offsets[t] + members[draw.negativeClass].count)
        }
        // One request, so the memoised embedding runs a single batched pass.
        let anchorRows = draws.map(\.anchor) + (withPositives ? draws.map(\.positive) : [])
        let all = try embeddings(anchorRows + classes.flatMap { members[$0] }, context)
        values = [Float](repeating: 0, count: offsets[count])
        var classRow = anchorRows.count
        for negativeClass in classes {
            let group = groups[negativeClass]!, images = members[negativeClass].count
            let distances = try PairwiseDistances.squared(try all.selecting(group),
                                                          try all.narrowed(dimension: 0, start: classRow, length: images))
            classRow += images
            distances.withUnsafeBufferPointer { d in
                for (k, t) in group.enumerated() {
                    for j in 0..<images { values[offsets[t] + j] = d[k * images + j] }
                }
            }
        }
        guard withPositives else { return }
        let anchors = try all.narrowed(dimension: 0, start: 0, length: count)
        let positives = try all.narrowed(dimension: 0, start: count, length: count)
        toPositive = try PairwiseDistances.paired(anchors, positives, metric: .squared).map { Float($0) }
    }

    /// Squared distances from anchor `t` to the images of its negative class, with their positions.
    func distances(_ t: Int) -> [(image: Int, distance: Float)] {
        let images = members[draws[t].negativeClass]
        return images.indices.map { (images[$0], values[offsets[t] + $0]) }
    }

    /// The image of the negative class nearest anchor `t` (the first on ties).
    func nearestNegative(_ t: Int) -> Int {
        distances(t).min { $0.distance < $1.distance }!.image
    }
}
