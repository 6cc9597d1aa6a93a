/// Steps 1 and 2 of `MeanAveragePrecision` over the Gram matrix of the
/// class-ordered codes: `prepared` and `ranks` are indexed by class-ordered
/// position, and `classes.order` maps a position back to its code (the index
/// that breaks ties).
struct BandSweep {
    let classes: ClassOrder
    let prepared: PreparedRows
    let ranks: RelevantRanksPointers
    /// Columns per tile when pairs are counted from the columns' side: the
    /// tile's queries' keys, tables and counters (8 to 16 bytes per relevant
    /// item each) stay in the core's cache while the block's rows stream by.
    static let tileWidth = 64

    func run(_ gram: GramBlocks) throws {
        let b = gram.blockSize, count = gram.blockCount
        // The band: for row block I, the column blocks up to the one holding the end of I's last class.
        let lastBandColumn = (0..<count).map { gram.block(containing: classes.end[gram.range($0).upperBound - 1] - 1) }
        let band = (0..<count).flatMap { row in (row...lastBandColumn[row]).map { (row, $0) } }
        // The band's blocks; the blocks off the band reuse the first one's memory.
        var kept = [Float](unsafeUninitializedCapacity: Swift.max(band.count, 1) * b * b) { _, initialized in
            initialized = Swift.max(band.count, 1) * b * b
        }
        try kept.withUnsafeMutableBufferPointer { kept in
            var blocks: [GramBlocks.Block] = []
            for (index, (row, column)) in band.enumerated() {
                try Interruption.check()
                blocks.append(gram.compute(row, column, into: kept.baseAddress! + index * b * b))
                collectRelevant(blocks[index])
            }
            let ranks = self.ranks
            ParallelLoop.forEach(prepared.rows, grain: 8) { range in
                for q in range { ranks.sortRelevant(q) }
            }
            for block in blocks { countIrrelevant(block) }
            for row in 0..<count {
                for column in lastBandColumn[row] + 1..<Swift.max(count, lastBandColumn[row] + 1) {
                    try Interruption.check()
                    countIrrelevant(gram.compute(row, column, into: kept.baseAddress!))
                }
            }
        }
    }

    /// The keys of same-class pairs `i < j` of a band block, for both items:
    /// `j` at slot `j - start - 1` of `i`'s list, `i` at slot `i - start` of
    /// `j`'s (each slot is written once, so rows can run in parallel).
    private func collectRelevant(_ block: GramBlocks.Block) {
        let order = classes.order, start = classes.start, end = classes.end
        let metric = prepared.metric, factors = prepared.factors, ranks = self.ranks
        block.forEachRow { i, columns in
            let last = Swift.min(columns.upperBound, end[i])
            guard columns.lowerBound < last else { return }
            let line = block.line(i, from: columns.lowerBound), first = columns.lowerBound
            let own = ranks.keys + ranks.offsets[i] - start[i] - 1
            for j in first..<last {
                let score = metric.score(line[j - first], factors[i], factors[j])
                own[j] = RankingKey.make(score, order[j])
                ranks.keys[ranks.offsets[j] + i - start[i]] = RankingKey.make(score, order[i])
            }
        }
    }

    /// Every pair `i < j` of a block with different classes (`j` at or past
    /// the end of `i`'s class), counted for `i` by rows, then for `j` by tiles of columns.
    private func countIrrelevant(_ block: GramBlocks.Block) {
        let order = classes.order, end = classes.end
        let metric = prepared.metric, factors = prepared.factors, ranks = self.ranks
        block.forEachRow { i, columns in
            let first = Swift.max(columns.lowerBound, end[i])
            guard first < columns.upperBound else { return }
            let line = block.line(i, from: first), query = ranks.query(i), factor = factors[i]
            for j in first..<columns.upperBound {
                query.countIrrelevant(metric.score(line[j - first], factor, factors[j]), order[j])
            }
        }
        block.forEachColumnTile(width: BandSweep.tileWidth) { tile, rows in
            let queries = tile.map { ranks.query($0) }
            for i in rows {
                let first = Swift.max(tile.lowerBound, end[i])
                guard first < tile.upperBound else { continue }
                let line = block.line(i, from: first), factor = factors[i], index = order[i]
                for j in first..<tile.upperBound {
                    queries[j - tile.lowerBound].countIrrelevant(metric.score(line[j - first], factor, factors[j]), index)
                }
            }
        }
    }
}
