/// Mean average precision with every code a query against all the others,
/// at about half the cost of the full similarity matrix, which is symmetric:
///
/// 1. per class, the Gram matrix of its members' codes (upper triangle) gives
///    every query its relevant items' scores, which are sorted;
/// 2. one sweep over the upper triangle of the whole Gram matrix, block by
///    block, counts each irrelevant pair for both of its items (where it falls
///    among the query's sorted relevant scores, by binary search).
///
/// Memory: one block, plus 12 bytes per pair of codes that share a label.
/// Queries whose label no other code has are left out of the mean.
///
/// ```lua
/// print(retrieval.mAP(codes, ds.labels, {metric = "cosine", atR = false}))
/// ```
public struct MeanAveragePrecision {
    public var metric: SimilarityMetric
    /// MAP@R: precision counted only over the first R ranks (R = relevant items).
    public var atR: Bool
    /// Rows per block of the sweep (tests make it small).
    public var blockSize = 1024

    public init(metric: SimilarityMetric = .cosine, atR: Bool = false) {
        self.metric = metric
        self.atR = atR
    }

    public func callAsFunction(_ codes: Tensor<Float>, labels: Tensor<Int32>) throws -> Double {
        let relevance = try RelevanceLabels(labels, codes: codes)
        let prepared = try PreparedCodes(codes, metric: metric)
        let n = prepared.rows
        var ranks = RelevantRanks(relevantCounts: relevance.values.map { relevance.relevantCount($0) })
        try codes.withUnsafeBufferPointer { x in
            try collectRelevant(x.baseAddress!, relevance: relevance, prepared: prepared, into: &ranks)
            ranks.sortKeys()
            try countIrrelevant(x.baseAddress!, labels: relevance.values, prepared: prepared, into: &ranks)
        }
        var sum = 0.0, counted = 0
        for q in 0..<n where ranks.relevantCount(q) > 0 {
            sum += ranks.averagePrecision(q, atR: atR)
            counted += 1
        }
        guard counted > 0 else {
            throw LunetError("mAP: no code shares its label with another, so no query has a relevant item")
        }
        return sum / Double(counted)
    }

    /// Step 1: the relevant keys of every query, class by class (in
    /// `members` order, the query left out), from the class's own Gram matrix.
    private func collectRelevant(_ x: UnsafePointer<Float>, relevance: RelevanceLabels, prepared: PreparedCodes,
                                 into ranks: inout RelevantRanks) throws {
        let d = prepared.dimension
        let sweep = UpperTriangleSweep(blockSize: blockSize)
        for members in relevance.members where members.count > 1 {
            // Rows of one class, gathered unless they already lie together.
            let contiguous = members.last! - members.first! == members.count - 1
            let rows: [Float] = contiguous ? [] : members.flatMap { Array(UnsafeBufferPointer(start: x + $0 * d, count: d)) } + [0]
            try rows.withUnsafeBufferPointer { gathered in
                let a = contiguous ? x + members[0] * d : gathered.baseAddress!
                try ranks.withPointers { pointers in
                    try sweep(a, rows: members.count, dimension: d) { block in
                        // Local positions a < b; b's slot in a's list is b - 1, a's slot in b's list is a.
                        block.forEachRow { a, columns in
                            let i = members[a], start = pointers.offsets[i]
                            for b in columns {
                                let j = members[b]
                                pointers.keys[start + b - 1] = RankingKey.make(prepared.score(block.product(a, b), i, j), j)
                            }
                        }
                        block.forEachColumn { b, rows in
                            let j = members[b], start = pointers.offsets[j]
                            for a in rows {
                                let i = members[a]
                                pointers.keys[start + a] = RankingKey.make(prepared.score(block.product(a, b), i, j), i)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Step 2: every pair of codes with different labels, counted for both.
    private func countIrrelevant(_ x: UnsafePointer<Float>, labels: [Int32], prepared: PreparedCodes,
                                 into ranks: inout RelevantRanks) throws {
        let sweep = UpperTriangleSweep(blockSize: blockSize)
        try labels.withUnsafeBufferPointer { labels in
            try ranks.withPointers { pointers in
                try sweep(x, rows: prepared.rows, dimension: prepared.dimension) { block in
                    block.forEachRow { i, columns in
                        let label = labels[i]
                        for j in columns where labels[j] != label {
                            pointers.countIrrelevant(i, RankingKey.make(prepared.score(block.product(i, j), i, j), j))
                        }
                    }
                    block.forEachColumn { j, rows in
                        let label = labels[j]
                        for i in rows where labels[i] != label {
                            pointers.countIrrelevant(j, RankingKey.make(prepared.score(block.product(i, j), i, j), i))
                        }
                    }
                }
            }
        }
    }
}
