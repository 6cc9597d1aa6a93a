import Foundation
import Lunet
import XCTest

final class ModelFileTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lunet-models-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: folder)
    }

    /// A small network with every kind of saved state: conv weights with an
    /// L2 penalty, batch-norm statistics, named and unnamed layers.
    func makeNetwork() throws -> Sequential {
        let code = Flatten()
        code.name = "code"
        let fc = try Linear(2 * 3 * 3, 4, l2: 2e-4, seed: 7)
        fc.name = "fc"
        return Sequential([
            try Conv2d(1, 2, kernel: Size2D(square: 3), padding: .same, l2: 1e-3, seed: 1),
            try BatchNorm(2, spatialDimensions: 2),
            ReLU(),
            try MaxPool2d(kernel: Size2D(square: 2), padding: .same),
            code, try Dropout(0.25, seed: 3), fc,
        ])
    }

    /// A trained-looking network: running statistics moved by a few training passes.
    func trainedNetwork() throws -> Sequential {
        let net = try makeNetwork()
        for seed in 1...3 { _ = try net.forward(try Tensor.randn([4, 1, 6, 6], seed: UInt64(seed))) }
        net.setTraining(false)
        return net
    }

    func testRoundTripIsBitIdentical() throws {
        let net = try trainedNetwork()
        let path = folder + "/net.safetensors"
        try ModelFile.save(net, to: path)
        let loaded = try ModelFile.load(path, build: ModuleFactory.make)
        XCTAssertFalse(loaded.isTraining)
        let x = try Tensor<Float>.randn([5, 1, 6, 6], seed: 9)
        XCTAssertTrue(try loaded.forward(x).isIdentical(to: try net.forward(x)))
        XCTAssertEqual(loaded.children.map(\.name), [nil, nil, nil, nil, "code", nil, "fc"])
        XCTAssertEqual(loaded.parameters.map(\.l2), [1e-3, 0, 0, 0, 2e-4, 0])
        for ((name, a), (_, b)) in zip(ModelFile.namedTensors(of: loaded), ModelFile.namedTensors(of: net)) {
            XCTAssertTrue(a.isIdentical(to: b), name)
        }
    }

    func testFileNamesTensorsAndHoldsArchitecture() throws {
        let file = try ModelFile.encode(try trainedNetwork())
        XCTAssertEqual(file.tensors.map(\.name).sorted(), [
            "1.bias", "1.weight", "2.bias", "2.running_mean", "2.running_var", "2.weight", "fc.bias", "fc.weight",
        ])
        XCTAssertEqual(file.metadata["format"], "lunet")
        XCTAssertEqual(file.metadata["format_version"], "1")
        let architecture = try JSONValue.parse(file.metadata["architecture"]!)
        XCTAssertEqual(architecture["type"], .string("Sequential"))
        XCTAssertEqual(architecture["children"]?.arrayValue?.map { $0["type"]?.stringValue ?? "?" },
                       ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Flatten", "Dropout", "Linear"])
        XCTAssertEqual(architecture["children"]?.arrayValue?[6]["name"], .string("fc"))
    }

    func assertLoadError(_ path: String, _ detail: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModelFile.load(path, build: ModuleFactory.make), file: file, line: line) {
            XCTAssertEqual("\($0)", "cannot load model '\(path)': " + detail, file: file, line: line)
        }
    }

    func testTruncatedCorruptAndForeignFilesAreReported() throws {
        let path = folder + "/net.safetensors"
        try ModelFile.save(try trainedNetwork(), to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = folder + "/truncated.safetensors"
        try data.prefix(data.count - 10).write(to: URL(fileURLWithPath: truncated))
        assertLoadError(truncated, "file is truncated: tensor 'fc.weight' needs bytes 128..<416 of the data, which has 406")

        let foreign = folder + "/plain.safetensors"
        try SafeTensorsFile(tensors: [("w", .float(try Tensor.zeros([2])))], metadata: ["format": "pt"]).write(to: foreign)
        assertLoadError(foreign, "not a lunet model (a .safetensors file without lunet's 'format' and 'architecture' metadata; SafeTensorsFile.read reads its tensors)")

        let text = folder + "/notes.txt"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        assertLoadError(text, "file is truncated: 8-byte header length expected, found 5 bytes")

        XCTAssertThrowsError(try ModelFile.load(folder + "/absent.safetensors", build: ModuleFactory.make)) {
            XCTAssertEqual("\($0)", "cannot read '\(self.folder!)/absent.safetensors': no such file")
        }
    }

    func testMismatchedTensorsAreReported() throws {
        var file = try ModelFile.encode(try trainedNetwork())
        let index = file.tensors.firstIndex { $0.name == "fc.weight" }!
        file.tensors[index].tensor = .float(try Tensor.zeros([4, 5]))
        XCTAssertThrowsError(try ModelFile.decode(file, build: ModuleFactory.make)) {
            XCTAssertEqual("\($0)", "tensor 'fc.weight' has shape 4x5, the architecture needs 4x18")
        }
        file.tensors.remove(at: index)
        XCTAssertThrowsError(try ModelFile.decode(file, build: ModuleFactory.make)) {
            XCTAssertEqual("\($0)", "tensor 'fc.weight' is missing")
        }
        file.tensors.append(("fc7.weight", .float(try Tensor.zeros([1]))))
        XCTAssertThrowsError(try ModelFile.decode(file, build: ModuleFactory.make)) {
            XCTAssertEqual("\($0)", "tensor 'fc7.weight' matches no parameter or buffer of the architecture")
        }
        file.metadata["architecture"] = #"{"type": "Sequential", "children": [{"type": "Linear"}"#
        XCTAssertThrowsError(try ModelFile.decode(file, build: ModuleFactory.make)) {
            XCTAssertEqual("\($0)", "metadata 'architecture': invalid JSON: Unexpected end of file during JSON parse.")
        }
        file.metadata["architecture"] = #"{"type": "Sequential", "children": [{"type": "Softmax"}]}"#
        XCTAssertThrowsError(try ModelFile.decode(file, build: ModuleFactory.make)) {
            XCTAssertTrue("\($0)".hasPrefix("unknown layer type 'Softmax'"), "\($0)")
        }
        file.metadata["format_version"] = "2"
        XCTAssertThrowsError(try ModelFile.decode(file, build: ModuleFactory.make)) {
            XCTAssertEqual("\($0)", "written by a newer lunet (format version 2; this one reads up to 1)")
        }
    }

    func testSaveIsAtomic() throws {
        let path = folder + "/net.safetensors"
        try ModelFile.save(try trainedNetwork(), to: path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["net.safetensors"])
        XCTAssertThrowsError(try ModelFile.save(try makeNetwork(), to: folder + "/missing/net.safetensors")) {
            XCTAssertEqual("\($0)", "cannot write '\(self.folder!)/missing/net.safetensors': folder '\(self.folder!)/missing' does not exist")
        }
    }
}
