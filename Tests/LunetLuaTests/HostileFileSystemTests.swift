import Foundation
import Lunet
import LunetLua
import XCTest

/// What a hostile file system holds: special files where images or arrays are
/// expected, NUL bytes in paths, leftovers of interrupted saves, compressed
/// files that inflate far past their size. Each is a clean error or is
/// skipped; nothing blocks or fills memory.
final class HostileFileSystemTests: LuaTestCase {
    var root = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        root = NSTemporaryDirectory() + "lunet-fs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/folder/cats", withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
        super.tearDown()
    }

    func testFIFOsAreSkippedOrRefusedNeverRead() throws {
        try Data(DataFixtures.jpeg64).write(to: URL(fileURLWithPath: root + "/folder/cats/a.jpg"))
        XCTAssertEqual(mkfifo(root + "/folder/cats/b.jpg", 0o644), 0)
        var notes: [String] = []
        let write = Notice.write
        Notice.write = { notes.append($0) }
        defer { Notice.write = write }
        XCTAssertEqual(try eval("#data.imagefolder([[\(root)/folder]])"), ["1"])
        XCTAssertEqual(notes, ["skipped 1 entry of '\(root)/folder' that is not a regular file: 'cats/b.jpg' (FIFO)"])
        // A broken link is said too; so is every kind, counted once per load.
        try FileManager.default.createSymbolicLink(atPath: root + "/folder/cats/c.jpg", withDestinationPath: root + "/nowhere.jpg")
        notes = []
        XCTAssertEqual(try eval("#data.imagefolder([[\(root)/folder]])"), ["1"])
        XCTAssertEqual(notes, ["skipped 2 entries of '\(root)/folder' that are not regular files: "
                               + "'cats/b.jpg' (FIFO), 'cats/c.jpg' (broken link or link to a special file)"])
        XCTAssertEqual(mkfifo(root + "/x.npy", 0o644), 0)
        assertError("tensor.load([[\(root)/x.npy]])", "test:1: cannot read '\(root)/x.npy': not a regular file")
        assertError("data.imagefolder([[\(root)/x.npy]])", "test:1: '\(root)/x.npy' is neither a folder nor a regular file")
        assertError("data.idx([[\(root)/x.npy]], [[\(root)/x.npy]])", "test:1: cannot read '\(root)/x.npy': no such file or not readable")
    }

    /// A folder where a file is to be written is named as a folder, by every writer.
    func testWritingOverAFolderSaysItIsAFolder() throws {
        try FileManager.default.createDirectory(atPath: root + "/d", withIntermediateDirectories: true)
        let set = "local ds = data.dataset(tensor.zeros({2, 1, 2, 2}, {dtype = 'uint8'}), tensor.ones(2, {dtype = 'int32'}))\n"
        for target in ["\(root)/d", "\(root)/d/"] {
            assertError("nn.save(nn.ReLU(), [[\(target)]])", "test:1: cannot write '\(target)': it is a folder; give a file name")
            assertError("tensor.save(tensor.zeros(2), [[\(target)]])", "test:1: cannot write '\(target)': it is a folder; give a file name")
            assertError(set + "retrieval.figure(ds, retrieval.search(tensor.ones(2, 2), {k = 1}), [[\(target)]])",
                        "test:2: cannot write '\(target)': it is a folder; give a file name")
        }
        assertError("tensor.save(tensor.zeros(2), [[\(root)/file/]])", "test:1: cannot write '\(root)/file/': a file name cannot end with '/'")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/d"), [])
    }

    func testNULBytesInPathsAreRefusedAndShown() throws {
        let shown = root + "/b\\0.npy"
        let path = "'\(root)/b\\0.npy'"
        assertError("tensor.zeros(2):save(\(path))", "test:1: bad argument #1 to 'save' (path '\(shown)' contains a NUL byte)")
        assertError("tensor.save(tensor.zeros(2), \(path))", "test:1: bad argument #2 to 'save' (path '\(shown)' contains a NUL byte)")
        assertError("tensor.load(\(path))", "test:1: bad argument #1 to 'load' (path '\(shown)' contains a NUL byte)")
        assertError("nn.save(nn.ReLU(), \(path))", "test:1: bad argument #2 to 'save' (path '\(shown)' contains a NUL byte)")
        assertError("data.load(\(path))", "test:1: bad argument #1 to 'load' (path '\(shown)' contains a NUL byte)")
        assertError("data.fashionmnist{path = \(path)}", "test:1: data.fashionmnist: path must be a path without NUL bytes, got '\(shown)'")
        assertError("data.dataset(tensor.zeros({1, 1, 2, 2}, {dtype = 'uint8'}), tensor.ones(1, {dtype = 'int32'})):save(\(path))",
                    "test:1: bad argument #1 to 'save' (path '\(shown)' contains a NUL byte)")
        let set = "local ds = data.dataset(tensor.zeros({2, 1, 2, 2}, {dtype = 'uint8'}), tensor.ones(2, {dtype = 'int32'}))\n"
        assertError(set + "retrieval.figure(ds, retrieval.search(tensor.ones(2, 2), {k = 1}), \(path))",
                    "test:2: bad argument #3 to 'figure' (path '\(shown)' contains a NUL byte)")
        assertError(set + "train.fit(nn.Sequential{nn.Flatten()}, ds, {checkpoint = \(path)})",
                    "test:2: train.fit: checkpoint must be a path without NUL bytes, got '\(shown)'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/b"))
    }

    func testStaleTemporariesOfASaveAreRemovedByTheNextSave() throws {
        let deadPid = 5_000_000  // above the largest pid_max Linux allows (2^22): no such process
        let stale = root + "/.net.safetensors.tmp-\(deadPid)-1", live = root + "/.net.safetensors.tmp-1-2"
        for path in [stale, live] { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data([1]))) }
        try run("nn.save(nn.ReLU(), [[\(root)/net.safetensors]])")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a temporary of a running process is kept")
    }

    func testDatasetSaveReplacesAWholeFolderOrRefuses() throws {
        let folder = root + "/ds"
        try run("""
            function make(n) return data.dataset(tensor.zeros({n, 1, 2, 2}, {dtype = 'uint8'}), tensor.ones(n, {dtype = 'int32'})) end
            make(3):save([[\(folder)]])
            """)
        try FileManager.default.createDirectory(atPath: root + "/.ds.tmp-5000000-7", withIntermediateDirectories: false)
        try run("make(2):save([[\(folder)]])")
        XCTAssertEqual(try eval("#data.load([[\(folder)]])"), ["2"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root).sorted(), ["ds", "folder"], "no temporary left beside it")
        try Data([1]).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        assertError("make(1):save([[\(folder)]])",
                    "test:1: cannot save dataset to '\(folder)': the folder holds other files than a saved dataset's (dataset.json, images.npy, labels.npy)")
        XCTAssertEqual(try eval("#data.load([[\(folder)]])"), ["2"])
    }

    func testGzipThatInflatesPastItsHeaderIsStoppedWhileInflating() throws {
        // An IDX header for 1 image of 2x2, then 300 MB of zeros (0.3 MB gzipped).
        let images = root + "/images.gz"
        let script = "printf '\\000\\000\\010\\003\\000\\000\\000\\001\\000\\000\\000\\002\\000\\000\\000\\002' | gzip > \(images); head -c 300000000 /dev/zero | gzip -1 >> \(images)"
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", script]
        try shell.run()
        shell.waitUntilExit()
        let before = try peakResidentKilobytes()
        assertError("data.idx([[\(images)]], [[\(images)]])", "test:1: '\(images)' inflates past the 20 bytes its header gives")
        XCTAssertLessThan(try peakResidentKilobytes() - before, 100 << 10, "inflating stops near the header's size")
    }

    func peakResidentKilobytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }?
            .split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    }
}
