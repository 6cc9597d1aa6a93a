import CLua
import Foundation
import LuaShim
import Lunet

/// An error raised by Lua code (or passed through Swift from a callback);
/// its message already says where it happened.
public struct LuaRaisedError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

/// A Lua 5.4 state with every lunet binding installed.
///
/// Swift calls Lua only under `lua_pcall` (through `lunet_pcall`), and Lua
/// calls Swift only through the C trampoline, so no `longjmp` crosses a Swift frame.
public final class LuaState {
    public let L: OpaquePointer

    /// - Parameters:
    ///   - libraryPath: folder holding `lunet/*.lua`, searched after the user's `package.path`.
    ///   - ignoreEnvironment: lua's `-E`: `package.path` and `package.cpath` ignore
    ///     `LUA_PATH` and `LUA_CPATH`.
    public init(libraryPath: String? = LuaLibraryPath.locate(), ignoreEnvironment: Bool = false) throws {
        guard let state = luaL_newstate() else { throw LunetError("cannot create a Lua state: out of memory") }
        L = state
        LuaState.installDispatch
        Interruption.poll = { lunet_interrupt_pending() != 0 }
        Interruption.consume = { lunet_consume_interrupt() != 0 }
        if ignoreEnvironment {
            // The signal lua.c gives the package library, read when it opens.
            LuaCall(L).push("LUA_NOENV")
            lua_pushboolean(L, 1)
            lua_rawset(L, lunet_registryindex())
        }
        guard lunet_openlibs(L) == LUA_OK else { throw LunetError("cannot open Lua's standard libraries") }
        try LuaInstaller(L).installAll()
        // Without the Lua-side library the state still has every binding; the
        // executable insists on finding it, benchmarks need not.
        if let libraryPath {
            try setLibraryPath(libraryPath)
            try run("require 'lunet'", name: "=(lunet init)")
        }
    }

    /// "Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio", as `lua -v` prints it.
    public static var luaCopyright: String { String(cString: lunet_lua_copyright()) }

    private var isClosed = false

