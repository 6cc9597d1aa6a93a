import LunetLua
import XCTest

/// Inputs a careless or hostile script can give: each must be a Lua error,
/// never a crash, a trap or a silently ignored argument.
final class HostileInputTests: LuaTestCase {
    func testHugeAndDeepShapesAreErrors() {
        assertError("tensor.arange(2^40)", "test:1: cannot allocate a 1099511627776 Float32 tensor (4096.0 GiB): the machine has \(memoryText) GiB")
        assertError("nn.Linear(1000000, 1000000)", "test:1: cannot allocate a 1000000x1000000 Float32 tensor (3725.3 GiB): the machine has \(memoryText) GiB")
        assertError("local s = {} for i = 1, 40 do s[i] = 1 end; tensor.zeros(s)", "test:1: a tensor has at most 32 dimensions, got 40")
        assertError("nn.Conv2d(1, 1, 3, {padding = 100000})", "test:1: nn.Conv2d: kernel, stride and padding must be at most 32768, got 100000")
    }

    var memoryText: String {
        String(format: "%.1f", Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30))
    }

    func testExtremeIndicesAreErrorsNotTraps() {
        assertError("tensor.zeros(2):get(math.mininteger)", "test:1: index -9223372036854775808 out of range for dimension 1 of size 2")
        assertError("tensor.zeros(3):narrow(1, 2, math.maxinteger)",
                    "test:1: narrow: 9223372036854775807 entries from 2 are out of bounds for dimension 1 of size 3")
        assertError("tensor.zeros(3):index({math.mininteger})", "test:1: index: index -9223372036854775808 out of range for dimension 1 of size 3")
        assertError("nn.Sequential{nn.ReLU()}:get(math.mininteger)", "test:1: nn.Sequential: index -9223372036854775808 out of range for 1 layer")
        assertError("tensor.zeros(4):reshape(2^31, 2^31, 2^31, -1)", "test:1: cannot reshape Float32 tensor of shape 4 to [2147483648, 2147483648, 2147483648, -1]")
        assertError("data.dataset(tensor.zeros({1, 1, 2, 2}, {dtype = 'uint8'}), tensor.from({-2147483648}, {dtype = 'int32'}))",
                    "test:1: data.dataset: labels must be 1-based class numbers (1..1 without a 'classes' list)")
    }

    func testManyResultsGrowTheStack() throws {
        let count = try eval("""
            select('#', data.dataset(tensor.zeros({1000, 1, 2, 2}, {dtype = 'uint8'}), tensor.ones(1000, {dtype = 'int32'}))
              :split((function() local f = {} for i = 1, 1000 do f[i] = 0.001 end return f end)()))
            """)
        XCTAssertEqual(count, ["1000"])
        XCTAssertEqual(try eval("#tensor.zeros((function() local s = {} for i = 1, 32 do s[i] = 1 end return s end)()):totable()"), ["1"])
    }

    func testContainersCannotHoldThemselves() {
        assertError("local s = nn.Sequential(); s:add(s)", "test:1: nn.Sequential: cannot add a container to itself")
        assertError("local a, b = nn.Sequential(), nn.Sequential(); a:add(b); b:add(a)", "test:1: nn.Sequential: cannot add a container to itself")
    }

    func testArgumentsAfterANilAreNotIgnored() throws {
        assertError("tensor.zeros(2, nil, {dtype = 'int32'})",
                    "test:1: bad argument #2 to 'zeros' (sizes and an options table expected, got nil followed by more arguments)")
        XCTAssertEqual(try eval("tensor.zeros(2, 3, {dtype = 'int32'}):type(), tensor.full({2}, 3, {dtype = 'uint8'}):type()"), ["Int32", "UInt8"])
    }

    func testOutOfRangeHyperparametersAreErrors() {
        assertError("nn.BatchNorm1d(3, {momentum = 5})", "test:1: nn.BatchNorm1d: momentum must be in [0, 1], got 5")
        assertError("nn.BatchNorm2d(3, {eps = -1})", "test:1: nn.BatchNorm2d: eps must be positive, got -1")
        assertError("nn.Linear(2, 2, {l2 = -1})", "test:1: nn.Linear: l2 must be a non-negative number, got -1")
        assertError("nn.TripletLoss{margin = -1}", "test:1: nn.TripletLoss: margin must be a non-negative number, got -1")
        XCTAssertThrowsError(try run("nn.TripletLoss{margin = 0/0}"))
        assertError("tensor.rand(3, {low = 5, high = 1})", "test:1: rand: expected finite low <= high, got 5.0 and 1.0")
        assertError("data.dataset(tensor.zeros({2, 1, 2, 2}, {dtype = 'uint8'}), tensor.from({1, 2}, {dtype = 'int32'})):batches(1, {seed = 3})",
                    "test:1: ds:batches: seed applies only with shuffle = true")
    }

    func testNonStringKeysOfObjectsAreNil() throws {
        XCTAssertEqual(try eval("nn.Linear(2, 2)[1], tensor.zeros(2)[true]"), ["nil", "nil"])
    }

    func testDatasetIndexWithWrongTypesIsAnError() throws {
        let folder = NSTemporaryDirectory() + "lunet-cache-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try run("data.dataset(tensor.zeros({2, 1, 2, 2}, {dtype = 'uint8'}), tensor.from({1, 2}, {dtype = 'int32'})):save('\(folder)')")
        XCTAssertEqual(try eval("#data.load('\(folder)')"), ["2"])
        let index = folder + "/dataset.json"
        let text = try String(contentsOfFile: index, encoding: .utf8)
        try text.replacingOccurrences(of: "\"groups\":[]", with: "\"groups\":[1]").write(toFile: index, atomically: true, encoding: .utf8)
        assertError("data.load('\(folder)')", "test:1: '\(index)': 'groups' must be a list of strings")
    }

    func testLayersReportTheirMemoryToTheCollector() throws {
        // 40 layers of 2 x 16 MB: unreported, Lua would keep them all (1.3 GB more).
        let before = try residentKilobytes()
        try run("for i = 1, 40 do local m = nn.Linear(2048, 2048) end")
        let growth = try residentKilobytes() - before
        XCTAssertLessThan(growth, 600 << 10, "resident set grew by \(growth) KB")
    }

    func residentKilobytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        return status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?
            .split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    }
}
