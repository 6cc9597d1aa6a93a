import Foundation

/// The one check every tensor storage passes before it is allocated: the
/// shape's element count (overflow-checked) and its bytes against what the
/// machine can give. A request that cannot be met is a `LunetError` the user
/// reads, never a `Fatal error: failed to allocate` that ends the process, nor
/// an overcommitted block the kernel's OOM killer ends it for later.
public enum MemoryBudget {
    /// More elements than any machine holds: the product stops here, so it never overflows.
    static let maximumElementCount = 1 << 40
    /// Requests at least this large are also checked against the memory free now.
    static let freeMemoryCheckBytes = 1 << 30

    public static let physicalBytes = Int(clamping: ProcessInfo.processInfo.physicalMemory)

    /// The element count of `shape`, after checking that a tensor of that
    /// shape and element type can be allocated now.
    ///
    /// ```lua
    /// x = tensor.randn({100000, 1}); x:matmul(x:t())
    /// -- cannot allocate a 100000x100000 Float32 tensor (37.3 GiB): the machine has 23.4 GiB
    /// ```
    public static func elementCount<Element>(of shape: [Int], _ element: Element.Type, typeName: String) throws -> Int {
        var count = 1
        for size in shape {
            guard size >= 0 else { throw LunetError("invalid shape \(shape): sizes must be non-negative") }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maximumElementCount else {
                throw LunetError("cannot allocate a \(formatShape(shape)) \(typeName) tensor: more elements than any machine holds")
            }
            count = product
        }
        try check(bytes: count * MemoryLayout<Element>.stride, for: "a \(formatShape(shape)) \(typeName) tensor")
        return count
    }

    /// Throws unless `bytes` fit in the machine's memory, and (for large
    /// requests) in the memory free now, counting blocks the allocator's cache
    /// can give back. `what` names the request: `a 2x3 Float32 tensor`.
    public static func check(bytes: Int, for what: String) throws {
        func refusal(_ reason: String) -> LunetError {
            LunetError("cannot allocate \(what) (\(gibibytes(bytes))): \(reason)")
        }
        guard bytes <= physicalBytes else { throw refusal("the machine has \(gibibytes(physicalBytes))") }
        if bytes >= freeMemoryCheckBytes, let free = availableBytes() {
            if bytes > free + StorageAllocator.releasableByteCount {
                throw refusal("\(gibibytes(free)) of the machine's \(gibibytes(physicalBytes)) are free")
            }
            if bytes > free { StorageAllocator.releaseCache() }
        }
    }

    /// `37.3 GiB`
    static func gibibytes(_ bytes: Int) -> String {
        String(format: "%.1f GiB", Double(bytes) / Double(1 << 30))
    }

    /// Linux's estimate of the memory a new allocation can use without
    /// swapping (`MemAvailable`), or nil where it is not known.
    static func availableBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        return kilobytes << 10
    }
}
