import Foundation
import XCTest

/// kill -9 during `ds:save` over an existing dataset leaves the old dataset
/// or the new one whole, never neither (the save writes a sibling folder and
/// exchanges it in).
final class InterruptedSaveTests: XCTestCase {
    func testKilledDatasetSaveLeavesAWholeDataset() throws {
        let root = NSTemporaryDirectory() + "lunet-kill-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/ds"
        let make = "local function make(n) return data.dataset(tensor.zeros({n, 3, 64, 64}, {dtype = 'uint8'}), tensor.ones(n, {dtype = 'int32'})) end "
        for delay in [0.05, 0.2, 0.5] {
            let saved = try LunetProcess.run(on: LunetProcess.executable, ["-e", make + "make(100):save([[\(folder)]])"])
            XCTAssertEqual(saved.status, 0, saved.stderr)
            // 245 MB to write: the kill lands while saving.
            let process = Process()
            process.executableURL = LunetProcess.executable
            process.arguments = ["-e", make + "local big = make(20000); print('saving'); io.stdout:flush(); big:save([[\(folder)]])"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            _ = output.fileHandleForReading.availableData  // "saving"
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let loaded = try LunetProcess.run(on: LunetProcess.executable, ["-e", "print(#data.load([[\(folder)]]))"])
            XCTAssertTrue(["100\n", "20000\n"].contains(loaded.stdout), "after a kill \(delay) s into the save: \(loaded.stdout) \(loaded.stderr)")
            // The next save succeeds and clears what the killed one left.
            XCTAssertEqual(try LunetProcess.run(on: LunetProcess.executable, ["-e", make + "make(3):save([[\(folder)]])"]).status, 0)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), ["ds"])
        }
    }
}
