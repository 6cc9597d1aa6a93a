import Foundation

/// The failure with the lowest index among parallel workers, and a flag that
/// tells the others to stop.
final class FailureRecord: @unchecked Sendable {
    private let lock = NSLock()
    private var index = Int.max
    private var error: Error?

    var stopped: Bool { lock.withLock { error != nil } }
    var first: Error? { lock.withLock { error } }

    func record(_ index: Int, _ error: Error) {
        lock.withLock {
            if index < self.index {
                self.index = index
                self.error = error
            }
        }
    }
}
