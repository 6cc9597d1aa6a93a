/// Mean average precision with every code a query against all the others, at
/// the cost of the upper triangle of the Gram matrix (about half a full
/// product), computed once, block by block:
///
/// 1. the codes are put in class order, so pairs that share a label lie in
///    the blocks along the diagonal (the band); those blocks are computed
///    first and kept, and give every query its relevant items' scores, sorted;
/// 2. every pair with different labels (in the band, then in the other blocks
///    as they are computed) is counted for both of its items, by where it
///    falls among the query's sorted relevant scores (binary search).
///
/// Memory: a class-ordered copy of the codes (unless they already are in
/// class order), the band (about `2 N blockSize` floats), and 12 bytes per
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
            let isSorted = classes.order.elementsEqual(0..<prepared.rows)
            let d = prepared.dimension
            let sorted = isSorted ? [0] : [Float](unsafeUninitializedCapacity: prepared.rows * d + 1) { buffer, count in
                for (position, code) in classes.order.enumerated() {
                    (buffer.baseAddress! + position * d).initialize(from: x.baseAddress! + code * d, count: d)
                }
                buffer[prepared.rows * d] = 0
                count = prepared.rows * d + 1
            }
            try sorted.withUnsafeBufferPointer { gathered in
                let gram = GramBlocks(isSorted ? x.baseAddress! : gathered.baseAddress!, rows: prepared.rows, dimension: d,
                                      blockSize: blockSize)
                try rank(gram, classes: classes, prepared: prepared.reordered(classes.order), into: &ranks)
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

    /// Steps 1 and 2 over the class-ordered Gram matrix; `ranks` and `prepared` are indexed by class-ordered position.
    private func rank(_ gram: GramBlocks, classes: ClassOrder, prepared: PreparedRows, into ranks: inout RelevantRanks) throws {
        let b = gram.blockSize
        // The band: for row block I, the column blocks up to the one holding the end of I's last class.
        let lastBandColumn = (0..<gram.blockCount).map { gram.block(containing: classes.end[gram.range($0).upperBound - 1] - 1) }
        let band = (0..<gram.blockCount).flatMap { row in (row...lastBandColumn[row]).map { (row, $0) } }
        var kept = [Float](repeating: 0, count: (band.count + 1) * b * b)  // the band, then a scratch block
        try kept.withUnsafeMutableBufferPointer { kept in
            let scratch = kept.baseAddress! + band.count * b * b
            try ranks.withPointers { ranks in
                var blocks: [GramBlocks.Block] = []
                for (index, (row, column)) in band.enumerated() {
                    try Interruption.check()
                    blocks.append(gram.compute(row, column, into: kept.baseAddress! + index * b * b))
                    collectRelevant(blocks[index], classes: classes, prepared: prepared, scratch: scratch, into: ranks)
                }
                ParallelLoop.forEach(prepared.rows, grain: 8) { range in
                    for q in range { RankingKey.sortBestFirst(ranks.keys + ranks.offsets[q], count: ranks.offsets[q + 1] - ranks.offsets[q]) }
                }
                for block in blocks { countIrrelevant(block, classes: classes, prepared: prepared, scratch: scratch, into: ranks) }
                // The blocks off the band reuse the first band block's memory.
                for row in 0..<gram.blockCount {
                    for column in lastBandColumn[row] + 1..<Swift.max(gram.blockCount, lastBandColumn[row] + 1) {
                        try Interruption.check()
                        countIrrelevant(gram.compute(row, column, into: kept.baseAddress!), classes: classes,
                                        prepared: prepared, scratch: scratch, into: ranks)
                    }
                }
            }
        }
    }

    /// The keys of same-class pairs `i < j` of a band block, for both items.
    private func collectRelevant(_ block: GramBlocks.Block, classes: ClassOrder, prepared: PreparedRows,
                                 scratch: UnsafeMutablePointer<Float>, into ranks: RelevantRanksPointers) {
        let order = classes.order, start = classes.start, end = classes.end
        let (first, top) = (block.columns.lowerBound, block.rows.lowerBound)
        block.forEachRow { i, columns, line in
            let slots = ranks.keys + ranks.offsets[i] - start[i] - 1  // j's slot in i's list: j - start - 1 (j > i)
            for j in columns.lowerBound..<Swift.max(columns.lowerBound, Swift.min(columns.upperBound, end[i])) {
                slots[j] = RankingKey.make(prepared.score(line[j - first], i, j), order[j])
            }
        }
        block.forEachColumn(scratch: scratch) { j, rows, line in
            let slots = ranks.keys + ranks.offsets[j] - start[j]  // i's slot in j's list: i - start (i < j)
            for i in Swift.min(Swift.max(rows.lowerBound, start[j]), rows.upperBound)..<rows.upperBound {
                slots[i] = RankingKey.make(prepared.score(line[i - top], i, j), order[i])
            }
        }
    }

    /// Every pair `i < j` of a block with different classes, counted for both items.
    private func countIrrelevant(_ block: GramBlocks.Block, classes: ClassOrder, prepared: PreparedRows,
                                 scratch: UnsafeMutablePointer<Float>, into ranks: RelevantRanksPointers) {
        let order = classes.order, start = classes.start, end = classes.end
        let (first, top) = (block.columns.lowerBound, block.rows.lowerBound)
        block.forEachRow { i, columns, line in
            for j in Swift.max(columns.lowerBound, end[i])..<Swift.max(columns.upperBound, end[i]) {
                ranks.countIrrelevant(i, RankingKey.make(prepared.score(line[j - first], i, j), order[j]))
            }
        }
        block.forEachColumn(scratch: scratch) { j, rows, line in
            for i in rows.lowerBound..<Swift.max(rows.lowerBound, Swift.min(rows.upperBound, start[j])) {
                ranks.countIrrelevant(j, RankingKey.make(prepared.score(line[i - top], i, j), order[i]))
            }
        }
    }
}
