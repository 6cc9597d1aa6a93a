import Foundation
import Lunet
import LunetLua

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

let options: CommandLineOptions
do {
    options = try CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch let error as UsageError {
    printError("lunet: \(error.message)\n\(CommandLineOptions.usage)")
    exit(1)
}

switch options.action {
case .help:
    print(CommandLineOptions.usage)
    exit(0)
case .version:
    print(CommandLineOptions.version)
    exit(0)
case .run:
    break
}

// Under mpirun (or srun), join the job before anything can fail, so a failure aborts every rank.
do {
    try Distributed.start()
} catch {
    printError("lunet: \(error)")
    exit(1)
}

let state: LuaState
do {
    guard let libraryPath = LuaLibraryPath.locate() else {
        printError("lunet: cannot find lunet's Lua library (lua/lunet/init.lua) near the executable; set LUNET_PATH to its 'lua' folder")
        exit(1)
    }
    state = try LuaState(libraryPath: libraryPath)
} catch {
    printError("lunet: \(error)")
    exit(1)
}

/// Runs one step; on error prints the message and traceback and exits non-zero
/// (under MPI: ends every rank of the job).
func runOrExit(_ body: () throws -> Void) {
    do {
        try body()
    } catch {
        fflush(nil)
        Distributed.abortJob(message: "lunet: \(error)", print: printError)
    }
}

// Under MPI the main rank alone prints, so a script's output reads as one
// process's; io.write and io.stderr still write from every rank (docs/distributed.md).
if Distributed.isMultiRank && !Distributed.world.isMain {
    runOrExit { try state.runChunk("print = function() end", name: "=(lunet)") }
}

let stdinIsTerminal = isatty(STDIN_FILENO) != 0
if let script = options.script {
    state.setArguments(script: script, arguments: options.scriptArguments)
}
for chunk in options.chunks {
    runOrExit { try state.runChunk(chunk, name: "=(command line)") }
}
if let script = options.script {
    if script == "-" {
        let source = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        runOrExit { try state.runChunk(source, name: "=stdin", arguments: options.scriptArguments) }
    } else {
        runOrExit { try state.runScript(script, arguments: options.scriptArguments) }
    }
}

let ranSomething = options.script != nil || !options.chunks.isEmpty
if options.interactive || !ranSomething {
    if stdinIsTerminal {
        Repl(state: state).run()
    } else if !ranSomething {
        let source = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        runOrExit { try state.runChunk(source, name: "=stdin") }
    } else {
        // -i without a terminal: evaluate stdin line by line, as a REPL without readline.
        Repl(state: state).runPlain()
    }
}
fflush(nil)
Distributed.finish()
exit(0)
