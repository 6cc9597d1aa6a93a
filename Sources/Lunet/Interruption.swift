/// Lets long engine loops (training, mining, search) stop cleanly between
/// batches when the user presses Ctrl-C. The engine knows nothing of signals:
/// the host installs `poll`, which reads its own flag, and `consume`, which
/// clears it.
///
/// Two ways to stop:
/// - `check()` throws `Interrupted`: the loop's caller gets an error.
/// - `consume()` in a loop that returns what it has so far (`train.fit`'s
///   history with `stopReason = "interrupted"`): the request is taken, so
///   the host does not also raise it as an error once the loop returns.
public enum Interruption {
    nonisolated(unsafe) public static var poll: () -> Bool = { false }
    /// Clears a pending request; true when there was one.
    nonisolated(unsafe) public static var consume: () -> Bool = { false }

    /// The error of a loop (or a callback it ran) stopped by Ctrl-C.
    public struct Interrupted: Error, CustomStringConvertible, Equatable {
        public init() {}
        public var description: String { "interrupted" }
    }

    /// Throws `Interrupted` when a stop was asked for.
    public static func check() throws {
        if poll() { throw Interrupted() }
    }
}
