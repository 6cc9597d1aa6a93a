import Foundation

/// Reuses large tensor buffers. Training and search loops free and allocate
/// buffers of the same sizes every step; handing a freed block back avoids the
/// kernel's page faults and zeroing of fresh memory, which cost 10% of a
/// 2048x2048 matmul and 40% of a Koch-network training step. Small blocks go
/// straight to malloc.
///
/// When the cache is full, the least recently cached blocks are freed first,
/// so blocks of sizes no longer used (another network, the last partial
/// batch) are the ones to go. (Freeing on every miss instead keeps the cache
/// from ever warming up: during a first backward pass each new gradient size
/// would evict the activations just freed.)
public enum StorageAllocator {
    /// Blocks at least this large are cached when freed.
    static let minimumCachedBytes = 1 << 18
    /// The cache never holds more than this many bytes: `LUNET_BUFFER_CACHE_MB`
    /// when set (0 turns the cache off), else a quarter of memory, at most 8 GiB.
    nonisolated(unsafe) public static var capacityBytes: Int = {
        if let text = ProcessInfo.processInfo.environment["LUNET_BUFFER_CACHE_MB"], let megabytes = Int(text), megabytes >= 0 {
            return megabytes << 20
        }
        return Int(min(ProcessInfo.processInfo.physicalMemory / 4, 8 << 30))
    }()

    private struct Block {
        let pointer: UnsafeMutableRawPointer
        /// When it was cached; the smallest is evicted first.
        let tick: Int
    }

    nonisolated(unsafe) private static var freeBlocks: [Int: [Block]] = [:]
    nonisolated(unsafe) private static var cachedBytes = 0
    nonisolated(unsafe) private static var clock = 0
    /// Large allocations that found no cached block, since the process started
    /// (benchmarks print it: a training loop in its steady state should add none).
    nonisolated(unsafe) public private(set) static var missCount = 0
    private static let lock = NSLock()

    static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        if byteCount >= minimumCachedBytes {
            lock.lock()
            if let block = freeBlocks[byteCount]?.popLast() {
                cachedBytes -= byteCount
                lock.unlock()
                return block.pointer
            }
            missCount += 1
            lock.unlock()
        }
        return UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: max(alignment, 64))
    }

    static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        guard byteCount >= minimumCachedBytes, byteCount <= capacityBytes else {
            pointer.deallocate()
            return
        }
        lock.lock()
        defer { lock.unlock() }
        evict(atLeast: cachedBytes + byteCount - capacityBytes)
        clock += 1
        freeBlocks[byteCount, default: []].append(Block(pointer: pointer, tick: clock))
        cachedBytes += byteCount
    }

    /// Frees the least recently cached blocks until `bytes` are freed or none is left.
    /// Called with the lock held.
    private static func evict(atLeast bytes: Int) {
        var freed = 0
        while freed < bytes, cachedBytes > 0 {
            guard let (size, blocks) = freeBlocks.min(by: { ($0.value.first?.tick ?? .max) < ($1.value.first?.tick ?? .max) }),
                  let oldest = blocks.first else { return }
            oldest.pointer.deallocate()
            freeBlocks[size]!.removeFirst()
            if freeBlocks[size]!.isEmpty { freeBlocks[size] = nil }
            cachedBytes -= size
            freed += size
        }
    }

    /// Frees every cached block (for a caller about to need memory elsewhere).
    public static func releaseCache() {
        lock.lock()
        defer { lock.unlock() }
        evict(atLeast: .max)
    }

    /// Bytes held in the cache now.
    public static var cachedByteCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return cachedBytes
    }
}
