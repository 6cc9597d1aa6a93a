import XCTest
@testable import Lunet

/// The buffer cache's rules, with exact byte counts: requests are cut from the
/// smallest free chunk that holds them, freed neighbours merge, and only
/// entirely free segments go back to the system, least recently freed first.
final class BufferCacheTests: XCTestCase {
    let page = BufferCache.granularity
    let skew = BufferCache.skew
    let mebibyte = 1 << 20

    /// The request that takes a chunk of exactly `bytes`.
    func request(_ bytes: Int) -> Int { bytes - skew }

    /// The chunk start of a buffer.
    func start(_ pointer: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer { pointer - skew }

    /// Frees every segment a test made.
    func drain(_ cache: inout BufferCache) {
        XCTAssertEqual(cache.liveBytes, 0, "a test left chunks live")
        cache.evict(atLeast: .max)
        XCTAssertEqual(cache.heldBytes, 0)
    }

    func testSizesRoundUpToWholePagesWithTheSkew() {
        XCTAssertEqual(skew, 64)
        XCTAssertEqual(BufferCache.chunkSize(for: 1), page)
        XCTAssertEqual(BufferCache.chunkSize(for: page - 64), page)
        XCTAssertEqual(BufferCache.chunkSize(for: page - 63), 2 * page)
        XCTAssertEqual(BufferCache.chunkSize(for: 1_000_000), 245 * page)
    }

    func testAFreedChunkServesSmallerRequestsFromItsFront() {
        var cache = BufferCache()
        let (first, missed) = cache.allocate(request(mebibyte))
        XCTAssertTrue(missed)
        let base = start(first)
        XCTAssertEqual(Int(bitPattern: base) % page, 0)
        XCTAssertTrue(cache.deallocate(first))
        XCTAssertEqual(cache.freeBytes, mebibyte)

        let quarter = cache.allocate(request(mebibyte / 4))
        XCTAssertFalse(quarter.missed)
        XCTAssertEqual(quarter.pointer, base + skew)
        let half = cache.allocate(request(mebibyte / 2) - 100)  // rounds up to whole pages: exactly half
        XCTAssertFalse(half.missed)
        XCTAssertEqual(half.pointer, base + mebibyte / 4 + skew)
        XCTAssertEqual(cache.freeBytes, mebibyte / 4)
        XCTAssertEqual(cache.liveBytes, 3 * mebibyte / 4)
        XCTAssertEqual(cache.chunks(ofSegmentAt: base), [
            .init(offset: 0, size: mebibyte / 4, isFree: false),
            .init(offset: mebibyte / 4, size: mebibyte / 2, isFree: false),
            .init(offset: 3 * mebibyte / 4, size: mebibyte / 4, isFree: true),
        ])

        // Too large for the quarter left: a new segment.
        let other = cache.allocate(request(mebibyte / 2))
        XCTAssertTrue(other.missed)
        XCTAssertEqual(cache.heldBytes, mebibyte + mebibyte / 2)

        // Freed neighbours merge back into one chunk the whole segment long.
        XCTAssertTrue(cache.deallocate(quarter.pointer))
        XCTAssertTrue(cache.deallocate(half.pointer))
        XCTAssertTrue(cache.deallocate(other.pointer))
        XCTAssertEqual(cache.chunks(ofSegmentAt: base), [.init(offset: 0, size: mebibyte, isFree: true)])
        XCTAssertEqual(cache.freeBytes, mebibyte + mebibyte / 2)
        drain(&cache)
    }

    func testTheSmallestFreeChunkThatFitsIsTaken() {
        var cache = BufferCache()
        let large = cache.allocate(request(2 * mebibyte)).pointer, small = cache.allocate(request(mebibyte)).pointer
        XCTAssertTrue(cache.deallocate(large))
        XCTAssertTrue(cache.deallocate(small))
        let taken = cache.allocate(request(mebibyte - page))
        XCTAssertEqual(taken.pointer, small)
        XCTAssertFalse(taken.missed)
        XCTAssertTrue(cache.deallocate(taken.pointer))
        drain(&cache)
    }

    func testOnlyEntirelyFreeSegmentsAreEvictedOldestFirst() {
        var cache = BufferCache()
        let a = cache.allocate(request(mebibyte)).pointer, b = cache.allocate(request(2 * mebibyte)).pointer
        let c = cache.allocate(request(3 * mebibyte)).pointer
        XCTAssertTrue(cache.deallocate(b))
        XCTAssertTrue(cache.deallocate(a))
        // c is cut in two; its free half cannot be given back while the other is live.
        XCTAssertTrue(cache.deallocate(c))
        let part = cache.allocate(request(2 * mebibyte + mebibyte / 2))
        XCTAssertEqual(part.pointer, c)
        XCTAssertEqual(cache.freeBytes, 3 * mebibyte + mebibyte / 2)
        XCTAssertEqual(cache.idleBytes, 3 * mebibyte)

        // b was freed first: it goes first, and eviction stops once enough is given back.
        XCTAssertEqual(cache.evict(atLeast: 1), 2 * mebibyte)
        XCTAssertEqual(cache.evict(atLeast: .max), mebibyte)
        XCTAssertEqual(cache.freeBytes, mebibyte / 2)
        XCTAssertEqual(cache.heldBytes, 3 * mebibyte)
        XCTAssertTrue(cache.deallocate(part.pointer))
        drain(&cache)
    }

    func testForeignPointersAreNotTaken() {
        var cache = BufferCache()
        let foreign = UnsafeMutableRawPointer.allocate(byteCount: page, alignment: page)
        defer { foreign.deallocate() }
        XCTAssertFalse(cache.deallocate(foreign))
        let chunk = cache.allocate(request(mebibyte)).pointer
        XCTAssertFalse(cache.deallocate(start(chunk)), "a chunk's start is not its buffer")
        XCTAssertTrue(cache.deallocate(chunk))
        XCTAssertFalse(cache.deallocate(chunk), "a chunk freed twice")
        drain(&cache)
    }

    /// The first two blocks of a Koch step (conv, batch norm, ReLU, pool),
    /// sizes in units: 4 for the first block's buffers, 2 for the second's, 1
    /// for the pooled output and its gradient. At most 17 units are live at
    /// once (in the second ReLU's backward); blocks kept by exact size would
    /// hold each size's own largest count, 4 x 4 + 4 x 2 + 2 x 1 = 26 units.
    /// The chunks hold 18: the live peak and the 1 unit left of the 4-unit
    /// segment the pooled output and the second convolution were cut from.
    /// The first backward's last miss (4 units) gives back two idle 2-unit
    /// segments first; the second step misses nothing.
    func testARepeatedStepHoldsAboutItsLivePeakAndMissesNothing() {
        var cache = BufferCache()
        let unit = 16 * page
        var live = 0, peak = 0
        func step() -> Int {
            var misses = 0
            func take(_ units: Int) -> UnsafeMutableRawPointer {
                let (pointer, missed) = cache.allocate(request(units * unit))
                if missed { misses += 1 }
                live += units
                peak = max(peak, live)
                return pointer
            }
            func free(_ pointer: UnsafeMutableRawPointer, _ units: Int) {
                XCTAssertTrue(cache.deallocate(pointer))
                live -= units
            }
            // Forward: the batch-norm outputs go once the ReLUs have run.
            let conv1 = take(4), norm1 = take(4), relu1 = take(4)
            free(norm1, 4)
            let pool1 = take(1), conv2 = take(2), norm2 = take(2), relu2 = take(2)
            free(norm2, 2)
            // Backward, each input freed once no backward still needs it.
            let gradient = take(2), reluGradient2 = take(2)
            free(gradient, 2); free(relu2, 2)
            let normGradient2 = take(2)
            free(reluGradient2, 2); free(conv2, 2)
            let convGradient2 = take(1)
            free(normGradient2, 2); free(pool1, 1)
            let poolGradient1 = take(4)
            free(convGradient2, 1)
            let reluGradient1 = take(4)
            free(poolGradient1, 4); free(relu1, 4)
            let normGradient1 = take(4)
            free(reluGradient1, 4); free(conv1, 4); free(normGradient1, 4)
            return misses
        }
        XCTAssertGreaterThan(step(), 0)
        XCTAssertEqual(peak, 17)
        let held = cache.heldBytes
        XCTAssertEqual(step(), 0)
        XCTAssertEqual(cache.heldBytes, held)
        XCTAssertEqual(held, 18 * unit)
        XCTAssertEqual(cache.segments.values.map(\.size).sorted(), [2, 4, 4, 4, 4].map { $0 * unit })
        drain(&cache)
    }
}
