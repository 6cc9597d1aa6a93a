/// For each query, the ranking keys of its relevant items (same label, itself
/// left out) sorted best first, and a histogram of where the irrelevant items
/// fall among them: `histogram[p]` counts the irrelevant items ranked below
/// exactly `p` relevant ones. The rank of the relevant item at sorted position
/// `r` is then `r + 1 + histogram[0...r].sum`, which is all average precision
/// needs: no query's full list is ever sorted.
///
/// Where an irrelevant item falls is found through a bucket table per query
/// (`RelevantBuckets`) in about one comparison, not a binary search.
struct RelevantRanks {
    /// Start of each query's keys; query `q` has `offsets[q + 1] - offsets[q]` relevant items.
    let offsets: [Int]
    /// Relevant keys of every query, back to back.
    var keys: [UInt64]
    /// `relevantCount + 1` counters per query, back to back (query `q`'s start at `offsets[q] + q`).
    var histogram: [Int32]
    /// The bucket tables, laid out as `histogram`; and per query the lowest
    /// relevant score and the buckets per unit of score (0: no table).
    var buckets: [Int32]
    var low: [Float]
    var scale: [Float]

    init(relevantCounts: [Int]) {
        var offsets = [0]
        offsets.reserveCapacity(relevantCounts.count + 1)
        for count in relevantCounts { offsets.append(offsets.last! + count) }
        self.offsets = offsets
        // Spare slots: buffers of no element would have no address, and a
        // bucket's keys are read four at a time (`RelevantBuckets.position`).
        keys = [UInt64](repeating: 0, count: offsets.last! + 4)
        histogram = [Int32](repeating: 0, count: offsets.last! + relevantCounts.count + 1)
        buckets = histogram
        low = [Float](repeating: 0, count: relevantCounts.count + 1)
        scale = low
    }

    var queryCount: Int { offsets.count - 1 }

    func relevantCount(_ q: Int) -> Int { offsets[q + 1] - offsets[q] }

    /// Average precision of query `q`: the mean over its relevant items of the
    /// precision at each one's rank; with `atR`, only ranks up to R = the
    /// number of relevant items count (MAP@R). NaN when nothing is relevant.
    func averagePrecision(_ q: Int, atR: Bool) -> Double {
        let count = relevantCount(q)
        guard count > 0 else { return .nan }
        let base = offsets[q] + q
        var below = 0, sum = 0.0
        for r in 0..<count {
            below += Int(histogram[base + r])
            let rank = r + 1 + below
            if atR && rank > count { break }
            sum += Double(r + 1) / Double(rank)
        }
        return sum / Double(count)
    }

    mutating func withPointers<R>(_ body: (RelevantRanksPointers) throws -> R) rethrows -> R {
        try offsets.withUnsafeBufferPointer { o in
            try keys.withUnsafeMutableBufferPointer { k in
                try histogram.withUnsafeMutableBufferPointer { h in
                    try buckets.withUnsafeMutableBufferPointer { b in
                        try low.withUnsafeMutableBufferPointer { l in
                            try scale.withUnsafeMutableBufferPointer { s in
                                try body(RelevantRanksPointers(offsets: o.baseAddress!, keys: k.baseAddress!, histogram: h.baseAddress!,
                                                               buckets: b.baseAddress!, low: l.baseAddress!, scale: s.baseAddress!))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Pointers into a `RelevantRanks` for the parallel loops that fill it; each
/// task writes only its own queries' slots.
struct RelevantRanksPointers: @unchecked Sendable {
    let offsets: UnsafePointer<Int>
    let keys: UnsafeMutablePointer<UInt64>
    let histogram: UnsafeMutablePointer<Int32>
    let buckets: UnsafeMutablePointer<Int32>
    let low: UnsafeMutablePointer<Float>
    let scale: UnsafeMutablePointer<Float>

    /// Sorts query `q`'s relevant keys best first and builds its bucket table
    /// (`scratch`: room for its keys); after that its irrelevant items can be counted.
    func sortRelevant(_ q: Int, scratch: UnsafeMutablePointer<UInt64>) {
        let start = offsets[q]
        RelevantBuckets.sort(keys + start, count: offsets[q + 1] - start, scratch: scratch, table: buckets + start + q,
                             low: &low[q], scale: &scale[q])
    }

    /// `sortRelevant` for every query, in parallel.
    func sortAllRelevant(queries: Int) {
        let longest = (0..<queries).map { offsets[$0 + 1] - offsets[$0] }.max() ?? 0
        ParallelLoop.forEach(queries, grain: 8) { range in
            var scratch = [UInt64](repeating: 0, count: longest + 1)
            scratch.withUnsafeMutableBufferPointer { scratch in
                for q in range { sortRelevant(q, scratch: scratch.baseAddress!) }
            }
        }
    }

    /// What counting for query `q` reads, loaded once.
    @inline(__always)
    func query(_ q: Int) -> RelevantBuckets {
        let start = offsets[q]
        return RelevantBuckets(keys: keys + start, count: offsets[q + 1] - start, table: buckets + start + q,
                               low: low[q], scale: scale[q], histogram: histogram + start + q)
    }
}
