import Foundation
import XCTest

/// The loaders on the real collections of ../shared/data. Expected pixel
/// values were read once with Python (PIL + NumPy) from the same files.
final class DataLoaderTests: LuaTestCase {
    func testTinyImageNetTrainCountsLabelsAndPixels() throws {
        let root = try sharedData("tiny-imagenet-200-mini")
        try run("tin = data.tinyimagenet([[\(root)]])")
        XCTAssertEqual(try eval("tostring(tin)"), ["[Dataset: 7500 images 3x64x64, 30 classes]"])
        XCTAssertEqual(try eval("#tin, tin:classCount(), tin.classes[1], tin.classes[30]"), ["7500", "30", "n01629819", "n09428293"])
        XCTAssertEqual(try eval("tin.descriptions[1], tin.descriptions[30]"),
                       ["European fire salamander, Salamandra salamandra", "seashore, coast, seacoast, sea-coast"])
        XCTAssertEqual(try eval("tin.labels:get(1), tin.labels:get(250), tin.labels:get(251), tin.labels:get(7500)"), ["1", "1", "2", "30"])
        XCTAssertEqual(try eval("#tin:indicesOf(1), tin:indicesOf('n01742172')[1]"), ["250", "251"])
        // Image 1 is n01629819_0.JPEG, 2 is _1, 3 is _10 (sorted file order).
        XCTAssertEqual(try eval("tin.images:get(1,1,1,1), tin.images:get(1,2,1,1), tin.images:get(1,3,1,1)"), ["197", "198", "192"])
        XCTAssertEqual(try eval("tin.images:get(1,1,64,64), tin.images:get(1,2,64,64), tin.images:get(1,3,64,64)"), ["30", "23", "7"])
        XCTAssertEqual(try eval("tin.images:get(1,1,11,21), tin.images:get(1,2,11,21), tin.images:get(1,3,11,21)"), ["218", "216", "201"])
        XCTAssertEqual(try eval("tin:image(1):sum(), tin:image(2):sum(), tin:image(3):sum()"), ["1657780", "1039903", "1033272"])
        XCTAssertEqual(try eval("tin:image(3001):sum(), select(2, tin:image(3001))"), ["2044497", "13"])
        XCTAssertEqual(try eval("tin:image(7500):sum(), tin.images:get(7500,3,1,1)"), ["1203358", "237"])
        // n01768244_225.JPEG is grayscale: three equal channels.
        XCTAssertEqual(try eval("tin:image(642):sum(), tin.images:get(642,1,6,6), tin.images:get(642,3,6,6)"), ["1357431", "245", "245"])
    }

    func testTinyImageNetValidation() throws {
        let root = try sharedData("tiny-imagenet-200-mini")
        try run("val = data.tinyimagenet([[\(root)]], {split = 'val'})")
        XCTAssertEqual(try eval("#val, val.labels:get(1), val.labels:get(2), val.labels:get(3)"), ["1500", "22", "19", "30"])
        XCTAssertEqual(try eval("val:image(1):sum(), val.images:get(1,2,1,1)"), ["2079264", "147"])
        XCTAssertEqual(try eval("#val:indicesOf(5)"), ["50"])
    }

    func testOmniglotFromTheOfficialZip() throws {
        let zip = try sharedData("omniglot/images_background_small1.zip")
        try run("om = data.omniglot([[\(zip)]])")
        XCTAssertEqual(try eval("tostring(om)"), ["[Dataset: 2720 images 1x105x105, 136 classes, 5 groups]"])
        XCTAssertEqual(try eval("om.classes[1], om.classes[136], #om.groups, om.groups[2]"),
                       ["Balinese/character01", "Latin/character26", "5", "Early_Aramaic"])
        XCTAssertEqual(try eval("om.classGroups[1], om.classGroups[24], om.classGroups[25], om.classGroups[136]"), ["1", "1", "2", "5"])
        XCTAssertEqual(try eval("om.labels:get(20), om.labels:get(21), om.labels:get(2720)"), ["1", "2", "136"])
        // Ink is 0 and paper 255 as distributed: sums from PIL.
        XCTAssertEqual(try eval("om:image(1):sum(), om:image(20):sum(), om:image(21):sum(), om:image(2720):sum()"),
                       ["2586720", "2597685", "2525010", "2604825"])
        try run("inv = data.omniglot([[\(zip)]], {invert = true})")
        XCTAssertEqual(try eval("inv:image(1):sum() / 255, inv.images:get(1,1,1,1)"), ["881.0", "0"])
    }

