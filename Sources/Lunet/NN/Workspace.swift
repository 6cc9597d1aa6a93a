/// A scratch buffer a layer keeps between calls, so steps do not allocate:
/// it only grows, to the largest size asked for.
final class Workspace<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

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
            pointer.deallocate()
            pointer = UnsafeMutablePointer<Element>.allocate(capacity: count)
            capacity = count
        }
        return pointer
    }

    deinit {
        pointer.deallocate()
    }
}
