/// One query's relevant keys (sorted best first) with a table that tells,
/// for any other item, how many of them rank before it in about one key
/// comparison instead of a binary search: the range `[low, high]` of the
/// relevant scores is cut into `count` equal buckets (bucket `b` holds the
/// scores `s` for which `(s - low) * scale` rounds to `b`; the top one also
/// holds `count`), and
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

    /// Sorts `count` keys best first and fills `table` (`count + 1`
    /// entries): a counting sort by bucket (a key's bucket depends only on its
    /// score, so higher buckets rank first), then a sort inside each bucket,
    /// which holds about one key. `scratch` has room for `count` keys. Without
    /// a usable score range the keys are sorted by comparison and `scale` is 0.
    static func sort(_ keys: UnsafeMutablePointer<UInt64>, count: Int, scratch: UnsafeMutablePointer<UInt64>,
                     table: UnsafeMutablePointer<Int32>, low: inout Float, scale: inout Float) {
        scale = 0
        guard count > 1 else { return }
        var (best, worst) = (keys[0], keys[0])
        for p in 1..<count {
            best = Swift.max(best, keys[p])
            worst = Swift.min(worst, keys[p])
        }
        let (high, lowest) = (RankingKey.score(best), RankingKey.score(worst))
        let perScore = Float(count) / (high - lowest)
        // Buckets are numbered through the bits of a float below 2^24 (`bucket`).
        guard perScore.isFinite, perScore > 0, count < 1 << 22 else {
            RankingKey.sortBestFirst(keys, count: count)
            return
        }
        (low, scale) = (lowest, perScore)
        let buckets = RelevantBuckets(keys: keys, count: count, table: table, low: low, scale: scale, histogram: table)
        table.update(repeating: 0, count: count + 1)
        for p in 0..<count { table[buckets.bucket(RankingKey.score(keys[p]))] &+= 1 }
        // Counts to ends: bucket b's keys go to positions table[b + 1]..<table[b].
        for b in stride(from: count - 2, through: 0, by: -1) { table[b] &+= table[b + 1] }
        scratch.update(from: keys, count: count)
        for p in 0..<count {
            let b = buckets.bucket(RankingKey.score(scratch[p]))
            table[b] &-= 1
            keys[Int(table[b])] = scratch[p]
        }
        // Each table[b] now holds its bucket's start, the end of bucket b - 1.
        for b in stride(from: count - 1, through: 1, by: -1) { table[b] = table[b - 1] }
        table[0] = Int32(count)
        for b in 0..<count where table[b] - table[b + 1] > 1 {
            sortBestFirst(keys + Int(table[b + 1]), count: Int(table[b] - table[b + 1]))
        }
    }

    /// Insertion sort for the few keys of a bucket; many (equal scores) go to the library sort.
    private static func sortBestFirst(_ keys: UnsafeMutablePointer<UInt64>, count: Int) {
        guard count <= 16 else { return RankingKey.sortBestFirst(keys, count: count) }
        for p in 1..<count {
            let key = keys[p]
            var q = p
            while q > 0, keys[q - 1] < key {
                keys[q] = keys[q - 1]
                q -= 1
            }
            keys[q] = key
        }
    }

    /// The bucket of a score in `[low, high]`: `(score - low) * scale`
    /// rounded to an integer by adding 2^23 (exact, with no trap to check,
    /// and as monotone as truncation), at most `count - 1`.
    @inline(__always)
    func bucket(_ score: Float) -> Int {
        let rounded = Int((((score - low) * scale) + 0x1p23).bitPattern & 0x7F_FFFF)
        return rounded < count ? rounded : count &- 1
    }

    /// How many relevant keys rank before `key` (made from `score`).
    @inline(__always)
    func position(_ key: UInt64, _ score: Float) -> Int {
        // Keys are never 0 (the index part of a key is below 2^32 - 1), so no keys means key > best.
        if key > best { return 0 }
        if key < worst { return count }
        if scale == 0 { return RankingKey.countAbove(key, in: keys, count: count) }
        // Between the best and the worst key, the score lies in [low, high].
        let b = bucket(score)
        let first = Int(table[b &+ 1]), size = Int(table[b]) &- first
        if size > 4 { return first &+ RankingKey.countAbove(key, in: keys + first, count: size) }
        // A bucket holds about one key: count the ones above without a branch
        // (the keys after the bucket, and the spare ones after the last query's, are read and not counted).
        let bucket = keys + first
        let above = (one(bucket[0] > key) & one(size > 0)) &+ (one(bucket[1] > key) & one(size > 1))
            &+ (one(bucket[2] > key) & one(size > 2)) &+ (one(bucket[3] > key) & one(size > 3))
        return first &+ above
    }

    @inline(__always)
    private func one(_ condition: Bool) -> Int { condition ? 1 : 0 }

    /// Counts one irrelevant item, of this score and index, for this query.
    @inline(__always)
    func countIrrelevant(_ score: Float, _ index: Int) {
        histogram[position(RankingKey.make(score, index), score)] &+= 1
    }
}
