import Foundation
import Lunet
import XCTest

final class SafeTensorsFileTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lunet-safetensors-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: folder)
    }

    func sample() throws -> SafeTensorsFile {
        SafeTensorsFile(tensors: [
            ("b.weight", .float(try Tensor(shape: [2, 3], scalars: [1, -2, 3.5, 0, .pi, -1e-30]))),
            ("a.labels", .int(try Tensor(shape: [3], scalars: [7, -1, 2_000_000_000]))),
            ("pixels", .byte(try Tensor(shape: [1, 2], scalars: [0, 255]))),
            ("empty", .float(try Tensor.zeros([0, 4]))),
        ], metadata: ["format": "pt", "note": "quote \" and \\ and ü"])
    }

    func testRoundTripKeepsTypesValuesAndMetadata() throws {
        let path = folder + "/t.safetensors"
        try sample().write(to: path)
        let read = try SafeTensorsFile.read(path)
        XCTAssertEqual(read.tensors.map(\.name), ["a.labels", "b.weight", "empty", "pixels"])
        XCTAssertEqual(read.metadata, ["format": "pt", "note": "quote \" and \\ and ü"])
        guard case .float(let w)? = read["b.weight"], case .int(let labels)? = read["a.labels"],
              case .byte(let pixels)? = read["pixels"], case .float(let empty)? = read["empty"] else {
            return XCTFail("types changed")
        }
        XCTAssertEqual(w.shape, [2, 3])
        XCTAssertEqual(w.scalars, [1, -2, 3.5, 0, .pi, -1e-30])
        XCTAssertEqual(labels.scalars, [7, -1, 2_000_000_000])
        XCTAssertEqual(pixels.scalars, [0, 255])
        XCTAssertEqual(empty.shape, [0, 4])
    }

    func testLayoutFollowsTheFormat() throws {
        let data = try sample().encoded()
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0, "header padded to 8 bytes")
        let header = try JSONValue.parse(String(decoding: data[8..<8 + headerLength], as: UTF8.self))
        XCTAssertEqual(header["b.weight"], .object([
            "dtype": .string("F32"), "shape": .array([.int(2), .int(3)]),
            "data_offsets": .array([.int(12), .int(36)]),
        ]))
        XCTAssertEqual(header["a.labels"]?["data_offsets"], .array([.int(0), .int(12)]))
        XCTAssertEqual(header["pixels"]?["dtype"], .string("U8"))
        XCTAssertEqual(data.count, 8 + headerLength + 12 + 24 + 0 + 2)
        // Little-endian F32 1.0 opens b.weight's bytes.
        XCTAssertEqual(Array(data[8 + headerLength + 12..<8 + headerLength + 16]), [0x00, 0x00, 0x80, 0x3F])
    }

    func assertReadError(_ bytes: Data, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = folder + "/bad.safetensors"
        try bytes.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafeTensorsFile.read(path), file: file, line: line) {
            XCTAssertEqual("\($0)", "'\(path)' is not a readable .safetensors file: " + message, file: file, line: line)
        }
    }

    func testTruncatedAndCorruptFilesAreReported() throws {
        let data = try sample().encoded()
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        try assertReadError(data.prefix(5), "file is truncated: 8-byte header length expected, found 5 bytes")
        try assertReadError(data.prefix(100), "file is truncated or not safetensors: header of \(headerLength) bytes expected, found 92")
        try assertReadError(data.prefix(data.count - 1), "file is truncated: tensor 'pixels' needs bytes 36..<38 of the data, which has 37")
        var corrupt = data
        corrupt[8] = UInt8(ascii: "[")
        try assertReadError(corrupt, "header is not a JSON object")
        try assertReadError(Data("PK\u{3}\u{4} not a tensor file at all".utf8), "file is truncated or not safetensors: header of 8390045714599856976 bytes expected, found 21")
    }

    func testJSONReadsIntegersAndDoublesApart() throws {
        let value = try JSONValue.parse(#"{"a": 1, "b": 1.5, "c": [2e-4, -3, "x\u00e9\n"], "d": null, "e": true}"#)
        XCTAssertEqual(value, .object([
            "a": .int(1), "b": .double(1.5), "c": .array([.double(2e-4), .int(-3), .string("xé\n")]),
            "d": .null, "e": .bool(true),
        ]))
        XCTAssertEqual(try JSONValue.parse(#"[1.0, 1]"#), .array([.double(1), .int(1)]))
        XCTAssertEqual(try JSONValue.parse(try value.encoded()), value)
        XCTAssertEqual(try JSONValue.object(["p": .double(0.5), "n": .int(3), "f": .double(2), "s": .string("a/\u{1}")]).encoded(),
                       #"{"f":2,"n":3,"p":0.5,"s":"a/\u0001"}"#)
        XCTAssertThrowsError(try JSONValue.parse(#"{"a": }"#)) {
            XCTAssertEqual("\($0)", "invalid JSON: Invalid value around character 6.")
        }
    }
}
