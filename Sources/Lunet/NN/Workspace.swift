import Foundation

/// A scratch buffer a layer keeps between calls, so steps do not allocate:
/// it only grows, to the largest size asked for.
///
/// Buffers of 2 MB or more sit on 2 MB boundaries and ask the kernel for huge
/// pages: the Winograd transforms write rows half a megabyte apart, and with
/// 4 KB pages nearly every row costs a TLB miss.
final class Workspace<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    static var hugePageBytes: Int { 2 << 20 }

    init() {
        capacity = 0
        pointer = UnsafeMutablePointer<Element>.allocate(capacity: 1)
    }

    /// Room for `count` elements; previous contents are not kept. Growing is
    /// checked like tensor storage (`MemoryBudget`).
    func reserve(_ count: Int) throws -> UnsafeMutablePointer<Element> {
        if count > capacity {
            let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
            try MemoryBudget.check(bytes: overflow ? .max : bytes, for: "a scratch buffer of \(count) elements")
            let alignment = bytes >= Self.hugePageBytes ? Self.hugePageBytes : 64
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, alignment, bytes) == 0, let raw else {
                throw LunetError("out of memory: a scratch buffer of \(count) elements")
            }
            if bytes >= Self.hugePageBytes { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
            release()
            pointer = raw.bindMemory(to: Element.self, capacity: count)
            capacity = count
        }
        return pointer
    }

    private func release() {
        if capacity == 0 { pointer.deallocate() } else { free(pointer) }
    }

    deinit {
        release()
    }
}
