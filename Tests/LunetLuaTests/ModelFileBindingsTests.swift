import Foundation
import LunetLua
import XCTest

final class ModelFileBindingsTests: LuaTestCase {
    var folder: String!

    override func setUpWithError() throws {
        try super.setUpWithError()
        folder = NSTemporaryDirectory() + "lunet-lua-models-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: folder)
    }

    func testSaveAndLoadGiveBitIdenticalOutputs() throws {
        let code = """
            local net = nn.Sequential{
              nn.Conv2d(1, 4, 3, {padding = 'same', seed = 1, l2 = 1e-3}), nn.BatchNorm2d(4), nn.ReLU(),
              nn.MaxPool2d(2), nn.Flatten():named('code'), nn.Dropout(0.5), nn.Linear(64, 3, {seed = 2}):named('fc'),
            }
            for i = 1, 3 do net:forward(tensor.randn({5, 1, 8, 8}, {seed = i})) end
            net:evaluate()
            nn.save(net, '\(folder!)/net.safetensors')
            local loaded = nn.load('\(folder!)/net.safetensors')
            local x = tensor.randn({6, 1, 8, 8}, {seed = 9})
            local same = (loaded:forward(x) - net:forward(x)):abs():max() == 0
            return same, tostring(loaded:get(7)), nn.l2Penalty(loaded) == nn.l2Penalty(net)
            """
        XCTAssertEqual(try run(code), ["true", "nn.Linear(64 -> 3) 'fc'", "true"])
    }

    func testSafetensorsDictionaries() throws {
        let code = """
            tensor.saveSafetensors({w = tensor.from({{1, 2}, {3, 4}}), labels = tensor.from({3, 1}, {dtype = 'int32'})},
                                   '\(folder!)/t.safetensors', {source = 'test'})
            local t, meta = tensor.loadSafetensors('\(folder!)/t.safetensors')
            return t.w:get(2, 1), tostring(t.labels:get(1)), meta.source
            """
        XCTAssertEqual(try run(code), ["3.0", "3", "test"])
    }

    func testForeignAndBrokenFilesGiveClearErrors() throws {
        let plain = folder + "/plain.safetensors"
        try run("tensor.saveSafetensors({w = tensor.zeros({2})}, '\(plain)')")
        assertError("nn.load('\(plain)')", "test:1: cannot load model '\(plain)': not a lunet model (a .safetensors file without lunet's 'format' and 'architecture' metadata; tensor.loadSafetensors reads its tensors)")
        let net = folder + "/net.safetensors"
        try run("nn.save(nn.Sequential{nn.Linear(4, 2)}, '\(net)')")
        let data = try Data(contentsOf: URL(fileURLWithPath: net))
        try data.prefix(data.count - 4).write(to: URL(fileURLWithPath: net))
        assertError("nn.load('\(net)')", "test:1: cannot load model '\(net)': file is truncated: tensor '1.weight' needs bytes 8..<40 of the data, which has 36")
        assertError("nn.load('\(folder!)/none.safetensors')", "test:1: cannot read '\(folder!)/none.safetensors': no such file")
        assertError("nn.save(tensor.zeros({2}), '\(net)')", "test:1: bad argument #1 to 'save' (nn module expected, got Float32 tensor)")
        assertError("tensor.saveSafetensors({w = 3}, '\(net)')", "test:1: bad argument #1 to 'saveSafetensors' ('w' is a number, tensor expected)")
    }
}
