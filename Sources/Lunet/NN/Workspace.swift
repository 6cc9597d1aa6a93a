/// A scratch buffer a layer keeps between calls, so steps do not allocate:
/// it only grows, to the largest size asked for.
final class Workspace<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init() {
        capacity = 0
        pointer = UnsafeMutablePointer<Element>.allocate(capacity: 1)
    }

    /// Room for `count` elements; previous contents are not kept.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
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
