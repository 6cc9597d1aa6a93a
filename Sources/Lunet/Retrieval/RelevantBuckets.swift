/// One query's relevant keys (sorted best first) with a table that tells,
/// for any other item, how many of them rank before it in about one key
/// comparison instead of a binary search: the range `[low, high]` of the
/// relevant scores is cut into `count` equal buckets (bucket `b` holds the
/// scores `s` with `Int((s - low) * scale) == b`, the top one closed), and
/// `table[b]` is the number of relevant keys in buckets `b` and above, so
/// bucket `b`'s keys sit at positions `table[b + 1]..<table[b]`. A key in a
/// higher bucket has a higher score, so only the keys of the item's own
/// bucket need comparing. Queries whose scores give no usable range (one
/// score, NaN, an infinity) have `scale` 0 and use a binary search.
struct RelevantBuckets {
    let keys: UnsafePointer<UInt64>
    let count: Int
    /// `count + 1` entries.
    let table: UnsafePointer<Int32>
    let low: Float
    let scale: Float
    /// `count + 1` counters (`RelevantRanks.histogram`).
    let histogram: UnsafeMutablePointer<Int32>
    /// The best and the worst relevant key (0 when there is none).
    let best: UInt64
    let worst: UInt64

    init(keys: UnsafePointer<UInt64>, count: Int, table: UnsafePointer<Int32>, low: Float, scale: Float,
         histogram: UnsafeMutablePointer<Int32>) {
        self.keys = keys
        self.count = count
        self.table = table
        self.low = low
        self.scale = scale
        self.histogram = histogram
        best = count > 0 ? keys[0] : 0
        worst = count > 0 ? keys[count - 1] : 0
    }

    /// Fills `table` (`count + 1` entries) for `count` keys sorted best first.
    static func build(_ keys: UnsafePointer<UInt64>, count: Int, into table: UnsafeMutablePointer<Int32>,
                      low: inout Float, scale: inout Float) {
        scale = 0
        guard count > 0 else { return }
        let (high, lowest) = (RankingKey.score(keys[0]), RankingKey.score(keys[count - 1]))
        let perScore = Float(count) / (high - lowest)
        guard perScore.isFinite, perScore > 0 else { return }
        (low, scale) = (lowest, perScore)
        let buckets = RelevantBuckets(keys: keys, count: count, table: table, low: low, scale: scale, histogram: table)
        // Walking the keys best first, the buckets only go down.
        var position = 0
        table[count] = 0
        for b in stride(from: count - 1, through: 0, by: -1) {
            while position < count, buckets.bucket(RankingKey.score(keys[position])) >= b { position += 1 }
            table[b] = Int32(position)
        }
    }

    /// The bucket of a score in `[low, high]`.
    @inline(__always)
    func bucket(_ score: Float) -> Int {
        Swift.min(Int((score - low) * scale), count - 1)
    }

    /// How many relevant keys rank before `key` (made from `score`).
    @inline(__always)
    func position(_ key: UInt64, _ score: Float) -> Int {
        if count == 0 || key > best { return 0 }
        if key < worst { return count }
        if scale == 0 { return RankingKey.countAbove(key, in: keys, count: count) }
        // Between the best and the worst key, the score lies in [low, high].
        let b = bucket(score)
        let first = Int(table[b + 1]), end = Int(table[b])
        return first + RankingKey.countAbove(key, in: keys + first, count: end - first)
    }

    /// Counts one irrelevant item, of this score and index, for this query.
    @inline(__always)
    func countIrrelevant(_ score: Float, _ index: Int) {
        histogram[position(RankingKey.make(score, index), score)] += 1
    }
}
