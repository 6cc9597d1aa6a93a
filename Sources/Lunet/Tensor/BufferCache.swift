/// The memory behind `StorageAllocator`: segments (blocks once obtained from
/// the system) cut into chunks, each live (handed out) or free. A request takes
/// the smallest free chunk it fits in, from its front; the rest of the chunk
/// stays free, and a freed chunk merges with free neighbours.
///
/// Why chunks and not whole blocks kept by exact size: a training step needs
/// buffers of each size at different moments. Kept by size, every size held its
/// own largest count for the whole step, so the blocks of the Koch network's
/// second block (83 MiB each) sat idle in the cache while the first block's
/// backward held four 216 MiB buffers: 570 MiB over what was live. Cut from
/// shared segments, the second block's buffers are carved out of the first
/// block's, and what the process holds stays close to what is live at once.
///
/// A request no free chunk holds first gives back entirely free segments
/// (all smaller than it; least recently freed first) of at least its size,
/// then takes a new segment: memory idle at that moment is traded for the new
/// segment instead of being held beside it. (With blocks kept by exact size
/// this kept the cache from warming up; cut into chunks, the segments left
/// serve every smaller request, and the Koch step misses nothing from its
/// third step on.)
///
/// A step that repeats the previous one's requests finds the same free chunks
/// (ties go to the lowest address, so the choice does not depend on hashing),
/// so once one step has run without a miss, the next ones miss nothing either.
/// Not thread-safe: `StorageAllocator` holds a lock around it.
struct BufferCache {
    /// Chunk sizes are whole pages, so chunks cut from a segment stay page-aligned.
    static let granularity = 4096
    /// A buffer starts this far into its chunk (64-byte aligned, as malloc's
    /// large blocks). Buffers at page boundaries made copies between a tensor
    /// and a page-aligned workspace slow (both rows at the same offset in a
    /// page: the CPU takes the loads for aliases of the stores): the Koch
    /// network's first convolution's backward took 0.6-0.8 s instead of 0.4-0.5.
    static let skew = 64

    struct Chunk: Equatable {
        var offset: Int
        var size: Int
        var isFree: Bool
    }

    struct Segment {
        let base: UnsafeMutableRawPointer
        let size: Int
        /// Ordered by offset, covering the segment; no two free chunks are neighbours.
        var chunks: [Chunk]
        /// When a chunk of it was last freed: entirely free segments are evicted oldest first.
        var lastFreed = 0

    }

    private(set) var segments: [UnsafeMutableRawPointer: Segment] = [:]
    /// The segment of each live chunk, by the chunk's address (its buffer's less the skew).
    private var liveChunks: [UnsafeMutableRawPointer: UnsafeMutableRawPointer] = [:]
    /// The segment and size of each free chunk, by its address: requests search
    /// these only, not every segment (a program may hold thousands of live tensors).
    private var freeChunks: [UnsafeMutableRawPointer: (base: UnsafeMutableRawPointer, size: Int)] = [:]
    /// Bytes in free chunks: what the cache holds beyond live tensors.
    private(set) var freeBytes = 0
    /// Bytes in live chunks.
    private(set) var liveBytes = 0
    private var clock = 0

    /// `bytes` and the skew rounded up to whole pages: the size a chunk for it takes.
    static func chunkSize(for bytes: Int) -> Int {
        (Swift.max(bytes, 1) + skew + granularity - 1) / granularity * granularity
    }

    /// Bytes of every segment: what the cache makes the process hold.
    var heldBytes: Int { freeBytes + liveBytes }

    /// `bytes` at `skew` into a chunk, and whether the chunk had to come from a
    /// new segment (a miss: fresh memory the kernel still has to fault in).
    mutating func allocate(_ bytes: Int) -> (pointer: UnsafeMutableRawPointer, missed: Bool) {
        let size = Self.chunkSize(for: bytes)
        if let start = take(size) { return (start + Self.skew, false) }
        evict(atLeast: size)
        let base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.granularity)
        segments[base] = Segment(base: base, size: size, chunks: [Chunk(offset: 0, size: size, isFree: false)])
        liveChunks[base] = base
        liveBytes += size
        return (base + Self.skew, true)
    }

    /// Cuts `size` bytes from the front of the smallest free chunk that holds them.
    private mutating func take(_ size: Int) -> UnsafeMutableRawPointer? {
        var best: (address: UnsafeMutableRawPointer, base: UnsafeMutableRawPointer, size: Int)?
        for (address, chunk) in freeChunks where chunk.size >= size {
            if let current = best, current.size < chunk.size || (current.size == chunk.size && current.address < address) {
                continue
            }
            best = (address, chunk.base, chunk.size)
        }
        guard let best else { return nil }
        var segment = segments[best.base]!
        let index = segment.chunks.firstIndex { $0.offset == best.address - best.base }!
        segment.chunks[index].size = size
        segment.chunks[index].isFree = false
        freeChunks[best.address] = nil
        if best.size > size {
            let rest = Chunk(offset: segment.chunks[index].offset + size, size: best.size - size, isFree: true)
            segment.chunks.insert(rest, at: index + 1)
            freeChunks[best.address + size] = (best.base, rest.size)
        }
        segments[best.base] = segment
        liveChunks[best.address] = best.base
        freeBytes -= size
        liveBytes += size
        return best.address
    }

    /// Returns a buffer's chunk to the cache, merged with free neighbours;
    /// false when `pointer` is not a live buffer of this cache.
    mutating func deallocate(_ pointer: UnsafeMutableRawPointer) -> Bool {
        let start = pointer - Self.skew
        guard let base = liveChunks.removeValue(forKey: start), var segment = segments[base],
              var index = segment.chunks.firstIndex(where: { $0.offset == start - base }) else { return false }
        let size = segment.chunks[index].size
        segment.chunks[index].isFree = true
        if index + 1 < segment.chunks.count, segment.chunks[index + 1].isFree {
            let next = segment.chunks.remove(at: index + 1)
            freeChunks[base + next.offset] = nil
            segment.chunks[index].size += next.size
        }
        if index > 0, segment.chunks[index - 1].isFree {
            segment.chunks[index - 1].size += segment.chunks.remove(at: index).size
            index -= 1
        }
        let merged = segment.chunks[index]
        freeChunks[base + merged.offset] = (base, merged.size)
        clock += 1
        segment.lastFreed = clock
        segments[base] = segment
        freeBytes += size
        liveBytes -= size
        return true
    }

    /// Bytes of entirely free segments: what `evict` can give back now.
    var idleBytes: Int {
        freeChunks.reduce(0) { sum, entry in
            entry.key == entry.value.base && entry.value.size == segments[entry.key]!.size ? sum + entry.value.size : sum
        }
    }

    /// Gives entirely free segments back to the system, least recently freed
    /// first, until at least `bytes` are given back or none is left; returns the bytes given back.
    @discardableResult
    mutating func evict(atLeast bytes: Int) -> Int {
        var freed = 0
        let candidates = freeChunks.compactMap { address, chunk in
            address == chunk.base && chunk.size == segments[chunk.base]!.size ? segments[chunk.base] : nil
        }.sorted { ($0.lastFreed, $0.base) < ($1.lastFreed, $1.base) }
        for segment in candidates where freed < bytes {
            segments[segment.base] = nil
            freeChunks[segment.base] = nil
            segment.base.deallocate()
            freeBytes -= segment.size
            freed += segment.size
        }
        return freed
    }

    /// The chunks of the segment at `base`, in address order (for tests).
    func chunks(ofSegmentAt base: UnsafeMutableRawPointer) -> [Chunk] {
        segments[base]?.chunks ?? []
    }
}
