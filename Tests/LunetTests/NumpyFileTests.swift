import Foundation
import XCTest
@testable import Lunet

final class NumpyFileTests: XCTestCase {
    /// `np.save` output for arange(6, dtype=float32).reshape(2, 3), uint8 [1, 2, 255]
    /// and int32 [[-1], [7]], made once with NumPy.
    static let numpyFloat = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPwAAAEAAAEBAAACAQAAAoEA="
    static let numpyByte = "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAv8="
    static let numpyInt = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr/////BwAAAA=="

    func testWritesExactlyWhatNumpyWrites() throws {
        XCTAssertEqual(NumpyFile.encode(try Tensor<Float>.arange(6).reshaped([2, 3])).base64EncodedString(), Self.numpyFloat)
        XCTAssertEqual(NumpyFile.encode(try Tensor<UInt8>(shape: [3], scalars: [1, 2, 255])).base64EncodedString(), Self.numpyByte)
        XCTAssertEqual(NumpyFile.encode(try Tensor<Int32>(shape: [2, 1], scalars: [-1, 7])).base64EncodedString(), Self.numpyInt)
    }

    func testReadsWhatNumpyWrites() throws {
        guard case .float(let f) = try NumpyFile.decode(Data(base64Encoded: Self.numpyFloat)!) else { return XCTFail() }
        XCTAssertEqual(f.shape, [2, 3])
        XCTAssertEqual(f.scalars, [0, 1, 2, 3, 4, 5])
        guard case .byte(let b) = try NumpyFile.decode(Data(base64Encoded: Self.numpyByte)!) else { return XCTFail() }
        XCTAssertEqual(b.scalars, [1, 2, 255])
        guard case .int(let i) = try NumpyFile.decode(Data(base64Encoded: Self.numpyInt)!) else { return XCTFail() }
        XCTAssertEqual(i.shape, [2, 1])
        XCTAssertEqual(i.scalars, [-1, 7])
    }

    func testRoundTripThroughAFileAndClearErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lunet-npy-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.npy").path
        let x = try Tensor<Float>.randn([3, 4, 5], seed: 9)
        try NumpyFile.save(.float(x), to: path)
        guard case .float(let y) = try NumpyFile.load(path) else { return XCTFail() }
        XCTAssertTrue(x.isIdentical(to: y))
        // No temporary file is left beside the target.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["x.npy"])

        let truncated = folder.appendingPathComponent("t.npy").path
        try Data(base64Encoded: Self.numpyFloat)!.dropLast(3).write(to: URL(fileURLWithPath: truncated))
        XCTAssertThrowsError(try NumpyFile.load(truncated)) { error in
            XCTAssertEqual((error as? LunetError)?.message,
                           "'\(truncated)' is not a readable .npy file: data is truncated: shape 2x3 needs 24 bytes, found 21")
        }
        let text = folder.appendingPathComponent("n.npy").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        XCTAssertThrowsError(try NumpyFile.load(text)) { error in
            XCTAssertEqual((error as? LunetError)?.message, "'\(text)' is not a readable .npy file: missing NumPy magic string")
        }
        var double = Data(base64Encoded: Self.numpyFloat)!
        double.replaceSubrange(double.range(of: Data("<f4".utf8))!, with: Data("<f8".utf8))
        XCTAssertThrowsError(try NumpyFile.decode(double)) { error in
            XCTAssertEqual((error as? LunetError)?.message,
                           "dtype '<f8' is not supported; expected float32 (<f4), uint8 (|u1) or int32 (<i4)")
        }
        XCTAssertThrowsError(try NumpyFile.load(folder.path + "/missing.npy")) { error in
            XCTAssertEqual((error as? LunetError)?.message, "cannot read '\(folder.path)/missing.npy': no such file")
        }
        XCTAssertThrowsError(try NumpyFile.save(.float(x), to: "/nonexistent-folder/x.npy")) { error in
            XCTAssertEqual((error as? LunetError)?.message, "cannot write '/nonexistent-folder/x.npy': folder '/nonexistent-folder' does not exist")
        }
    }
}
