@preconcurrency import CReadline
import Foundation
import LunetLua

/// readline's C callbacks cannot capture Swift state, so what they need lives here.
enum ReadlineBridge {
    nonisolated(unsafe) static var state: LuaState?
    nonisolated(unsafe) static var line: String?
    nonisolated(unsafe) static var lineComplete = false
    nonisolated(unsafe) static var endOfInput = false
    nonisolated(unsafe) static var matches: [String] = []

    /// Set by SIGINT while waiting at the prompt.
    nonisolated(unsafe) static var interrupted: sig_atomic_t = 0

    static func install(state: LuaState) {
        ReadlineBridge.state = state
        rl_readline_name = UnsafePointer(strdup("lunet"))
        rl_attempted_completion_function = { text, _, _ in
            guard let text else { return nil }
            ReadlineBridge.matches = ReadlineBridge.state?.completions(for: String(cString: text)) ?? []
            rl_attempted_completion_over = 1
            rl_completion_append_character = 0
            return rl_completion_matches(text) { _, index in
                let i = Int(index)
                guard i < ReadlineBridge.matches.count else { return nil }
                return strdup(ReadlineBridge.matches[i])
            }
        }
        // Keep '.' and ':' inside words so `tensor.ze<TAB>` completes the field.
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"\\'`@$><=;|&{(,+-*/%^~#[]"))
    }

    /// One line from the terminal. `.some(nil)` when Ctrl-C cleared the line,
    /// `nil` at end of input (Ctrl-D).
    static func readLine(prompt: String) -> String?? {
        lineComplete = false
        endOfInput = false
        line = nil
        interrupted = 0
        rl_callback_handler_install(prompt) { text in
            if let text {
                ReadlineBridge.line = String(cString: text)
                free(text)
            } else {
                ReadlineBridge.endOfInput = true
            }
            ReadlineBridge.lineComplete = true
            rl_callback_handler_remove()
        }
        let previous = signal(SIGINT) { _ in ReadlineBridge.interrupted = 1 }
        defer { signal(SIGINT, previous) }
        while !lineComplete {
            var fds = fd_set()
            fdZero(&fds)
            fdSet(STDIN_FILENO, &fds)
            let ready = select(STDIN_FILENO + 1, &fds, nil, nil, nil)
            if interrupted != 0 {
                interrupted = 0
                rl_free_line_state()
                rl_callback_sigcleanup()
                rl_callback_handler_remove()
                print("^C")
                return .some(nil)
            }
            if ready > 0 { rl_callback_read_char() }
        }
        return endOfInput ? nil : .some(line)
    }

    private static func fdZero(_ set: inout fd_set) {
        _ = withUnsafeMutableBytes(of: &set) { $0.initializeMemory(as: UInt8.self, repeating: 0) }
    }

    private static func fdSet(_ fd: Int32, _ set: inout fd_set) {
        withUnsafeMutableBytes(of: &set) { raw in
            let words = raw.bindMemory(to: Int.self)
            let bits = MemoryLayout<Int>.size * 8
            words[Int(fd) / bits] |= 1 << (Int(fd) % bits)
        }
    }
}