    func testOmniglotRunsAnswerKey() throws {
        let zip = try sharedData("omniglot/all_runs.zip")
        try run("runs = data.omniglotRuns([[\(zip)]])")
        XCTAssertEqual(try eval("#runs, runs[1].name, runs[20].name"), ["20", "run01", "run20"])
        XCTAssertEqual(try eval("runs[1].support:type(), table.concat(runs[1].support:size(), 'x'), table.concat(runs[1].query:size(), 'x')"),
                       ["UInt8", "20x1x105x105", "20x1x105x105"])
        XCTAssertEqual(try eval("table.concat(runs[1].answers, ',')"), ["8,9,2,19,10,18,13,1,4,11,17,3,20,7,12,5,6,15,14,16"])
        XCTAssertEqual(try eval("table.concat(runs[20].answers, ',')"), ["16,4,17,18,9,10,6,3,12,11,2,7,1,15,8,5,19,14,13,20"])
        XCTAssertEqual(try eval("(105 * 105 * 255 - runs[1].query:get(1):sum()) / 255, (105 * 105 * 255 - runs[20].support:get(20):sum()) / 255"),
                       ["829.0", "1407.0"])
    }

    func testFashionMNISTFromDebian() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("Debian's dataset-fashion-mnist is not installed")
        }
        try run("fm = data.fashionmnist()")
        XCTAssertEqual(try eval("tostring(fm), fm.classes[10]"), ["[Dataset: 60000 images 1x28x28, 10 classes]", "Ankle boot"])
        XCTAssertEqual(try eval("fm.labels:get(1), fm.labels:get(2), fm.labels:get(4), fm:image(1):sum(), fm:image(60000):sum()"),
                       ["10", "1", "4", "76247", "16684"])
        XCTAssertEqual(try eval("#data.fashionmnist{split = 'test'}, data.fashionmnist{split = 'test'}:image(1):sum()"), ["10000", "33456"])
        XCTAssertEqual(try eval("#data.idx('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz', '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz')"), ["10000"])
    }

    func testCacheRoundTripAndBatchesOnRealData() throws {
        let root = try sharedData("tiny-imagenet-200-mini")
        let cache = NSTemporaryDirectory() + "lunet-cache-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: cache) }
        try run("""
            tin = data.tinyimagenet([[\(root)]])
            tin:save([[\(cache)]])
            back = data.load([[\(cache)]])
            """)
        XCTAssertEqual(try eval("tostring(back), back.classes[7], back.descriptions[1]"),
                       ["[Dataset: 7500 images 3x64x64, 30 classes]", tryEvalString("tin.classes[7]"),
                        "European fire salamander, Salamandra salamandra"])
        // A full comparison of 22 M bytes is slow in a debug build: compare a sample.
        XCTAssertEqual(try eval("back:subset{1, 642, 3001, 7500}.images:equal(tin:subset{1, 642, 3001, 7500}.images), back.labels:equal(tin.labels)"),
                       ["true", "true"])
        let sum = try run("""
            local n, first = 0, nil
            for x, y in tin:take(1050):batches(100) do
              n = n + 1
              first = first or {x, y}
            end
            return n, tostring(first[1]):match('[^\\n]+$'), math.abs(first[1]:get(1, 1, 1, 1) - 197 / 255) < 1e-6, first[2]:get(100)
            """)
        XCTAssertEqual(sum, ["11", "[Float32 tensor of shape 100x3x64x64]", "true", "1"])
    }

    private func tryEvalString(_ expression: String) -> String {
        (try? eval(expression).first) ?? "?"
    }
}