    /// Closes the state as lua.c does before exiting: pending finalizers
    /// (`__gc`, to-be-closed variables) run now. Nothing may use the state after.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        LuaStateHandle.close(L)
        lua_close(L)
    }

    deinit {
        close()
    }

    /// Set once: every trampoline call lands here.
    private static let installDispatch: Void = {
        lunet_set_dispatch { L, id in
            guard let L else { return LUNET_ERROR_MESSAGE }
            let call = LuaCall(L)
            guard let function = FunctionTable.function(Int(id)) else {
                call.push("lunet: unknown function \(id)")
                return LUNET_ERROR_MESSAGE
            }
            // The thread running this binding: where a Lua-defined layer's
            // forward is called when the engine runs it from here.
            let previous = LuaCall.runningThread
            LuaCall.runningThread = L
            defer { LuaCall.runningThread = previous }
            do {
                return try function.body(call)
            } catch let error as LuaArgumentError {
                call.push(error.message)
                return LUNET_ARGERROR - error.index
            } catch let error as LuaRaisedError {
                call.push(error.message)
                lunet_mark_traced(L)
                return LUNET_ERROR_VALUE
            } catch let error as LunetError {
                call.push(error.phrased(by: LuaPhrasing()))
                return LUNET_ERROR_MESSAGE
            } catch {
                call.push("\(error)")
                return LUNET_ERROR_MESSAGE
            }
        }
    }()

    /// lunet's own Lua library is found by a searcher of its own, after the
    /// standard ones, so `package.path` and `package.cpath` stay exactly what
    /// `lua` makes of LUA_PATH and LUA_CPATH (lua's own tests check that).
    private func setLibraryPath(_ path: String) throws {
        let source = """
            local folder = ...
            local searchpath = package.searchpath
            local template = folder .. "/?.lua;" .. folder .. "/?/init.lua"
            table.insert(package.searchers, function(name)
              local file, err = searchpath(name, template)
              if not file then return err end
              local chunk, message = loadfile(file)
              if not chunk then
                error(("error loading module '%s' from file '%s':\\n\\t%s"):format(name, file, message), 0)
              end
              return chunk, file
            end)
            """
        if let message = load(source, name: "=(lunet searcher)") { throw LuaRaisedError(message: message) }
        LuaCall(L).push(path)
        try call(arguments: 1)
    }

    // MARK: Running code

    /// Loads a chunk; on a syntax error returns its message (the stack is unchanged).
    public func load(_ code: String, name: String) -> String? {
        // The byte count, not strlen: a chunk may hold NUL bytes (precompiled or binary strings).
        var bytes = Array(code.utf8) + [0]
        let status = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                lunet_loadbuffer(L, $0, buffer.count - 1, name)
            }
        }
        if status == LUA_OK { return nil }
        let message = LuaCall(L).errorMessage(at: -1)
        lunet_pop(L, 1)
        return message
    }

    /// Calls the function below its `arguments` on the stack, with a traceback
    /// on error and Ctrl-C turned into an error. Leaves the results on the stack
    /// and returns how many there are.
    @discardableResult
    public func call(arguments: Int32 = 0, traceback: Bool = true) throws -> Int32 {
        let base = lua_gettop(L) - arguments - 1
        let status = lunet_pcall(L, arguments, LUA_MULTRET, traceback ? 1 : 0)
        if status != LUA_OK {
            let message = LuaCall(L).errorMessage(at: -1)
            lunet_pop(L, 1)
            throw LuaRaisedError(message: message)
        }
        return lua_gettop(L) - base
    }

    /// Runs a chunk and discards its results.
    public func run(_ code: String, name: String = "=(string)") throws {
        if let message = load(code, name: name) { throw LuaRaisedError(message: message) }
        let count = try call()
        lunet_pop(L, count)
    }

    /// Runs a file as a script with `arg` set as `lua` does (`arg[0]` the script).
    public func runScript(_ path: String, arguments: [String]) throws {
        setArguments(script: path, arguments: arguments)
        try runFile(path, arguments: arguments)
    }

    /// Runs a file (standard input when `path` is nil, named `stdin`) with
    /// `arguments` as its `...`, as `luaL_loadfile` reads it: a first line
    /// starting with `#` is skipped, precompiled chunks are accepted.
    public func runFile(_ path: String?, arguments: [String] = []) throws {
        let status = path.map { $0.withCString { lunet_loadfile(L, $0) } } ?? lunet_loadfile(L, nil)
        if status != LUA_OK {
            let message = LuaCall(L).errorMessage(at: -1)
            lunet_pop(L, 1)
            throw LuaRaisedError(message: message)
        }
        for argument in arguments { LuaCall(L).push(argument) }
        let count = try call(arguments: Int32(arguments.count))
        lunet_pop(L, count)
    }

    /// Runs the command line's script (a file, or standard input for `-`)
    /// as lua.c does: its `...` are the global `arg` table's entries 1..#arg
    /// when it starts, so code run before it (`-e`) may change them.
    public func runMainScript(_ path: String?) throws {
        let status = path.map { $0.withCString { lunet_loadfile(L, $0) } } ?? lunet_loadfile(L, nil)
        var count = status == LUA_OK ? lunet_pushargs(L) : -1
        if count < 0 {
            let message = LuaCall(L).errorMessage(at: -1)
            lunet_pop(L, status == LUA_OK ? 2 : 1)
            throw LuaRaisedError(message: message)
        }
        count = try call(arguments: count)
        lunet_pop(L, count)
    }

    /// Runs source text (stdin, `-e`) as a script chunk.
    public func runChunk(_ code: String, name: String, arguments: [String] = []) throws {
        if let message = load(code, name: name) { throw LuaRaisedError(message: message) }
        for argument in arguments { LuaCall(L).push(argument) }
        let count = try call(arguments: Int32(arguments.count))
        lunet_pop(L, count)
    }

    /// Sets the global `arg` as `lua` does: `arg[0]` the script, `arg[-1]` the interpreter.
    public func setArguments(script: String, arguments: [String], interpreter: String = "lunet") {
        setArguments(commandLine: [interpreter, script] + arguments, scriptIndex: 1)
    }

    /// Sets the global `arg` from the whole command line as lua.c's
    /// `createargtable` does: the script at 0, what follows it at 1, 2, ...,
    /// the interpreter and options at negative indices. Without a script
    /// (`scriptIndex` 0) the interpreter is `arg[0]` and the options follow.
    public func setArguments(commandLine: [String], scriptIndex: Int) {
        let call = LuaCall(L)
        lua_createtable(L, Int32(max(commandLine.count - scriptIndex - 1, 0)), Int32(scriptIndex + 1))
        for (i, argument) in commandLine.enumerated() {
            call.push(argument)
            lua_rawseti(L, -2, lua_Integer(i - scriptIndex))
        }
        call.setGlobal("arg")
    }

    /// lua's `-l`: `global = require(module)`, with a traceback on error.
    public func requireLibrary(_ module: String, global: String) throws {
        let call = LuaCall(L)
        call.pushGlobal("require")
        call.push(module)
        let count = try self.call(arguments: 1)
        if count > 1 { lunet_pop(L, count - 1) }  // require's second result: where it was found
        if count == 0 { call.pushNil() }
        call.setGlobal(global)
    }

    /// lua's `-W`: Lua's warnings (`warn("...")`) are printed to standard error.
    public func turnWarningsOn() {
        lua_warning(L, "@on", 0)
    }

    /// Prints the top `count` values as lua.c's REPL does, through the global
    /// `print`, each value shown by `lunet.display` (readable tables and
    /// tensors); pops them. A failure (no `print`, a `__tostring` that raises)
    /// is an error "error calling 'print' (...)".
    public func printResults(_ count: Int32) throws {
        let source = """
            local display = package.loaded.lunet and package.loaded.lunet.display or tostring
            local n = select("#", ...)
            local shown = {...}
            local ok, message = pcall(function()
              for i = 1, n do shown[i] = display(shown[i]) end
            end)
            if ok then ok, message = pcall(print, table.unpack(shown, 1, n)) end
            if not ok then error("error calling 'print' (" .. tostring(message) .. ")", 0) end
            """
        if let message = load(source, name: "=(repl print)") {
            lunet_pop(L, count)
            throw LuaRaisedError(message: message)
        }
        lunet_insert(L, -(count + 1))
        try call(arguments: count, traceback: false)
    }

    /// `tostring` of each of the top `count` values, popping them.
    public func popStrings(_ count: Int32) -> [String] {
        let call = LuaCall(L)
        var result: [String] = []
        for i in stride(from: count, to: 0, by: -1) {
            result.append(call.displayString(at: -i))
        }
        lunet_pop(L, count)
        return result
    }

    /// The value of a global expression such as `nn.Linear`, as text, for tests and the REPL.
    public func evaluate(_ expression: String) throws -> [String] {
        if let message = load("return " + expression, name: "=(evaluate)") { throw LuaRaisedError(message: message) }
        return popStrings(try call())
    }

    /// The tensor in global `name`, if it holds one (benchmarks and tests reach
    /// the very buffers Lua uses).
    public func globalTensor(_ name: String) -> AnyTensor? {
        let call = LuaCall(L)
        call.pushGlobal(name)
        defer { lunet_pop(L, 1) }
        return (call.boxedObject(at: -1) as? TensorBox)?.tensor
    }

    /// Asks the collector for a full cycle (tests use it to check that boxes are freed).
    public func collectGarbage() { lunet_gc_collect(L) }
}
