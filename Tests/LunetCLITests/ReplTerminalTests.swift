import Foundation
import XCTest

/// Drives the REPL through a pseudo-terminal, as a user at a terminal would.
final class ReplTerminalTests: XCTestCase {
    var master: Int32 = -1
    var output = ""

    func openTerminal() throws -> FileHandle {
        // posix_openpt and friends are hidden behind feature macros in Swift's
        // Glibc module; these are the ioctls they wrap (Linux's values).
        let TIOCGPTN: UInt = 0x8004_5430, TIOCSPTLCK: UInt = 0x4004_5431
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            throw XCTSkip("no pseudo-terminal available")
        }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        return FileHandle(fileDescriptor: slave, closeOnDealloc: true)
    }

    /// Reads the terminal until `text` appears (or fails after `timeout` seconds).
    func expect(_ text: String, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !output.contains(text), Date() < deadline {
            let n = read(master, &buffer, buffer.count)
            if n > 0 { output += String(decoding: buffer[0..<n], as: UTF8.self) } else { usleep(10_000) }
        }
        XCTAssertTrue(output.contains(text), "expected \(text.debugDescription) in \(output.debugDescription)", file: file, line: line)
        if let range = output.range(of: text) { output.removeSubrange(..<range.upperBound) }
    }

    func type(_ text: String) {
        _ = text.withCString { write(master, $0, strlen($0)) }
    }

    /// A fresh HOME (for the history file), removed when the test ends.
    func temporaryHome() throws -> String {
        let home = NSTemporaryDirectory() + "lunet-repl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: home) }
        return home
    }

    /// Starts the REPL on a new pseudo-terminal.
    func startRepl(home: String) throws -> Process {
        let terminal = try openTerminal()
        let process = Process()
        process.executableURL = LunetProcess.executable
        process.environment = ["HOME": home, "TERM": "dumb", "PATH": "/usr/bin:/bin"]
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
        return process
    }

    /// Ctrl-C during train.fit: the bar stops, fit returns its history with
    /// stopReason "interrupted" and the prompt comes back at once.
    func testCtrlCDuringFit() throws {
        let home = try temporaryHome()
        let process = try startRepl(home: home)
        defer { close(master) }
        expect("> ")
        type("ds = data.dataset(tensor.rand({2000, 1, 8, 8}, {seed = 1}):byte{scale = true}, tensor.ones({2000}, {dtype = 'int32'}))\n")
        expect("> ")
        type("net = nn.Sequential{nn.Flatten(), nn.Linear(64, 1024), nn.ReLU(), nn.Linear(1024, 1)}\n")
        expect("> ")
        type("h = train.fit(net, ds, {epochs = 100000, batch = 50})\n")
        expect("\repoch 1/100000 [")
        process.interrupt()
        expect("interrupted during epoch ")
        expect("> ")
        type("h.stopReason, h.stoppedEpoch >= 1, #net:forward(tensor.zeros({1, 1, 8, 8})):shape()\n")
        expect("interrupted\ttrue\t2\r\n")
        // Ctrl-C while a Lua callback runs: the callback is stopped and fit
        // still returns its history.
        type("h2 = train.fit(net, ds, {epochs = 100000, batch = 500, verbose = 0, onBatch = function() local t = os.clock() while os.clock() - t < 0.2 do end end})\n")
        usleep(1_000_000)
        process.interrupt()
        expect("> ")
        type("h2.stopReason\n")
        expect("interrupted\r\n")
        type("\u{4}")
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testReplSession() throws {
        let home = try temporaryHome()
        let process = try startRepl(home: home)
        defer { close(master) }

        expect("> ")
        type("1+1\n")
        expect("2\r\n")
        type("x = tensor.zeros(100, 3, 64, 64)\n")
        expect("> ")
        type("x\n")
        expect("[Float32 tensor of shape 100x3x64x64]")
        type("for i = 1, 2 do\n")
        expect(">> ")
        type("print(i * 10)\n")
        expect(">> ")
        type("end\n")
        expect("10\r\n20\r\n")
        type("while true do end\n")
        usleep(300_000)
        process.interrupt()
        expect("interrupted!")
        expect("> ")
        type("x:dim()\n")
        expect("4\r\n")
        // The first Ctrl-C is an error pcall may catch, as in lua; a second one
        // stays raised until the prompt, so a loop of pcalls still stops.
        type("n = 0 while true do n = n + 1 pcall(function() local t = 0 for i = 1, 1e5 do t = t + i end end) end\n")
        usleep(300_000)
        process.interrupt()
        usleep(300_000)
        process.interrupt()
        expect("interrupted!")
        expect("> ")
        type("n > 0\n")
        expect("true\r\n")
        type("tensor.ze\t(2):numel()\n")
        expect("tensor.zeros(2):numel()")
        expect("2\r\n")
        type("\u{4}")
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let history = try String(contentsOfFile: home + "/.lunet_history", encoding: .utf8)
        XCTAssertTrue(history.contains("1+1"), history)
        XCTAssertTrue(history.contains("for i = 1, 2 do\nprint(i * 10)\nend"), history)
    }

    /// A table that fits the terminal's width prints on one line, one that
    /// does not one entry a line (the width is the terminal's, no COLUMNS set).
    func testTablesFitTheTerminalWidth() throws {
        let home = try temporaryHome()
        let process = try startRepl(home: home)
        defer { close(master) }
        var size = winsize(ws_row: 24, ws_col: 40, ws_xpixel: 0, ws_ypixel: 0)
        XCTAssertEqual(ioctl(master, UInt(TIOCSWINSZ), &size), 0)
        expect("> ")
        type("{alpha = 1, beta = 2, gamma = 3}\n")
        expect("{alpha = 1, beta = 2, gamma = 3}\r\n{alpha = 1, beta = 2, gamma = 3}\r\n")
        type("{alpha = 1, beta = 2, gamma = 3, delta = 4}\n")
        // (readline scrolls the typed line sideways at this width: only the answer is compared.)
        expect("}\r\n{\r\n  alpha = 1,\r\n  beta = 2,\r\n  delta = 4,\r\n  gamma = 3\r\n}\r\n")
        type("\u{4}")
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }
}
