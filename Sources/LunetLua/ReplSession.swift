import CLua
import LuaShim
import Lunet

/// Evaluates REPL input the way `lua.c` does: a line is first tried as an
/// expression (`return <line>`) so its value prints, then as a statement; an
/// input cut off mid-statement asks for more lines.
public struct ReplSession {
    public enum Outcome: Equatable {
        /// The input so far is an unfinished statement; read another line.
        case incomplete
        /// Ran, and its values (if any) were printed.
        case ran
        /// A syntax or runtime error, with its traceback.
        case failure(String)
    }

    public let state: LuaState

    public init(state: LuaState) {
        self.state = state
    }

    public func evaluate(_ source: String) -> Outcome {
        var code = source
        if code.hasPrefix("=") { code = "return " + code.dropFirst() }  // Lua 5.1's `=expr`
        if state.load("return " + code + ";", name: "=stdin") != nil {
            if let message = state.load(code, name: "=stdin") {
                return message.hasSuffix("<eof>") ? .incomplete : .failure(message)
            }
        }
        do {
            let count = try state.call()
            if count > 0 { try state.printResults(count) }
            return .ran
        } catch {
            return .failure("\(error)")
        }
    }

    /// The prompt for the first line of a statement (`_PROMPT`) or for the
    /// lines after (`_PROMPT2`), through `tostring` as lua.c does; `> ` and
    /// `>> ` when unset (or when `tostring` fails).
    public func prompt(continuing: Bool) -> String {
        let name = continuing ? "_PROMPT2" : "_PROMPT"
        let fallback = continuing ? ">> " : "> "
        let source = "local p = \(name) if p == nil then return nil end return tostring(p)"
        guard state.load(source, name: "=(prompt)") == nil, let count = try? state.call(traceback: false) else { return fallback }
        let values = state.popStrings(count)
        return values.first.flatMap { $0 == "nil" ? nil : $0 } ?? fallback
    }
}
