import Foundation
import Lunet
import LunetLua
import XCTest

/// Files that are not what they should be: each is a Lua error naming the
/// file and what was expected, and the process goes on. Fixtures are written
/// to a temporary folder.
final class DataErrorTests: LuaTestCase {
    var root = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        root = NSTemporaryDirectory() + "lunet-data-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
        super.tearDown()
    }

    func write(_ bytes: [UInt8], _ path: String) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    func write(_ text: String, _ path: String) throws { try write(Array(text.utf8), path) }

    /// The message of the error `code` raises (and the state stays usable).
    func message(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try run(code)
            XCTFail("expected an error from \(code)", file: file, line: line)
            return ""
        } catch {
            XCTAssertEqual(try? eval("1 + 1"), ["2"], file: file, line: line)
            return (error as? LuaRaisedError)?.message ?? "\(error)"
        }
    }

    /// A Tiny ImageNet folder of two classes with two training images each and two validation images.
    func makeTinyImageNet() throws {
        try write("n00000002\nn00000001\n", "tin/wnids.txt")
        try write("n00000001\tfirst thing\nn00000002\tsecond thing\nn09999999\tunused\n", "tin/words.txt")
        for wnid in ["n00000001", "n00000002"] {
            for k in 0..<2 { try write(DataFixtures.jpeg64, "tin/train/\(wnid)/images/\(wnid)_\(k).JPEG") }
        }
        try write(DataFixtures.jpeg64, "tin/val/images/val_0.JPEG")
        try write(DataFixtures.jpeg64, "tin/val/images/val_1.JPEG")
        try write("val_0.JPEG\tn00000002\t0\t0\t10\t10\nval_1.JPEG\tn00000001\t0\t0\t10\t10\n", "tin/val/val_annotations.txt")
    }

    func testTinyImageNetFixtureLoads() throws {
        try makeTinyImageNet()
        XCTAssertEqual(try eval("tostring(data.tinyimagenet([[\(root)/tin]]))"), ["[Dataset: 4 images 3x64x64, 2 classes]"])
        XCTAssertEqual(try eval("data.tinyimagenet([[\(root)/tin]]).descriptions[2], data.tinyimagenet([[\(root)/tin]]):image(4):sum()"),
                       ["second thing", "1548297"])
        XCTAssertEqual(try eval("table.concat(data.tinyimagenet([[\(root)/tin]], {split = 'val'}).labels:totable(), ',')"), ["2,1"])
    }

    func testMissingFoldersAndEmptyClasses() throws {
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/nowhere]])"), "test:1: no such folder or zip file '\(root)/nowhere'")
        try makeTinyImageNet()
        try FileManager.default.removeItem(atPath: root + "/tin/train/n00000002/images/n00000002_0.JPEG")
        try FileManager.default.removeItem(atPath: root + "/tin/train/n00000002/images/n00000002_1.JPEG")
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/tin]])"),
                       "test:1: class 'n00000002' has no images: no .JPEG file in '\(root)/tin/train/n00000002/images'")
        try FileManager.default.removeItem(atPath: root + "/tin/train/n00000002")
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/tin]])"),
                       "test:1: missing folder '\(root)/tin/train/n00000002/images' (the training images of class 'n00000002' listed in wnids.txt)")
        try FileManager.default.removeItem(atPath: root + "/tin/wnids.txt")
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/tin]])"),
                       "test:1: '\(root)/tin' is not a Tiny ImageNet folder: missing '\(root)/tin/wnids.txt'")
    }

    func testWrongSizeTruncatedAndCorruptJPEGs() throws {
        try makeTinyImageNet()
        let path = "tin/train/n00000002/images/n00000002_1.JPEG"
        try write(DataFixtures.jpeg32, path)
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/tin]])"), "test:1: '\(root)/\(path)': expected a 64x64 image, got 32x32")
        try write(Array(DataFixtures.jpeg64.prefix(700)), path)
        XCTAssertTrue(message("data.tinyimagenet([[\(root)/tin]])").hasPrefix("test:1: '\(root)/\(path)' is a corrupt or truncated JPEG: "))
        try write([0xFF, 0xD8] + [UInt8](repeating: 0x42, count: 300), path)
        XCTAssertTrue(message("data.tinyimagenet([[\(root)/tin]])").hasPrefix("test:1: '\(root)/\(path)' is a corrupt or truncated JPEG: "))
        try write("not an image at all", path)
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/tin]])"),
                       "test:1: '\(root)/\(path)' is not an image: it does not start like a PNG or JPEG file")
        try write([], path)
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/tin]])"), "test:1: '\(root)/\(path)' is not an image: it is empty")
    }

    func testValidationLabelsThatDoNotMatch() throws {
        try makeTinyImageNet()
        try write(DataFixtures.jpeg64, "tin/val/images/val_2.JPEG")
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/tin]], {split = 'val'})"),
                       "test:1: labels do not match the images: '\(root)/tin/val/images/val_2.JPEG' has no line in '\(root)/tin/val/val_annotations.txt'")
        try FileManager.default.removeItem(atPath: root + "/tin/val/images/val_2.JPEG")
        try write("val_0.JPEG\tn00000002\t0\t0\t1\t1\nval_1.JPEG\tn00000007\t0\t0\t1\t1\n", "tin/val/val_annotations.txt")
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/tin]], {split = 'val'})"),
                       "test:1: '\(root)/tin/val/val_annotations.txt': 'val_1.JPEG' has class 'n00000007', which wnids.txt does not list")
        XCTAssertEqual(message("data.tinyimagenet([[\(root)/tin]], {split = 'test'})"),
                       "test:1: data.tinyimagenet: split must be one of 'train', 'val', got 'test'")
    }

    func testOmniglotZipFolderAndCorruptArchives() throws {
        try write(DataFixtures.omniglotZip, "tiny.zip")
        try run("om = data.omniglot([[\(root)/tiny.zip]])")
        XCTAssertEqual(try eval("tostring(om), om.classes[3], om.groups[2], table.concat(om.labels:totable(), ',')"),
                       ["[Dataset: 8 images 1x105x105, 4 classes, 2 groups]", "Beta/character01", "Beta", "1,1,2,2,3,3,4,4"])
        XCTAssertEqual(try eval("(105 * 105 * 255 - om:image(1):sum()) / 255, (105 * 105 * 255 - om:image(8):sum()) / 255"), ["10.0", "80.0"])
        // The group survives class selection and the cache.
        try run("om:classes{'Beta/character02'}:save([[\(root)/cache]])")
        XCTAssertEqual(try eval("data.load([[\(root)/cache]]).groups[1], data.load([[\(root)/cache]]).classGroups[1]"), ["Beta", "1"])

        try write(DataFixtures.corruptOmniglotZip, "bad.zip")
        XCTAssertTrue(message("data.omniglot([[\(root)/bad.zip]])").hasPrefix("test:1: '\(root)/bad.zip:Alpha/character01/01.png' is corrupt: "))
        try write(Array(DataFixtures.omniglotZip.prefix(900)), "cut.zip")
        try write(DataFixtures.omniglotZip, "runs/run01/class_labels.txt")
        XCTAssertEqual(message("data.omniglot([[\(root)/runs]])"), "test:1: '\(root)/runs' holds one-shot runs, not alphabets: read it with data.omniglotRuns")
        XCTAssertTrue(message("data.omniglot([[\(root)/cut.zip]])").hasPrefix("test:1: '\(root)/cut.zip' is not a readable zip archive: "))
    }

    /// PNGs written by libpng: a wrong size, a color one, a truncated and a damaged one.
    func testOmniglotPNGProblems() throws {
        let ink = DecodedImage(width: 105, height: 105, channels: 1, pixels: [UInt8](repeating: 255, count: 105 * 105))
        let good = try ImageEncoder.png(ink)
        let path = "om/Alpha/character01/02.png"
        try write(good, "om/Alpha/character01/01.png")
        try write(good, path)
        XCTAssertEqual(try eval("#data.omniglot([[\(root)/om]])"), ["2"])
        try write(try ImageEncoder.png(DecodedImage(width: 100, height: 105, channels: 1, pixels: [UInt8](repeating: 0, count: 100 * 105))), path)
        XCTAssertEqual(message("data.omniglot([[\(root)/om]])"), "test:1: '\(root)/\(path)': expected a 105x105 image, got 100x105")
        try write(try ImageEncoder.png(DecodedImage(width: 105, height: 105, channels: 3, pixels: [UInt8](repeating: 9, count: 3 * 105 * 105))), path)
        XCTAssertEqual(message("data.omniglot([[\(root)/om]])"), "test:1: '\(root)/\(path)': expected a 1-channel (grayscale) image, got a color PNG")
        try write(Array(good.prefix(good.count - 20)), path)
        XCTAssertTrue(message("data.omniglot([[\(root)/om]])").hasPrefix("test:1: '\(root)/\(path)' is a corrupt or truncated PNG: "))
        var damaged = good
        damaged[damaged.count - 30] ^= 0xFF
        try write(damaged, path)
        XCTAssertTrue(message("data.omniglot([[\(root)/om]])").hasPrefix("test:1: '\(root)/\(path)' is a corrupt or truncated PNG: "))
        try write(Array(good.prefix(20)), path)
        XCTAssertTrue(message("data.omniglot([[\(root)/om]])").hasPrefix("test:1: '\(root)/\(path)' is not a readable PNG: "))
        try FileManager.default.removeItem(atPath: root + "/om/Alpha/character01/01.png")
        try FileManager.default.removeItem(atPath: root + "/" + path)
        XCTAssertEqual(message("data.omniglot([[\(root)/om]])"),
                       "test:1: class 'Alpha/character01' has no images: no .png file in '\(root)/om/Alpha/character01'")
    }

    func testImageFolder() throws {
        let gray = try ImageEncoder.png(DecodedImage(width: 64, height: 64, channels: 1, pixels: [UInt8](repeating: 7, count: 64 * 64)))
        try write(DataFixtures.jpeg64, "folder/cats/b.jpg")
        try write(DataFixtures.jpeg64, "folder/cats/a.JPEG")
        try write(gray, "folder/dogs/x.png")
        try write("notes", "folder/dogs/readme.txt")
        try run("ds = data.imagefolder([[\(root)/folder]])")
        XCTAssertEqual(try eval("tostring(ds), ds.classes[2], table.concat(ds.labels:totable(), ','), ds:image(1):sum(), ds:image(3):sum()"),
                       ["[Dataset: 3 images 3x64x64, 2 classes]", "dogs", "1,1,2", "1548297", "\(7 * 3 * 64 * 64)"])
        XCTAssertEqual(try eval("tostring(data.imagefolder([[\(root)/folder]], {channels = 1}))"), ["[Dataset: 3 images 1x64x64, 2 classes]"])
        XCTAssertEqual(message("data.imagefolder([[\(root)/folder]], {channels = 2})"), "test:1: imagefolder: channels must be 1 or 3, got 2")
        try write(DataFixtures.jpeg32, "folder/dogs/y.jpg")
        XCTAssertEqual(message("data.imagefolder([[\(root)/folder]])"), "test:1: '\(root)/folder/dogs/y.jpg': expected a 64x64 image, got 32x32")
        try FileManager.default.createDirectory(atPath: root + "/folder/birds", withIntermediateDirectories: true)
        XCTAssertEqual(message("data.imagefolder([[\(root)/folder]])"),
                       "test:1: class 'birds' has no images: no PNG or JPEG file in '\(root)/folder/birds'")
    }

    func testIDXFilesThatDoNotMatch() throws {
        try write([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + [UInt8](0..<12), "images-idx3-ubyte")
        try write([0, 0, 8, 1, 0, 0, 0, 3, 1, 0, 2], "labels-idx1-ubyte")
        try write([0, 0, 8, 1, 0, 0, 0, 2, 1, 0], "short-labels-idx1-ubyte")
        XCTAssertEqual(try eval("tostring(data.idx([[\(root)/images-idx3-ubyte]], [[\(root)/labels-idx1-ubyte]]))"),
                       ["[Dataset: 3 images 1x2x2, 3 classes]"])
        XCTAssertEqual(message("data.idx([[\(root)/images-idx3-ubyte]], [[\(root)/short-labels-idx1-ubyte]])"),
                       "test:1: labels do not match the images: '\(root)/short-labels-idx1-ubyte' has 2 labels, '\(root)/images-idx3-ubyte' 3 images")
        XCTAssertEqual(message("data.idx([[\(root)/labels-idx1-ubyte]], [[\(root)/labels-idx1-ubyte]])"),
                       "test:1: '\(root)/labels-idx1-ubyte': expected unsigned-byte IDX data of 3 dimensions, got type 0x8 with 1")
        let gz = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
        if let whole = FileManager.default.contents(atPath: gz) {
            try write(Array(whole.prefix(2000)), "cut.gz")
            XCTAssertTrue(message("data.idx([[\(root)/images-idx3-ubyte]], [[\(root)/cut.gz]])").hasPrefix("test:1: '\(root)/cut.gz' is corrupt"))
        }
        XCTAssertTrue(message("data.fashionmnist{path = [[\(root)]]}").contains("install Debian's package (apt-get install dataset-fashion-mnist)"))
    }

    func testCacheThatIsNotOne() throws {
        XCTAssertEqual(message("data.load([[\(root)]])"),
                       "test:1: '\(root)' is not a saved dataset: missing '\(root)/dataset.json' (write one with ds:save(path))")
        try run("""
            data.dataset(tensor.zeros({2, 1, 1, 1}, {dtype = 'uint8'}), tensor.from({1, 2}, {dtype = 'int32'})):save([[\(root)/c]])
            tensor.save(tensor.from({0, 5}, {dtype = 'int32'}), [[\(root)/c/labels.npy]])
            """)
        XCTAssertEqual(message("data.load([[\(root)/c]])"), "test:1: '\(root)/c' is inconsistent: label 6 out of range for 2 classes")
    }

    func testDownloadFailsWithoutNetworkAndSaysWhatToDo() throws {
        let unreachable = message("data.download('omniglot', [[\(root)/dl]], {url = 'file:///nonexistent/images_background.zip'})")
        XCTAssertTrue(unreachable.hasPrefix("test:1: data.download('omniglot'): "), unreachable)
        XCTAssertTrue(unreachable.contains("To place the files by hand, download https://github.com/brendenlake/omniglot/raw/master/python/images_background.zip (MD5 68d2efa1b9178cc56df9314c21c6e718)"), unreachable)
        try write("not the archive", "fake.zip")
        let wrong = message("data.download('tinyimagenet', [[\(root)/dl]], {url = 'file://\(root)/fake.zip'})")
        XCTAssertTrue(wrong.contains("tiny-imagenet-200.zip from file://\(root)/fake.zip has MD5 ") && wrong.contains("expected 90528d7ca1a48142e341f4ef8d21d0de"), wrong)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/dl/tiny-imagenet-200.zip"))
        XCTAssertEqual(message("data.download('cifar', [[\(root)/dl]])"),
                       "test:1: data.download: unknown dataset 'cifar'; expected one of 'omniglot', 'tinyimagenet'")
    }
}
