import Dispatch
import Foundation

/// Splits element-wise work over the machine's cores. BLAS already uses every
/// core inside a product; the loops around it (im2col, pooling, batch norm)
/// use this.
enum ParallelLoop {
    /// The core count, or `LUNET_LOOP_THREADS` when set to an integer (1, or
    /// less, keeps loops on the calling thread). Read at every loop (a `getenv`,
    /// far below a loop's cost), so setting it later (as `Distributed.start`
    /// does for ranks sharing a machine) takes effect at the next loop.
    static var workers: Int {
        if let text = getenv("LUNET_LOOP_THREADS"), let configured = Int(String(cString: text)) {
            return Swift.max(1, configured)
        }
        return cores
    }

    static let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` on contiguous ranges covering `0..<count`, concurrently;
    /// below `grain` items per worker it stays on the calling thread.
    static func forEach(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let tasks = Swift.min(workers, count / Swift.max(grain, 1))
        if tasks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let start = count * task / tasks
                let end = count * (task + 1) / tasks
                box.value(start..<end)
            }
        }
    }
}

extension ParallelLoop {
    /// `forEach` for a check: true when `body` returned true on every range.
    static func allSatisfy(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Bool) -> Bool {
        let lock = NSLock()
        var all = true
        forEach(count, grain: grain) { range in
            let result = body(range)
            lock.lock()
            all = all && result
            lock.unlock()
        }
        return all
    }
}

/// Carries non-Sendable values (closures over buffers) into `concurrentPerform`;
/// the loops above give each task a disjoint part of the buffers.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
