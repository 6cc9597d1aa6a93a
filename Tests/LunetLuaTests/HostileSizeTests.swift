import Foundation
import Lunet
import LunetLua
import XCTest

/// Results too large for the machine: each is a Lua error naming the shape,
/// its size and the machine's memory, never an abort, and the state (with its
/// variables) stays usable.
final class HostileSizeTests: LuaTestCase {
    /// `the machine has 23.4 GiB`, for this machine.
    var machine: String {
        String(format: "the machine has %.1f GiB", Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30))
    }

    /// Asserts the error, then that the variables defined before it are intact.
    func assertRefused(_ setup: String, _ code: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try run(setup)
        assertError(code, message, file: file, line: line)
        XCTAssertEqual(try eval("kept:sum()"), ["6.0"], file: file, line: line)
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        try run("kept = tensor.from({1, 2, 3})")
    }

    func testConstructorsNameTheShapeAndTheMachine() throws {
        try assertRefused("", "tensor.arange(2^40)", "test:1: cannot allocate a 1099511627776 Float32 tensor (4096.0 GiB): \(machine)")
        try assertRefused("", "nn.Linear(1000000, 1000000)", "test:1: cannot allocate a 1000000x1000000 Float32 tensor (3725.3 GiB): \(machine)")
        try assertRefused("", "tensor.zeros({1 << 31, 1 << 31, 1 << 31})",
                          "test:1: cannot allocate a 2147483648x2147483648x2147483648 Float32 tensor: more elements than any machine holds")
    }

    func testMatmulAndBroadcastResults() throws {
        try assertRefused("x = tensor.randn({100000, 1})", "x:matmul(x:t())",
                          "test:1: cannot allocate a 100000x100000 Float32 tensor (37.3 GiB): \(machine)")
        try assertRefused("", "local y = tensor.zeros({100000, 1}) + tensor.zeros({1, 1000000})",
                          "test:1: cannot allocate a 100000x1000000 Float32 tensor (372.5 GiB): \(machine)")
        XCTAssertEqual(try eval("x:size(1)"), ["100000"])
    }

    func testLayerOutputs() throws {
        try assertRefused("", "nn.Linear(1, 1000000):forward(tensor.zeros({10000, 1}))",
                          "test:1: cannot allocate a 10000x1000000 Float32 tensor (37.3 GiB): \(machine)")
        try assertRefused("", "nn.Conv2d(1, 200000, 1):forward(tensor.zeros({1, 1, 200, 200}))",
                          "test:1: cannot allocate a 1x200000x200x200 Float32 tensor (29.8 GiB): \(machine)")
    }

    func testIndexCatStackAndSubset() throws {
        // 256 MiB of bytes, repeated 100 times: 25 GiB.
        try run("big = tensor.zeros({1, 1 << 28}, {dtype = 'uint8'}); many = {} for i = 1, 100 do many[i] = big end")
        try assertRefused("", "big:index(tensor.ones(100, {dtype = 'int32'}))",
                          "test:1: cannot allocate a 100x268435456 UInt8 tensor (25.0 GiB): \(machine)")
        try assertRefused("", "tensor.cat(many, 1)", "test:1: cannot allocate a 100x268435456 UInt8 tensor (25.0 GiB): \(machine)")
        try assertRefused("", "tensor.stack(many)", "test:1: cannot allocate a 100x1x268435456 UInt8 tensor (25.0 GiB): \(machine)")
        try assertRefused("ds = data.dataset(tensor.zeros({1, 1, 1 << 14, 1 << 14}, {dtype = 'uint8'}), tensor.ones(1, {dtype = 'int32'}))",
                          "ds:subset(tensor.ones(100, {dtype = 'int32'}))",
                          "test:1: cannot allocate a 100x1x16384x16384 UInt8 tensor (25.0 GiB): \(machine)")
        XCTAssertEqual(try eval("#ds, big:size(2)"), ["1", "268435456"])
    }

    func testScratchBuffersAreChecked() {
        XCTAssertThrowsError(try MemoryBudget.check(bytes: Int.max, for: "a scratch buffer of 9 elements")) { error in
            XCTAssertEqual((error as? LunetError)?.message, "cannot allocate a scratch buffer of 9 elements (8589934592.0 GiB): \(machine)")
        }
    }
}
