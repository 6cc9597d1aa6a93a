import Foundation

/// Reuses large tensor buffers. Training and search loops free and allocate
/// buffers of the same sizes every step; handing a freed block back avoids
/// the kernel's page faults and zeroing of fresh memory, which cost 10% of a
/// 2048x2048 matmul. Small blocks go straight to malloc.
public enum StorageAllocator {
    /// Blocks at least this large are cached when freed.
    static let minimumCachedBytes = 1 << 18
    /// The cache never holds more than this many bytes.
    nonisolated(unsafe) public static var capacityBytes = 1 << 30

    nonisolated(unsafe) private static var freeBlocks: [Int: [UnsafeMutableRawPointer]] = [:]
    nonisolated(unsafe) private static var cachedBytes = 0
    private static let lock = NSLock()

    static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        if byteCount >= minimumCachedBytes {
            lock.lock()
            if let block = freeBlocks[byteCount]?.popLast() {
                cachedBytes -= byteCount
                lock.unlock()
                return block
            }
            lock.unlock()
        }
        return UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: max(alignment, 64))
    }

    static func deallocate(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= minimumCachedBytes {
            lock.lock()
            if cachedBytes + byteCount <= capacityBytes {
                freeBlocks[byteCount, default: []].append(block)
                cachedBytes += byteCount
                lock.unlock()
                return
            }
            lock.unlock()
        }
        block.deallocate()
    }

    /// Frees every cached block (for a caller about to need memory elsewhere).
    public static func releaseCache() {
        lock.lock()
        defer { lock.unlock() }
        for block in freeBlocks.values.joined() { block.deallocate() }
        freeBlocks.removeAll()
        cachedBytes = 0
    }

    /// Bytes held in the cache now.
    public static var cachedByteCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return cachedBytes
    }
}
