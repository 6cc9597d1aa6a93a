import XCTest
@testable import Lunet

/// The bucket table that places an irrelevant item among a query's sorted
/// relevant keys must give exactly the binary search's answer, for any scores.
final class RelevantBucketsTests: XCTestCase {
    /// Relevant scores, then other items' scores; indices: relevant ones even, others odd.
    func check(_ relevant: [Float], _ others: [Float], file: StaticString = #filePath, line: UInt = #line) {
        // Four spare keys, as RelevantRanks keeps (an empty list still has an address, and buckets are
        // read four keys at a time). The bucket sort must sort as the library does.
        var keys = relevant.enumerated().map { RankingKey.make($1, 2 * $0) } + [0, 0, 0, 0]
        let count = relevant.count
        var table = [Int32](repeating: -1, count: count + 1), scratch = keys
        var low: Float = 0, scale: Float = 0
        keys.withUnsafeMutableBufferPointer { k in
            table.withUnsafeMutableBufferPointer { t in
                scratch.withUnsafeMutableBufferPointer { s in
                    RelevantBuckets.sort(k.baseAddress!, count: count, scratch: s.baseAddress!, table: t.baseAddress!,
                                         low: &low, scale: &scale)
                }
            }
        }
        XCTAssertEqual(Array(keys.prefix(count)), relevant.enumerated().map { RankingKey.make($1, 2 * $0) }.sorted(by: >),
                       file: file, line: line)
        keys.withUnsafeBufferPointer { k in
            table.withUnsafeMutableBufferPointer { t in
                let buckets = RelevantBuckets(keys: k.baseAddress!, count: count, table: t.baseAddress!, low: low,
                                              scale: scale, histogram: t.baseAddress!)
                for (o, score) in others.enumerated() {
                    let key = RankingKey.make(score, 2 * o + 1)
                    XCTAssertEqual(buckets.position(key, score), RankingKey.countAbove(key, in: k.baseAddress!, count: count),
                                   "score \(score)", file: file, line: line)
                }
            }
        }
    }

    func testRandomScoresWithTies() {
        var generator = RandomGenerator(seed: 11)
        for count in [1, 2, 3, 10, 100, 500] {
            let relevant = (0..<count).map { _ in Float(Int.random(in: -50...50, using: &generator)) / 8 }
            let others = (0..<2000).map { _ in Float(Int.random(in: -60...60, using: &generator)) / 8 }
            check(relevant, others + relevant)
        }
    }

    func testSkewedAndCloseScores() {
        var generator = RandomGenerator(seed: 12)
        // Most scores in a sliver of the range, a few far out (trained codes look so).
        let relevant = (0..<300).map { i in i % 50 == 0 ? Float(i) : 0.5 + Float.random(in: 0..<1e-4, using: &generator) }
        let others = (0..<3000).map { _ in 0.5 + Float.random(in: -1e-4..<2e-4, using: &generator) } + [-1, 0, 299, 300, 1e30]
        check(relevant, others + relevant)
        // Neighbouring floats only.
        let tight = (0..<64).map { Float(1).advanced(by: $0) }
        check(tight, tight + (0..<64).map { Float(1).advanced(by: $0 - 3) })
    }

    func testDegenerateRangesFallBackToTheBinarySearch() {
        check([2, 2, 2], [1, 2, 3])
        check(Array(repeating: 1, count: 40) + [0, 2] + Array(repeating: 1, count: 9), [1, 0.5, 1.5, 3])  // one crowded bucket
        check([0, -0.0], [0, -0.0, 1])
        check([1, .nan, 3], [.nan, 2, 0, 4])
        check([.infinity, 1, -.infinity], [.infinity, 0, -.infinity, .nan])
        check([-Float.greatestFiniteMagnitude, Float.greatestFiniteMagnitude], [0, 1, -1])
        check([], [1, .nan])
    }
}

private extension Float {
    /// The float `steps` representable values above (below, if negative) this one.
    func advanced(by steps: Int) -> Float {
        var value = self
        for _ in 0..<Swift.abs(steps) { value = steps > 0 ? value.nextUp : value.nextDown }
        return value
    }
}
