/// Exact k-nearest-neighbour search over codes `[N, D]`: the inner products of
/// a block of queries with a block of codes come from one sgemm, and each
/// query keeps its best `k` in a bounded heap, so memory is one
/// `[blockRows, blockColumns]` block plus the results, never `N x N`.
/// Ties rank the lower index first; NaN scores rank last (`RankingKey`): finite
/// codes give them only by overflow, since codes holding NaN or an infinity
/// are an error naming the row.
///
/// ```lua
/// local r = retrieval.search(codes, {queries = 10, k = 5, metric = "cosine"})
/// print(r.indices, r.scores)   -- Int32 [10, 5] (1-based), Float32 [10, 5]
/// ```
public struct NeighborSearch {
    /// The metrics `retrieval.*{metric}` offers (the engine takes any `DistanceMetric`;
    /// `euclidean` ranks by the squared distance and reports the distance).
    public static let metrics: [DistanceMetric] = [.cosine, .dot, .euclidean]

    public var metric: DistanceMetric
    public var k: Int
    /// Leaves a query out of its own results.
    public var excludeSelf: Bool
    /// Queries and codes per block of the product (tests make them small).
    public var blockRows = 512
    public var blockColumns = 4096

    public init(metric: DistanceMetric = .cosine, k: Int = 5, excludeSelf: Bool = true) {
        self.metric = metric
        self.k = k
        self.excludeSelf = excludeSelf
    }

