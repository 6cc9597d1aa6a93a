import Foundation

/// Reuses large tensor buffers. Training and search loops free and allocate
/// buffers of the same sizes every step; handing freed memory back avoids the
/// kernel's page faults and zeroing of fresh memory, which cost 10% of a
/// 2048x2048 matmul and 40% of a Koch-network training step. Small blocks go
/// straight to malloc.
///
/// Freed buffers become free chunks of a `BufferCache`, which cuts later
/// requests of any size out of them, so what the process holds stays near
/// the most that is live at once. When the free chunks exceed the capacity,
/// entirely free segments are given back, least recently used first, so memory
/// of sizes no longer used (another network, the last partial batch) is what
/// goes. (Giving memory back on every miss instead keeps the cache from ever
/// warming up: during a first backward pass each new gradient would evict the
/// activations just freed.)
public enum StorageAllocator {
    /// Blocks at least this large are cached when freed.
    static let minimumCachedBytes = 1 << 18
    /// The cache never holds more than this many free bytes in segments it
    /// could give back: `LUNET_BUFFER_CACHE_MB` when set (0 turns the cache
    /// off), else a quarter of memory, at most 8 GiB.
    nonisolated(unsafe) public static var capacityBytes: Int = {
        if let text = ProcessInfo.processInfo.environment["LUNET_BUFFER_CACHE_MB"], let megabytes = Int(text), megabytes >= 0 {
            return megabytes << 20
        }
        return Int(min(ProcessInfo.processInfo.physicalMemory / 4, 8 << 30))
    }()

    nonisolated(unsafe) private static var cache = BufferCache()
    /// Large allocations that found no cached memory, since the process started
    /// (benchmarks print it: a training loop in its steady state should add none).
    nonisolated(unsafe) public private(set) static var missCount = 0
    /// Bytes of large blocks handed out and not yet freed (live tensors), in whole pages.
    nonisolated(unsafe) private static var liveBytes = 0
    /// The largest `liveBytes` (since `resetLivePeak`) and `liveBytes + cachedBytes`.
    nonisolated(unsafe) private static var peakLive = 0
    nonisolated(unsafe) private static var peakHeld = 0
    private static let lock = NSLock()

    static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= minimumCachedBytes else {
            return UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: max(alignment, 64))
        }
        lock.lock()
        defer { lock.unlock() }
        let size = BufferCache.chunkSize(for: byteCount)
        liveBytes += size
        peakLive = max(peakLive, liveBytes)
        guard size <= capacityBytes else {
            missCount += 1
            peakHeld = max(peakHeld, liveBytes + cache.freeBytes)
            return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: max(alignment, 64))
        }
        let (pointer, missed) = cache.allocate(size)
        if missed {
            missCount += 1
            peakHeld = max(peakHeld, liveBytes + cache.freeBytes)
        }
        return pointer
    }

    static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        guard byteCount >= minimumCachedBytes else {
            pointer.deallocate()
            return
        }
        lock.lock()
        defer { lock.unlock() }
        liveBytes -= BufferCache.chunkSize(for: byteCount)
        guard cache.deallocate(pointer) else {
            pointer.deallocate()
            return
        }
        if cache.freeBytes > capacityBytes { cache.evict(atLeast: cache.freeBytes - capacityBytes) }
    }

    /// Gives back every entirely free segment (for a caller about to need
    /// memory elsewhere); free chunks of segments partly in use stay.
    public static func releaseCache() {
        lock.lock()
        defer { lock.unlock() }
        cache.evict(atLeast: .max)
    }

    /// Large-block figures for benchmarks: bytes in live tensors now, and since
    /// the start the most live at once (since `resetLivePeak`) and the most live
    /// plus cached at once (what the allocator made the process hold).
    public static var statistics: (live: Int, peakLive: Int, peakHeld: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (liveBytes, peakLive, peakHeld)
    }

    /// Starts the live peak over from what is live now (to see one phase's peak).
    public static func resetLivePeak() {
        lock.lock()
        defer { lock.unlock() }
        peakLive = liveBytes
    }

    /// Bytes `releaseCache` would give back now (entirely free segments).
    public static var releasableByteCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return cache.idleBytes
    }

    /// Bytes held in the cache's free chunks now.
    public static var cachedByteCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return cache.freeBytes
    }
}
