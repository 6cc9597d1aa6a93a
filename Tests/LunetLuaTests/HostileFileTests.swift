import Foundation
import Lunet
import LunetLua
import XCTest

/// Files a hostile user hands lunet: huge or malformed JSON, tampered indexes
/// and headers. Each is refused with a message naming the file, quickly, and
/// the state stays usable.
final class HostileFileTests: LuaTestCase {
    var folder: String!

    override func setUpWithError() throws {
        try super.setUpWithError()
        folder = NSTemporaryDirectory() + "lunet-hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
        super.tearDown()
    }

    /// `"\n\n..."` as JSON text: `count` escapes.
    func escapes(_ count: Int) -> String { "\"" + String(repeating: "\\n", count: count) + "\"" }

    /// Runs `body`, failing when it takes longer than `seconds`.
    func assertFast(_ seconds: Double, _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) rethrows {
        let start = Date()
        try body()
        XCTAssertLessThan(Date().timeIntervalSince(start), seconds, file: file, line: line)
    }

    /// A dataset of two 1x2x2 images saved in `folder/ds`, its index's text.
    func savedDataset() throws -> (path: String, index: String) {
        try run("data.dataset(tensor.zeros({2, 1, 2, 2}, {dtype = 'uint8'}), tensor.from({1, 2}, {dtype = 'int32'})):save('\(folder!)/ds')")
        let index = folder + "/ds/dataset.json"
        return (folder + "/ds", try String(contentsOfFile: index, encoding: .utf8))
    }

    func testManyEscapesParseFast() throws {
        let (path, index) = try savedDataset()
        try index.replacingOccurrences(of: #""classes":["1","2"]"#, with: #"{"classes":[\#(escapes(800_000)),"2"]"#.dropFirst(1))
            .write(toFile: path + "/dataset.json", atomically: true, encoding: .utf8)
        try assertFast(5) { XCTAssertEqual(try eval("#data.load('\(path)').classes[1]"), ["800000"]) }

        let header = #"{"__metadata__":{"note":\#(escapes(800_000))},"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        var bytes = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(header.utf8) + [7])
        try bytes.write(to: URL(fileURLWithPath: folder + "/t.safetensors"))
        try assertFast(5) {
            XCTAssertEqual(try eval("(function() local t, m = tensor.loadSafetensors('\(folder!)/t.safetensors') return #m.note, t.t:get(1) end)()"),
                           ["800000", "7"])
        }
    }

    func testHugeArchitecturesLoadOrAreRefusedQuickly() throws {
        let path = folder + "/net.safetensors"
        try run("nn.save(nn.Sequential{nn.ReLU()}, '\(path)')")
        var file = try SafeTensorsFile.read(path)
        let layers = Array(repeating: #"{"type":"ReLU","name":\#(escapes(16)),"config":{}}"#, count: 50_000).joined(separator: ",")
        file.metadata["architecture"] = #"{"type":"Sequential","children":[\#(layers)]}"#
        try file.write(to: path)
        try assertFast(20) { XCTAssertEqual(try eval("#nn.load('\(path)')"), ["50000"]) }
        file.metadata["architecture"] = String(repeating: #"{"type":"Sequential","children":["#, count: 1000) + "]}"
        try file.write(to: path)
        try assertFast(5) {
            assertError("nn.load('\(path)')", "test:1: cannot load model '\(path)': metadata 'architecture': invalid JSON: Too many nested arrays or dictionaries around character 8449.")
        }
    }

    func testLoneSurrogatesAreRefused() throws {
        let (path, index) = try savedDataset()
        let indexPath = path + "/dataset.json"
        for (text, reason) in [
            (#""\uD800\u0041""#, "Unexpected end of file during string parse (expected low-surrogate code point but did not find one)."),
            (#""\uD800\uD800""#, "Unexpected end of file during string parse (expected low-surrogate code point but did not find one)."),
            (#""\uDC00""#, "Unable to convert hex escape sequence (no high character) to UTF8-encoded character."),
        ] {
            try index.replacingOccurrences(of: #""1","2""#, with: text + #","2""#).write(toFile: indexPath, atomically: true, encoding: .utf8)
            assertError("data.load('\(path)')", "test:1: '\(indexPath)' is not a lunet dataset index: invalid JSON: \(reason)")
        }
        XCTAssertEqual(try JSONValue.parse(#"["\uD83D\uDE00A"]"#), .array([.string("😀A")]))
    }

    func testTamperedDatasetIndexIsRefused() throws {
        let (path, index) = try savedDataset()
        try index.replacingOccurrences(of: #""count":2"#, with: #""count":3"#).write(toFile: path + "/dataset.json", atomically: true, encoding: .utf8)
        assertError("data.load('\(path)')", "test:1: '\(path)' is inconsistent: dataset.json counts 3 items, images.npy holds 2 and labels.npy 2")
        try index.replacingOccurrences(of: #""count":2"#, with: #""count":"2""#).write(toFile: path + "/dataset.json", atomically: true, encoding: .utf8)
        assertError("data.load('\(path)')", "test:1: '\(path)/dataset.json': 'count' must be an integer")
    }

    func testTamperedSafetensorsOffsetsAreRefused() throws {
        func write(_ header: String, dataCount: Int) throws -> String {
            var bytes = Data()
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: Array(header.utf8) + [UInt8](repeating: 1, count: dataCount))
            let path = folder + "/o.safetensors"
            try bytes.write(to: URL(fileURLWithPath: path))
            return path
        }
        let overlap = try write(#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#, dataCount: 8)
        assertError("tensor.loadSafetensors('\(overlap)')",
                    "test:1: '\(overlap)' is not a readable .safetensors file: tensor 'b' starts at byte 2 of the data, but tensor 'a' ends at byte 4 (data_offsets must cover the data in order, without overlaps or gaps)")
        let same = try write(#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#, dataCount: 4)
        assertError("tensor.loadSafetensors('\(same)')",
                    "test:1: '\(same)' is not a readable .safetensors file: tensor 'b' starts at byte 0 of the data, but tensor 'a' ends at byte 4 (data_offsets must cover the data in order, without overlaps or gaps)")
        let gap = try write(#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#, dataCount: 4)
        assertError("tensor.loadSafetensors('\(gap)')",
                    "test:1: '\(gap)' is not a readable .safetensors file: tensor 'a' starts at byte 2 of the data, but the data starts at byte 0 (data_offsets must cover the data in order, without overlaps or gaps)")
        let tail = try write(#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#, dataCount: 4)
        assertError("tensor.loadSafetensors('\(tail)')", "test:1: '\(tail)' is not a readable .safetensors file: the data has 4 bytes but its tensors cover 2")
    }

    func testTamperedModelFieldsAreRefused() throws {
        let path = folder + "/net.safetensors"
        try run("nn.save(nn.Sequential{nn.Linear(2, 2)}, '\(path)')")
        let original = try SafeTensorsFile.read(path)
        var file = original
        file.metadata["training"] = "yes"
        try file.write(to: path)
        assertError("nn.load('\(path)')", "test:1: cannot load model '\(path)': metadata 'training' must be \"true\" or \"false\", got \"yes\"")
        file = original
        file.metadata["architecture"] = #"{"type":"Sequential","children":[{"type":"Linear","config":[2, 2]}]}"#
        try file.write(to: path)
        assertError("nn.load('\(path)')", "test:1: cannot load model '\(path)': architecture.children[1].config must be an object, got array")
        try original.write(to: path)
        XCTAssertEqual(try eval("nn.load('\(path)'):forward(tensor.zeros({1, 2})):size(2)"), ["2"])
    }
}