    /// The `k` best codes for each query (0-based rows of `codes`), best first:
    /// `indices` Int32 `[q, k]` (0-based) and `scores` Float32 `[q, k]`
    /// (similarities, or distances for euclidean).
    public func callAsFunction(_ codes: Tensor<Float>, queries: [Int]) throws -> (indices: Tensor<Int32>, scores: Tensor<Float>) {
        let prepared = try PreparedRows(codes: codes, metric: metric)
        let n = prepared.rows
        let available = excludeSelf ? n - 1 : n
        guard k >= 1 else { throw LunetError("k must be at least 1, got \(k)") }
        guard k <= available else {
            let note = excludeSelf ? " (N - 1 with excludeSelf)" : ""
            throw LunetError("k = \(k) is more than the \(available) code\(available == 1 ? "" : "s") each query can be compared with\(note)")
        }
        if let wrong = queries.first(where: { $0 < 0 || $0 >= n }) {
            throw LunetError("query \(position: wrong) out of range for \(n) codes")
        }
        var heaps = [UInt64](repeating: 0, count: queries.count * k)
        var filled = [Int](repeating: 0, count: queries.count)
        let d = prepared.dimension
        let rowsPerBlock = Swift.max(1, blockRows), columnsPerBlock = Swift.max(1, blockColumns)
        var gathered = [Float](repeating: 0, count: Swift.min(rowsPerBlock, queries.count) * d)
        var products = [Float](repeating: 0, count: Swift.min(rowsPerBlock, queries.count) * Swift.min(columnsPerBlock, n))
        try codes.withUnsafeBufferPointer { x in
            for q0 in stride(from: 0, to: queries.count, by: rowsPerBlock) {
                let q1 = Swift.min(q0 + rowsPerBlock, queries.count)
                gathered.withUnsafeMutableBufferPointer { g in
                    for (r, query) in queries[q0..<q1].enumerated() {
                        (g.baseAddress! + r * d).update(from: x.baseAddress! + query * d, count: d)
                    }
                }
                for c0 in stride(from: 0, to: n, by: columnsPerBlock) {
                    try Interruption.check()
                    let c1 = Swift.min(c0 + columnsPerBlock, n)
                    products.withUnsafeMutableBufferPointer { p in
                        gathered.withUnsafeBufferPointer { g in
                            Self.product(g.baseAddress!, rows: q1 - q0, x.baseAddress! + c0 * d, columns: c1 - c0,
                                         dimension: d, into: p.baseAddress!)
                        }
                    }
                    heaps.withUnsafeMutableBufferPointer { h in
                        filled.withUnsafeMutableBufferPointer { f in
                            products.withUnsafeBufferPointer { p in
                                keepBest(p.baseAddress!, queries: queries, q0..<q1, columns: c0..<c1,
                                         prepared: prepared, heaps: h.baseAddress!, filled: f.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return try results(heaps, queryCount: queries.count, prepared: prepared)
    }

    /// `out[r, c] = a[r] . b[c]` for `rows` rows of `a` and `columns` rows of `b`, all `[*, dimension]`.
    static func product(_ a: UnsafePointer<Float>, rows: Int, _ b: UnsafePointer<Float>, columns: Int,
                        dimension: Int, into out: UnsafeMutablePointer<Float>) {
        if dimension == 0 {
            out.update(repeating: 0, count: rows * columns)
            return
        }
        BLAS.sgemm(transposeB: true, m: rows, n: columns, k: dimension, a: a, lda: dimension, b: b, ldb: dimension,
                   c: out, ldc: columns)
    }

    /// Offers one block's candidates to the heaps of its queries (one thread per range of queries).
    private func keepBest(_ products: UnsafePointer<Float>, queries: [Int], _ block: Range<Int>, columns: Range<Int>,
                          prepared: PreparedRows, heaps: UnsafeMutablePointer<UInt64>, filled: UnsafeMutablePointer<Int>) {
        let width = columns.count, k = self.k, excludeSelf = self.excludeSelf
        let heapsBox = UncheckedSendable((heaps, filled))
        ParallelLoop.forEach(block.count, grain: 8) { range in
            let (heaps, filled) = heapsBox.value
            for r in range {
                let q = block.lowerBound + r, query = queries[q]
                var heap = BoundedHeap(storage: heaps + q * k, capacity: k, count: filled[q])
                let row = products + r * width
                for (c, j) in columns.enumerated() where !(excludeSelf && j == query) {
                    heap.offer(RankingKey.make(prepared.score(row[c], query, j), j))
                }
                filled[q] = heap.count
            }
        }
    }

    private func results(_ heaps: [UInt64], queryCount: Int, prepared: PreparedRows) throws -> (indices: Tensor<Int32>, scores: Tensor<Float>) {
        let k = self.k
        var sorted = heaps
        for q in 0..<queryCount {
            sorted[q * k..<(q + 1) * k].sort(by: >)
        }
        let indices = try Tensor<Int32>(unsafeUninitializedShape: [queryCount, k]) { out in
            for (i, key) in sorted.enumerated() { out[i] = Int32(RankingKey.index(key)) }
        }
        let scores = try Tensor<Float>(unsafeUninitializedShape: [queryCount, k]) { out in
            for (i, key) in sorted.enumerated() { out[i] = metric.value(score: RankingKey.score(key)) }
        }
        return (indices, scores)
    }
}

/// A min-heap of at most `capacity` ranking keys over caller-owned storage:
/// the root is the worst kept key, replaced when a better one comes.
struct BoundedHeap {
    let storage: UnsafeMutablePointer<UInt64>
    let capacity: Int
    var count: Int

    @inline(__always)
    mutating func offer(_ key: UInt64) {
        if count < capacity {
            var i = count
            count += 1
            while i > 0 {
                let parent = (i - 1) >> 1
                guard storage[parent] > key else { break }
                storage[i] = storage[parent]
                i = parent
            }
            storage[i] = key
        } else if key > storage[0] {
            siftDown(key)
        }
    }

    /// Puts `key` at the root and moves it down to its place.
    private func siftDown(_ key: UInt64) {
        var i = 0
        while true {
            var child = 2 * i + 1
            if child >= count { break }
            if child + 1 < count, storage[child + 1] < storage[child] { child += 1 }
            guard storage[child] < key else { break }
            storage[i] = storage[child]
            i = child
        }
        storage[i] = key
    }
}
