/// Steps 1 and 2 of `MeanAveragePrecision` over the Gram matrix of the
/// class-ordered codes: `prepared` and `ranks` are indexed by class-ordered
/// position, and `classes.order` maps a position back to its code (the index
/// that breaks ties).
struct BandSweep {
    let classes: ClassOrder
    let prepared: PreparedRows
    let ranks: RelevantRanksPointers
    /// Columns per tile when pairs are counted from the columns' side: a
    /// tile of a 2048-row block is transposed into 512 KB, which stays in the
    /// core's cache while its columns are counted.
    static let tileWidth = 64

    func run(_ gram: GramBlocks) throws {
        let b = gram.blockSize, count = gram.blockCount
        // The band: for row block I, the column blocks up to the one holding the end of I's last class.
        let lastBandColumn = (0..<count).map { gram.block(containing: classes.end[gram.range($0).upperBound - 1] - 1) }
        let band = (0..<count).flatMap { row in (row...lastBandColumn[row]).map { (row, $0) } }
        // The band's blocks; the blocks off the band reuse the first one's memory.
        var kept = try Tensor<Float>(unsafeUninitializedShape: [Swift.max(band.count, 1), b, b]) { _ in }
        try kept.withUnsafeMutableBufferPointer { kept in
            // The band's products back to back: after a product OpenBLAS's
            // threads spin for a while (up to 2^28 cycles), taking a core from
            // whatever runs next, so lunet's own loops run between as few products as possible.
            var blocks: [GramBlocks.Block] = []
            for (index, (row, column)) in band.enumerated() {
                try Interruption.check()
                blocks.append(gram.compute(row, column, into: kept.baseAddress! + index * b * b))
            }
            for block in blocks { collectRelevant(block) }
            ranks.sortAllRelevant(queries: prepared.rows)
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
    /// the end of `i`'s class, `i` before the start of `j`'s), counted for
    /// `i` by rows, then for `j` by columns.
    private func countIrrelevant(_ block: GramBlocks.Block) {
        let (start, end) = (classes.start, classes.end)
        let ranks = self.ranks, sweep = self
        block.forEachRow { i, columns in
            let first = Swift.max(columns.lowerBound, end[i])
            guard first < columns.upperBound else { return }
            sweep.count(first..<columns.upperBound, block.line(i, from: first), against: i, ranks.query(i))
        }
        block.forEachColumn(tile: BandSweep.tileWidth, rowEnd: { start[$0] }) { j, rows, line in
            sweep.count(rows, line, against: j, ranks.query(j))
        }
    }

    /// Counts the items at positions `items` for `query` (the buckets of the
    /// code at position `position`), their products with it at `line[k - items.lowerBound]`.
    /// The metric is settled before the loop, which is compiled once per metric.
    private func count(_ items: Range<Int>, _ line: UnsafePointer<Float>, against position: Int, _ query: RelevantBuckets) {
        prepared.factors.withUnsafeBufferPointer { factors in
            classes.order.withUnsafeBufferPointer { order in
                let (factors, order) = (factors.baseAddress!, order.baseAddress!)
                switch prepared.metric {
                case .dot: BandSweep.count(Dot.self, items, line, factors, order, factors[position], query)
                case .cosine: BandSweep.count(Cosine.self, items, line, factors, order, factors[position], query)
                case .squared, .euclidean: BandSweep.count(Distance.self, items, line, factors, order, factors[position], query)
                }
            }
        }
    }

    private static func count<Metric: FixedMetric>(_: Metric.Type, _ items: Range<Int>, _ line: UnsafePointer<Float>,
                                                   _ factors: UnsafePointer<Float>, _ order: UnsafePointer<Int>,
                                                   _ factor: Float, _ query: RelevantBuckets) {
        let base = line - items.lowerBound
        for k in items { query.countIrrelevant(Metric.score(base[k], factor, factors[k]), order[k]) }
    }
}

/// A metric's ranking score with the metric fixed at compile time, for the counting loops.
private protocol FixedMetric {
    static func score(_ product: Float, _ factorI: Float, _ factorJ: Float) -> Float
}

private enum Dot: FixedMetric {
    @inline(__always)
    static func score(_ product: Float, _ factorI: Float, _ factorJ: Float) -> Float { DistanceMetric.dot.score(product, factorI, factorJ) }
}

private enum Cosine: FixedMetric {
    @inline(__always)
    static func score(_ product: Float, _ factorI: Float, _ factorJ: Float) -> Float { DistanceMetric.cosine.score(product, factorI, factorJ) }
}

/// Squared and euclidean rank alike (by minus the squared distance).
private enum Distance: FixedMetric {
    @inline(__always)
    static func score(_ product: Float, _ factorI: Float, _ factorJ: Float) -> Float { DistanceMetric.squared.score(product, factorI, factorJ) }
}
