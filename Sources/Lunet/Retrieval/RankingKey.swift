/// One 64-bit key per (score, index) pair whose unsigned order is the ranking
/// order: a higher score first, equal scores by lower index, NaN after every
/// number (NaNs among themselves by index). One integer compare decides a
/// rank, so the searches in `NeighborSearch` and `AveragePrecision` have no
/// branches on special values and every run ranks the same way.
enum RankingKey {
    /// Higher key ranks first. `-0` counts as `+0`; indices must be below 2^32.
    @inline(__always)
    static func make(_ score: Float, _ index: Int) -> UInt64 {
        (UInt64(order(score)) << 32) | UInt64(~UInt32(truncatingIfNeeded: index))
    }

    @inline(__always)
    static func index(_ key: UInt64) -> Int {
        Int(~UInt32(truncatingIfNeeded: key))
    }

    /// The score a key was made from (NaN for NaN; `-0` comes back `+0`).
    @inline(__always)
    static func score(_ key: UInt64) -> Float {
        let bits = UInt32(truncatingIfNeeded: key >> 32)
        if bits == 0 { return .nan }
        return Float(bitPattern: bits & 0x8000_0000 != 0 ? bits & 0x7FFF_FFFF : ~bits)
    }

    /// Monotone map of the floats to UInt32 with NaN at 0, below -infinity.
    @inline(__always)
    static func order(_ score: Float) -> UInt32 {
        if score.isNaN { return 0 }
        let bits = (score + 0).bitPattern  // + 0 turns -0 into +0
        // Negative: all bits flipped; positive: the sign bit set. Without a
        // branch, since half of the scores can be negative in any order.
        return bits ^ (UInt32(bitPattern: Int32(bitPattern: bits) >> 31) | 0x8000_0000)
    }

    /// Sorts `count` keys at `start` best first.
    static func sortBestFirst(_ start: UnsafeMutablePointer<UInt64>, count: Int) {
        var keys = UnsafeMutableBufferPointer(start: start, count: count)
        keys.sort(by: >)
    }

    /// How many keys of `sorted` (descending) rank before `key`; the halving
    /// steps select without branches, since their outcome is unpredictable.
    @inline(__always)
    static func countAbove(_ key: UInt64, in sorted: UnsafePointer<UInt64>, count: Int) -> Int {
        if count == 0 || key > sorted[0] { return 0 }
        if key < sorted[count - 1] { return count }
        var base = 0, length = count
        while length > 1 {
            let half = length >> 1
            base = sorted[base + half] > key ? base + half : base
            length -= half
        }
        return base + (sorted[base] > key ? 1 : 0)
    }
}
