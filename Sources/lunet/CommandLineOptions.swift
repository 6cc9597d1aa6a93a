/// What the command line asked for, parsed as `lua` parses its own.
struct CommandLineOptions: Equatable {
    enum Action: Equatable {
        case help
        case version
        /// Run the chunks (`-e`), then the script if any, then maybe the REPL.
        case run
    }

    var action = Action.run
    var chunks: [String] = []
    /// A path, or "-" for standard input.
    var script: String?
    var scriptArguments: [String] = []
    var interactive = false

    static let usage = """
        usage: lunet [options] [script [args]]
          -e code    run the Lua code (may be repeated)
          -i         enter the REPL after running the script or code
          -          run standard input as a script
          --help     show this help
          --version  show the version
        With no script, lunet starts the REPL on a terminal and runs standard input otherwise.
        Lua modules under lunet's lua/ folder (or $LUNET_PATH) are found by require.
        """

    static let version = "lunet 0.1.0 (Lua 5.4, OpenBLAS)"

    /// Parses the arguments after the program name.
    static func parse(_ arguments: [String]) throws -> CommandLineOptions {
        var options = CommandLineOptions()
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            switch argument {
            case "--help", "-h":
                options.action = .help
                return options
            case "--version", "-v":
                options.action = .version
                return options
            case "-i":
                options.interactive = true
            case "-e":
                guard i + 1 < arguments.count else { throw UsageError("'-e' needs an argument") }
                options.chunks.append(arguments[i + 1])
                i += 1
            case "--":
                if i + 1 < arguments.count {
                    options.script = arguments[i + 1]
                    options.scriptArguments = Array(arguments[(i + 2)...])
                }
                return options
            default:
                if argument.hasPrefix("-") && argument != "-" {
                    if argument.hasPrefix("-e") {
                        options.chunks.append(String(argument.dropFirst(2)))
                    } else {
                        throw UsageError("unrecognized option '\(argument)'")
                    }
                } else {
                    options.script = argument
                    options.scriptArguments = Array(arguments[(i + 1)...])
                    return options
                }
            }
            i += 1
        }
        return options
    }
}

struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
