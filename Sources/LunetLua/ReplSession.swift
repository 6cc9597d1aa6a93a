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
        /// Ran; the values to print (`tostring` of each), possibly none.
        case values([String])
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
            return .values(state.popStrings(count))
        } catch {
            return .failure("\(error)")
        }
    }

    /// The prompt for the first line of a statement, and for the lines after.
    public static let prompt = "> "
    public static let continuationPrompt = ">> "
}
