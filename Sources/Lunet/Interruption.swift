/// Lets long engine loops (training, mining, search) stop cleanly between
/// batches when the user presses Ctrl-C. The engine knows nothing of signals:
/// the host installs `poll`, which reads its own flag.
public enum Interruption {
    nonisolated(unsafe) public static var poll: () -> Bool = { false }

    /// Throws `interrupted` when a stop was asked for.
    public static func check() throws {
        if poll() { throw LunetError("interrupted") }
    }
}
