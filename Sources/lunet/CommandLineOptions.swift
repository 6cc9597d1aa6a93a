import LunetLua

/// What the command line asked for, parsed as `lua` 5.4 parses its own
/// (`collectargs` in lua.c), plus lunet's `--help` and `--version`.
struct CommandLineOptions: Equatable {
    /// `-e`, `-l` and `-W` run in the order given, after `LUA_INIT`.
    enum Step: Equatable {
        case chunk(String)
        /// `-l mod` sets global `mod`, `-l g=mod` sets global `g`, to `require(mod)`.
        case library(global: String, module: String)
        case warningsOn
    }

    var showHelp = false
    /// `-v`, `--version`, and `-i` (which implies `-v`, as in lua).
    var showVersion = false
    var interactive = false
    /// `-E`: ignore `LUA_INIT`, `LUA_PATH` and `LUA_CPATH`.
    var ignoreEnvironment = false
    var steps: [Step] = []
    /// Position of the script in the arguments (the program name is 0), or nil.
    var scriptIndex: Int?
    /// The whole command line, program name first, for the `arg` table.
    var arguments: [String] = []

    var script: String? { scriptIndex.map { arguments[$0] } }
    var scriptArguments: [String] { scriptIndex.map { Array(arguments[($0 + 1)...]) } ?? [] }
    /// `-` as the script reads standard input, unless it came after `--`.
    var scriptIsStandardInput: Bool {
        guard let i = scriptIndex else { return false }
        return arguments[i] == "-" && arguments[i - 1] != "--"
    }
    var hasChunk: Bool { steps.contains { if case .chunk = $0 { true } else { false } } }
    /// lua runs standard input (or the REPL on a terminal) only when nothing
    /// else was asked for: no script, no `-e`, no `-v`.
    var runsStandardInputByDefault: Bool { scriptIndex == nil && !hasChunk && !showVersion && !interactive }

    static let usage = """
        usage: lunet [options] [script [args]]
        Available options are:
          -e stat   execute string 'stat'
          -i        enter interactive mode after executing 'script'
          -l mod    require library 'mod' into global 'mod'
          -l g=mod  require library 'mod' into global 'g'
          -v        show version information
          -E        ignore environment variables
          -W        turn warnings on
          --        stop handling options
          -         stop handling options and execute stdin
          --help    show this help (lunet)
          --version show the version (lunet)
        With no script, lunet starts the REPL on a terminal and runs standard input otherwise.
        LUA_INIT_5_4 (or LUA_INIT) runs first; LUA_PATH and LUA_CPATH are honoured, and
        lunet's own lua/ folder (or $LUNET_PATH) is searched after them.
        """

    /// lunet's version, then the Lua it embeds as `lua -v` names it.
    static let version = "lunet 0.1.0 (OpenBLAS) on " + LuaState.luaCopyright

    /// Parses the whole command line, program name first.
    static func parse(_ arguments: [String]) throws -> CommandLineOptions {
        var options = CommandLineOptions()
        options.arguments = arguments.isEmpty ? ["lunet"] : arguments
        let argv = options.arguments
        var i = 1
        while i < argv.count {
            let argument = argv[i]
            guard argument.hasPrefix("-"), argument != "-" else {
                options.scriptIndex = i
                return options
            }
            switch argument {
            case "--":
                options.scriptIndex = i + 1 < argv.count ? i + 1 : nil
                return options
            case "--help": options.showHelp = true; return options
            case "--version": options.showVersion = true
            case "-E": options.ignoreEnvironment = true
            case "-W": options.steps.append(.warningsOn)
            case "-i": options.interactive = true; options.showVersion = true
            case "-v": options.showVersion = true
            default:
                let flag = argument.dropFirst().first
                guard flag == "e" || flag == "l" else {
                    throw UsageError("unrecognized option '\(argument)'")
                }
                var value = String(argument.dropFirst(2))
                if value.isEmpty {
                    // lua refuses a missing value or one that looks like an option.
                    guard i + 1 < argv.count, !argv[i + 1].hasPrefix("-") else {
                        throw UsageError("'\(argument)' needs argument")
                    }
                    i += 1
                    value = argv[i]
                }
                options.steps.append(flag == "e" ? .chunk(value) : library(value))
            }
            i += 1
        }
        return options
    }

    /// `-l mod` or `-l g=mod`.
    private static func library(_ value: String) -> Step {
        guard let equals = value.firstIndex(of: "=") else { return .library(global: value, module: value) }
        return .library(global: String(value[..<equals]), module: String(value[value.index(after: equals)...]))
    }
}

struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
