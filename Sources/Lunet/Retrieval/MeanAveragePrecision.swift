/// Mean average precision with every code a query against all the others, at
/// the cost of the upper triangle of the Gram matrix (about half a full
/// product), computed once, block by block:
///
/// 1. the codes are put in class order, so pairs that share a label lie in
///    the blocks along the diagonal (the band); those blocks are computed
///    first and kept, and give every query its relevant items' scores, sorted;
/// 2. every pair with different labels (in the band, then in the other blocks
///    as they are computed) is counted for both of its items, by where it
///    falls among the query's sorted relevant scores (`RelevantBuckets`).
///
/// Memory: a class-ordered copy of the codes (unless they already are in
/// class order), the band (about `2 N blockSize` floats), and 16 bytes per
/// pair of codes that share a label.
/// Queries whose label no other code has are left out of the mean.
///
/// ```lua
/// print(retrieval.mAP(codes, ds.labels, {metric = "cosine", atR = false}))
/// ```
public struct MeanAveragePrecision {
    public var metric: DistanceMetric
    /// MAP@R: precision counted only over the first R ranks (R = relevant items).
    public var atR: Bool
    /// Rows per block of the Gram matrix (tests make it small). OpenBLAS runs
    /// 2048-row blocks as fast as one ssyrk of the whole; 1024 costs ~10% more.
    public var blockSize = 2048

    public init(metric: DistanceMetric = .cosine, atR: Bool = false) {
        self.metric = metric
        self.atR = atR
    }

    public func callAsFunction(_ codes: Tensor<Float>, labels: Tensor<Int32>) throws -> Double {
        let relevance = try RelevanceLabels(labels, codes: codes)
        let prepared = try PreparedRows(codes: codes, metric: metric)
        let classes = ClassOrder(relevance.members)
        var ranks = RelevantRanks(relevantCounts: (0..<prepared.rows).map { classes.end[$0] - classes.start[$0] - 1 })
        try codes.withUnsafeBufferPointer { x in
            let sorted = try classes.gathered(x.baseAddress!, dimension: prepared.dimension)
            try (sorted ?? codes).withUnsafeBufferPointer { rows in
                let gram = GramBlocks(rows.baseAddress!, rows: prepared.rows, dimension: prepared.dimension, blockSize: blockSize)
                try ranks.withPointers { ranks in
                    try BandSweep(classes: classes, prepared: prepared.reordered(classes.order), ranks: ranks).run(gram)
                }
            }
        }
        var sum = 0.0, counted = 0
        for q in 0..<prepared.rows where ranks.relevantCount(q) > 0 {
            sum += ranks.averagePrecision(q, atR: atR)
            counted += 1
        }
        guard counted > 0 else {
            throw LunetError("mAP: no code shares its label with another, so no query has a relevant item")
        }
        return sum / Double(counted)
    }
}
