/// Precision metrics of retrieval where an item is relevant to a query when
/// it has the query's label, and the query itself is never among the results.
/// Ranking ties go to the lower index and NaN scores rank last (`RankingKey`);
/// codes holding NaN or an infinity are an error naming the row, as in
/// scikit-learn (finite codes give NaN scores only by overflow). scikit-learn's `average_precision_score` instead puts tied scores at one
/// threshold, so the two agree whenever the scores of a query have no ties.
///
/// ```lua
/// local ap = retrieval.averagePrecision(codes, ds.labels, {queries = 10})
/// print(retrieval.mAP(codes, ds.labels), retrieval.precisionAt(codes, ds.labels, 5))
/// ```
public enum AveragePrecision {
    /// Inner products per block of query rows (`[rows, N]`), about 16 MB.
    static let blockBudget = 1 << 22

    /// Average precision of each query (0-based rows of `codes`) against all
    /// the other codes: the mean of the precision at the rank of each relevant
    /// item (with `atR`, MAP@R: only the first R ranks, R = relevant count).
    /// NaN for a query whose label no other code has.
    public static func perQuery(_ codes: Tensor<Float>, labels: Tensor<Int32>, queries: [Int],
                                metric: DistanceMetric = .cosine, atR: Bool = false,
                                blockRows: Int? = nil) throws -> [Double] {
        let relevance = try RelevanceLabels(labels, codes: codes)
        let prepared = try PreparedRows(codes: codes, metric: metric)
        let n = prepared.rows, d = prepared.dimension
        if let wrong = queries.first(where: { $0 < 0 || $0 >= n }) {
            throw LunetError("query \(position: wrong) out of range for \(n) codes")
        }
        let rowsPerBlock = Swift.max(1, Swift.min(blockRows ?? blockBudget / Swift.max(n, 1), queries.count))
        var gathered = [Float](repeating: 0, count: rowsPerBlock * d + 1)
        var products = [Float](repeating: 0, count: rowsPerBlock * n + 1)
        var result: [Double] = []
        try codes.withUnsafeBufferPointer { x in
            for q0 in stride(from: 0, to: queries.count, by: rowsPerBlock) {
                try Interruption.check()
                let block = Array(queries[q0..<Swift.min(q0 + rowsPerBlock, queries.count)])
                gathered.withUnsafeMutableBufferPointer { g in
                    for (r, query) in block.enumerated() {
                        (g.baseAddress! + r * d).update(from: x.baseAddress! + query * d, count: d)
                    }
                }
                products.withUnsafeMutableBufferPointer { p in
                    gathered.withUnsafeBufferPointer { g in
                        NeighborSearch.product(g.baseAddress!, rows: block.count, x.baseAddress!, columns: n,
                                               dimension: d, into: p.baseAddress!)
                    }
                }
                var ranks = RelevantRanks(relevantCounts: block.map { relevance.relevantCount(relevance.values[$0]) })
                products.withUnsafeBufferPointer { p in
                    rank(rows: p.baseAddress!, queries: block, labels: relevance.values, prepared: prepared, into: &ranks)
                }
                result += (0..<block.count).map { ranks.averagePrecision($0, atR: atR) }
            }
        }
        return result
    }

    /// Fills `ranks` from full rows of inner products `[queries.count, N]`:
    /// first each query's relevant keys, sorted, then the irrelevant items counted among them.
    private static func rank(rows: UnsafePointer<Float>, queries: [Int], labels: [Int32], prepared: PreparedRows,
                             into ranks: inout RelevantRanks) {
        let n = prepared.rows
        let longest = (0..<ranks.queryCount).map(ranks.relevantCount).max() ?? 0
        ranks.withPointers { pointers in
            ParallelLoop.forEach(queries.count, grain: 4) { range in
                var scratch = [UInt64](repeating: 0, count: longest + 1)
                for q in range {
                    let query = queries[q], label = labels[query], row = rows + q * n
                    var slot = pointers.offsets[q]
                    for j in 0..<n where j != query && labels[j] == label {
                        pointers.keys[slot] = RankingKey.make(prepared.score(row[j], query, j), j)
                        slot += 1
                    }
                    scratch.withUnsafeMutableBufferPointer { pointers.sortRelevant(q, scratch: $0.baseAddress!) }
                    let buckets = pointers.query(q)
                    for j in 0..<n where labels[j] != label {
                        buckets.countIrrelevant(prepared.score(row[j], query, j), j)
                    }
                }
            }
        }
    }

    /// Mean over every code as a query of the fraction of its `k` nearest
    /// other codes that share its label.
    public static func precisionAt(_ k: Int, codes: Tensor<Float>, labels: Tensor<Int32>,
                                   metric: DistanceMetric = .cosine) throws -> Double {
        let relevance = try RelevanceLabels(labels, codes: codes)
        let n = codes.shape[0]
        let neighbors = try NeighborSearch(metric: metric, k: k, excludeSelf: true)(codes, queries: Array(0..<n)).indices
        var hits = 0
        neighbors.withUnsafeBufferPointer { found in
            for q in 0..<n {
                for c in 0..<k where relevance.values[Int(found[q * k + c])] == relevance.values[q] { hits += 1 }
            }
        }
        return Double(hits) / Double(n * k)
    }
}
