import CLua
import Foundation
import LuaShim
import Lunet
@testable import LunetLua
import XCTest

/// `LuaCall.callback`, the one way Swift calls Lua: results, errors with one
/// traceback, a balanced stack, coroutines. (train.fit's tests call it through
/// the trampoline.)
final class LuaCallbackTests: LuaTestCase {
    /// A reference to the function a chunk returns.
    func function(_ code: String) throws -> LuaReference {
        XCTAssertNil(lua.load(code, name: "=callback"))
        XCTAssertEqual(try lua.call(), 1)
        return LuaReference(popping: lua.L)
    }

    func testArgumentsAndResults() throws {
        let add = try function("return function(a, b) return a + b, a * b end")
        let call = LuaCall(lua.L)
        let (sum, product) = try call.callback(add, results: 2, arguments: { call in
            call.push(3)
            call.push(4)
            return 2
        }) { call, first in (try call.integer(first), try call.integer(first + 1)) }
        XCTAssertEqual(sum, 7)
        XCTAssertEqual(product, 12)
        XCTAssertEqual(lua_gettop(lua.L), 0)
    }

    func testStackIsBalancedAfterManyCalls() throws {
        let echo = try function("return function(...) return ... end")
        let failing = try function("return function() error('no') end")
        let call = LuaCall(lua.L)
        lua_pushinteger(lua.L, 42)  // a binding's own value stays where it was
        for i in 0..<10_000 {
            _ = try call.callback(echo, results: 3, arguments: { call in call.push(i); return 1 }) { _, _ in }
            XCTAssertThrowsError(try call.callback(failing))
        }
        XCTAssertEqual(lua_gettop(lua.L), 1)
        XCTAssertEqual(lua_tointegerx(lua.L, 1, nil), 42)
        XCTAssertEqual(call.argumentCount, 0, "the argument count is fixed when the call is made")
    }

    /// The error is the function's own message with one traceback, and it stays
    /// so when raised again through an outer protected call (as the trampoline does).
    func testErrorKeepsItsMessageAndHasOneTraceback() throws {
        let failing = try function("return function() local t = nil; return t.field end")
        var message = ""
        XCTAssertThrowsError(try LuaCall(lua.L).callback(failing)) { error in
            message = (error as? LuaRaisedError)?.message ?? "\(error)"
        }
        XCTAssertTrue(message.hasPrefix("callback:1: attempt to index a nil value (local 't')\nstack traceback:\n"), message)
        XCTAssertEqual(message.components(separatedBy: "stack traceback:").count, 2, message)
        LuaCall(lua.L).push(message)
        LuaCall(lua.L).setGlobal("message")
        XCTAssertThrowsError(try lua.run("error(message, 0)")) { error in
            XCTAssertEqual((error as? LuaRaisedError)?.message, message)
        }
        // Other errors still get their traceback.
        XCTAssertThrowsError(try lua.run("error('plain')")) { error in
            XCTAssertTrue("\(error)".contains("plain\nstack traceback:"), "\(error)")
        }
    }

    func testRunsOnACoroutinesState() throws {
        let counter = try function("local n = 0 return function() n = n + 1 return n end")
        let thread = lua_newthread(lua.L)!
        let call = LuaCall(thread)
        for expected in 1...3 {
            XCTAssertEqual(try call.callback(counter) { call, first in try call.integer(first) }, expected)
        }
        XCTAssertEqual(lua_gettop(thread), 0)
        lunet_pop(lua.L, 1)
    }

    /// Ctrl-C while the callback runs: the hook stops the Lua code and the
    /// helper throws `Interrupted`, not the Lua error.
    func testInterruptionIsRecognised() throws {
        let busy = try function("return function() local t = os.clock() while os.clock() - t < 5 do end return 'finished' end")
        let previous = signal(SIGINT, SIG_IGN)  // a signal sent early must not end the test process
        defer { signal(SIGINT, previous); lunet_clear_interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { kill(getpid(), SIGINT) }
        XCTAssertThrowsError(try LuaCall(lua.L).callback(busy) { call, first in try call.string(first) }) { error in
            XCTAssertTrue(error is Interruption.Interrupted, "\(error)")
        }
        XCTAssertEqual(lua_gettop(lua.L), 0)
    }

    func testReferenceOfAnotherStateIsRefused() throws {
        let other = try LuaState(libraryPath: nil)
        let foreign = try function("return function() end")
        XCTAssertThrowsError(try LuaCall(other.L).callback(foreign)) { error in
            XCTAssertEqual((error as? LunetError)?.message, "a Lua function of another Lua state cannot be called here")
        }
    }
}
