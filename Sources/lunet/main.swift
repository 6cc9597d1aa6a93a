import Foundation
import Lunet
import LunetLua

/// How errors name the program, as lua.c's `progname`: the command as typed.
let progname = CommandLine.arguments.first ?? "lunet"

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// lua.c's `pmain`, step by step: options, `LUA_INIT`, `-e`/`-l`/`-W` in order,
/// the script, then the REPL or standard input. Any error exits with status 1.
let options: CommandLineOptions
do {
    options = try CommandLineOptions.parse(CommandLine.arguments)
} catch let error as UsageError {
    printError("\(progname): \(error.message)\n\(CommandLineOptions.usage)")
    exit(1)
}

if options.showHelp {
    print(CommandLineOptions.usage)
    exit(0)
}
if options.showVersion {
    print(CommandLineOptions.version)
}

// Under mpirun (or srun), join the job before anything can fail, so a failure aborts every rank.
do {
    try Distributed.start()
} catch {
    printError("\(progname): \(error)")
    exit(1)
}

let state: LuaState
do {
    guard let libraryPath = LuaLibraryPath.locate() else {
        printError("\(progname): cannot find lunet's Lua library (lua/lunet/init.lua) near the executable; set LUNET_PATH to its 'lua' folder")
        exit(1)
    }
    state = try LuaState(libraryPath: libraryPath, ignoreEnvironment: options.ignoreEnvironment)
} catch {
    printError("\(progname): \(error)")
    exit(1)
}

/// Runs one step; on error prints the message and traceback and exits non-zero
/// (under MPI: ends every rank of the job).
@MainActor func runOrExit(_ body: () throws -> Void) {
    do {
        try body()
    } catch {
        fflush(nil)
        if !Distributed.isMultiRank {
            printError("\(progname): \(error)")
            state.close()  // finalizers still run, as lua.c closes its state on errors
            exit(1)
        }
        Distributed.abortJob(message: "\(progname): \(error)", print: printError)
    }
}

// Under MPI the main rank alone prints, so a script's output reads as one
// process's; io.write and io.stderr still write from every rank (docs/distributed.md).
if Distributed.isMultiRank && !Distributed.world.isMain {
    runOrExit { try state.runChunk("print = function() end", name: "=(lunet)") }
}

state.setArguments(commandLine: options.arguments, scriptIndex: options.scriptIndex ?? 0)
if !options.ignoreEnvironment {
    runOrExit { try LuaInit.run(in: state, environment: ProcessInfo.processInfo.environment) }
}
for step in options.steps {
    switch step {
    case .chunk(let code): runOrExit { try state.runChunk(code, name: "=(command line)") }
    case .library(let global, let module): runOrExit { try state.requireLibrary(module, global: global) }
    case .warningsOn: state.turnWarningsOn()
    }
}
if let script = options.script {
    runOrExit { try state.runMainScript(options.scriptIsStandardInput ? nil : script) }
}

let stdinIsTerminal = isatty(STDIN_FILENO) != 0
if options.interactive {
    // -i without a terminal evaluates stdin line by line, as a REPL without readline.
    if stdinIsTerminal { Repl(state: state).run() } else { Repl(state: state).runPlain() }
} else if options.runsStandardInputByDefault {
    if stdinIsTerminal {
        print(CommandLineOptions.version)
        Repl(state: state).run()
    } else {
        runOrExit { try state.runFile(nil) }
    }
}
fflush(nil)
state.close()
fflush(nil)
Distributed.finish()
exit(0)
