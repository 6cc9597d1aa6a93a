@preconcurrency import CReadline
import Foundation
import LunetLua

/// The interactive prompt: readline's callback interface, so Ctrl-C at the
/// prompt clears the line instead of ending the program, history in
/// `~/.lunet_history`, TAB completion from the Lua state.
struct Repl {
    let state: LuaState
    var session: ReplSession { ReplSession(state: state) }

    static let historyPath = (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.lunet_history"

    func run() {
        print("help() lists the modules; Ctrl-D exits.")
        ReadlineBridge.install(state: state)
        if read_history(Repl.historyPath) != 0 {
            write_history(Repl.historyPath)  // append_history needs the file to exist
        }
        var pending = ""
        while let line = ReadlineBridge.readLine(prompt: session.prompt(continuing: !pending.isEmpty)) {
            guard let line else {  // Ctrl-C at the prompt drops what was typed.
                pending = ""
                continue
            }
            pending = pending.isEmpty ? line : pending + "\n" + line
            if pending.trimmingCharacters(in: .whitespaces).isEmpty { pending = ""; continue }
            if handle(session.evaluate(pending)) {
                add_history(pending)
                append_history(1, Repl.historyPath)
                pending = ""
            }
        }
        print()
        history_truncate_file(Repl.historyPath, 1000)
    }

    /// Evaluates standard input line by line without readline (for `-i` on a
    /// pipe), writing each prompt and the line read after it as lua does
    /// (its readline echoes what it reads when input is not a terminal).
    func runPlain() {
        var pending = ""
        while true {
            print(session.prompt(continuing: !pending.isEmpty), terminator: "")
            fflush(stdout)
            guard let line = Swift.readLine(strippingNewline: true) else { break }
            print(line)
            fflush(nil)
            pending = pending.isEmpty ? line : pending + "\n" + line
            if handle(session.evaluate(pending)) { pending = "" }
        }
        print()
    }

    /// Prints an outcome; false while the statement is unfinished.
    private func handle(_ outcome: ReplSession.Outcome) -> Bool {
        switch outcome {
        case .incomplete:
            return false
        case .ran:
            break
        case .failure(let message):
            fflush(nil)
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
        fflush(nil)
        return true
    }
}
