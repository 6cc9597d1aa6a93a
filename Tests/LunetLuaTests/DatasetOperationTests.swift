import Foundation
import XCTest

/// Dataset operations on a small dataset built from tensors: 10 images
/// 1x2x2 whose pixels are 0...39, classes a (3 images), b (3), c (4).
final class DatasetOperationTests: LuaTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try run("""
            images = tensor.arange(40, {dtype = 'uint8'}):reshape({10, 1, 2, 2})
            labels = tensor.from({1, 1, 1, 2, 2, 2, 3, 3, 3, 3}, {dtype = 'int32'})
            ds = data.dataset(images, labels, {classes = {'a', 'b', 'c'}})
            function labelsOf(d) return table.concat(d.labels:totable(), ',') end
            """)
    }

    func testFieldsAndQueries() throws {
        XCTAssertEqual(try eval("tostring(ds), #ds, ds:classCount(), #ds.classes, ds.classes[2]"),
                       ["[Dataset: 10 images 1x2x2, 3 classes]", "10", "3", "3", "b"])
        XCTAssertEqual(try eval("labelsOf(ds), ds.labels:type(), ds.images:type()"), ["1,1,1,2,2,2,3,3,3,3", "Int32", "UInt8"])
        XCTAssertEqual(try eval("table.concat(ds:indicesOf('b'), ','), table.concat(ds:indicesOf(3), ',')"), ["4,5,6", "7,8,9,10"])
        XCTAssertEqual(try eval("ds:image(5):sum(), select(2, ds:image(5)), tostring(ds:image(5))"),
                       ["70", "2", "(1,.,.) =\n16 17\n18 19\n[UInt8 tensor of shape 1x2x2]"])
        XCTAssertEqual(try eval("ds.descriptions, #ds.groups, ds.classGroups, data.isDataset(ds), data.isDataset(images)"),
                       ["nil", "0", "nil", "true", "false"])
    }

    func testSubsetsAndClassSelection() throws {
        XCTAssertEqual(try eval("labelsOf(ds:subset{10, 1}), ds:subset{10, 1}:image(1):sum()"), ["3,1", "150"])
        XCTAssertEqual(try eval("labelsOf(ds:classes{'c', 'a'}), ds:classes{'c', 'a'}.classes[1], #ds:classes{3, 1}"),
                       ["2,2,2,1,1,1,1", "c", "7"])
        try run("inD, ood = ds:splitClasses{last = 1}")
        XCTAssertEqual(try eval("#inD, inD:classCount(), labelsOf(inD), #ood, ood.classes[1], labelsOf(ood), ood:image(1):sum()"),
                       ["6", "2", "1,1,1,2,2,2", "4", "c", "1,1,1,1", "102"])
        try run("rest, chosen = ds:splitClasses{count = 2, seed = 3}")
        XCTAssertEqual(try eval("#rest + #chosen, rest:classCount(), chosen:classCount()"), ["10", "1", "2"])
        XCTAssertEqual(try eval("table.concat(chosen.classes, ',') == table.concat(select(2, ds:splitClasses{count = 2, seed = 3}).classes, ',')"), ["true"])
    }

    func testShuffleSplitTakePerClass() throws {
        try run("s1, s2 = ds:shuffle{seed = 42}, ds:shuffle{seed = 42}")
        XCTAssertEqual(try eval("labelsOf(s1) == labelsOf(s2), s1.images:equal(s2.images), s1.images:equal(ds.images)"), ["true", "true", "false"])
        XCTAssertEqual(try eval("s1.images:sum(), s1.labels:sum()"), ["780", "21"])
        XCTAssertEqual(try eval("#select(1, ds:split{0.8, 0.1, 0.1}), #select(2, ds:split{0.8, 0.1, 0.1}), #select(3, ds:split{0.8, 0.1, 0.1})"),
                       ["8", "1", "1"])
        XCTAssertEqual(try eval("select('#', ds:split{0.5, 0.5}), #ds:split{0.34}, labelsOf(select(2, ds:split{0.7, 0.3}))"), ["2", "3", "3,3,3"])
        XCTAssertEqual(try eval("labelsOf(ds:take(4)), #ds:take(100), labelsOf(ds:perClass(2)), #ds:perClass(0)"),
                       ["1,1,1,2", "10", "1,1,2,2,3,3", "0"])
    }

    func testSplitSizesFollowNumPySlicing() throws {
        // 95 images: x[:int(.8*95)], x[int(.8*95):int(.9*95)], x[int(.9*95):] are 76, 9, 10.
        try run("big = data.dataset(tensor.zeros({95, 1, 1, 1}, {dtype = 'uint8'}), tensor.ones({95}, {dtype = 'int32'}))")
        XCTAssertEqual(try eval("#select(1, big:split{0.8, 0.1, 0.1}), #select(2, big:split{0.8, 0.1, 0.1}), #select(3, big:split{0.8, 0.1, 0.1})"),
                       ["76", "9", "10"])
    }

    func testBatches() throws {
        let result = try run("""
            local sizes, seen = {}, {}
            for x, y in ds:batches(4) do
              sizes[#sizes + 1] = tostring(x):match('[^\\n]+$') .. ' ' .. table.concat(y:totable(), ',')
            end
            return table.concat(sizes, ' | ')
            """)
        XCTAssertEqual(result, ["[Float32 tensor of shape 4x1x2x2] 1,1,1,2 | [Float32 tensor of shape 4x1x2x2] 2,2,3,3 | [Float32 tensor of shape 2x1x2x2] 3,3"])
        XCTAssertEqual(try eval("#ds:batches(4), #ds:batches(4, {dropLast = true}), #ds:batches(10), tostring(ds:batches(3))"),
                       ["3", "2", "1", "[BatchIterator: 0 of 4 batches of 3]"])
        XCTAssertEqual(try eval("(function() local it = ds:batches(10); local x = it(); return math.floor(x:get(1, 1, 1, 2) * 255 + 0.5), math.floor(x:get(10, 1, 2, 2) * 255 + 0.5), math.abs(x:max() - 39 / 255) < 1e-7 end)()"),
                       ["1", "39", "true"])
        let shuffled = try run("""
            local order = {}
            for x, y in ds:batches(3, {shuffle = true, seed = 7}) do
              for i = 1, x:size(1) do order[#order + 1] = math.floor(x:get(i, 1, 1, 1) * 255 / 4 + 0.5) + 1 end
            end
            table.sort(order)
            return table.concat(order, ',')
            """)
        XCTAssertEqual(shuffled, ["1,2,3,4,5,6,7,8,9,10"])
    }

    func testCacheKeepsClassesAndGroups() throws {
        let folder = NSTemporaryDirectory() + "lunet-ops-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try run("ds:save([[\(folder)/cache]]); back = data.load([[\(folder)/cache]])")
        XCTAssertEqual(try eval("tostring(back), labelsOf(back), back.classes[3], back.images:equal(ds.images)"),
                       ["[Dataset: 10 images 1x2x2, 3 classes]", "1,1,1,2,2,2,3,3,3,3", "c", "true"])
    }

    func testMistakesAreLuaErrors() throws {
        assertError("ds:image(11)", "test:1: image 11 out of range for a dataset of 10 images")
        assertError("ds:classes{'z'}", "test:1: no class named 'z' among 3 classes")
        assertError("ds:subset{0}", "test:1: subset: index 0 out of range for a dataset of 10 images")
        assertError("ds:splitClasses{last = 4}", "test:1: splitClasses: cannot take the last 4 of 3 classes")
        assertError("ds:split{0.8, 0.3}", "test:1: split: fractions add up to 1.1, more than 1")
        assertError("ds:batches(4, {shufle = true})", "test:1: unknown option 'shufle' for ds:batches (did you mean 'shuffle'?)")
        assertError("ds:batches(0)", "test:1: bad argument #1 to 'batches' (positive integer expected, got 0)")
        assertError("data.dataset(images, tensor.from({1, 2}, {dtype = 'int32'}))",
                    "test:1: labels do not match the images: Int32 tensor of shape 2 for 10 images")
        assertError("data.dataset(images, labels, {classes = {'a'}})", "test:1: label 2 out of range for 1 classes")
    }

    func testHelpDocumentsTheBindings() throws {
        XCTAssertTrue(try eval("lunet.doc(data)")[0].contains("data.tinyimagenet(path[, {split='train'|'val'}])"))
        XCTAssertTrue(try eval("lunet.doc(ds)")[0].contains("ds:batches(size[, {shuffle=false, seed=, dropLast=false}])"))
    }

}
