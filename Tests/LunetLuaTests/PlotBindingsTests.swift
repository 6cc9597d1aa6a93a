import Foundation
import XCTest

/// `plot.lines` and `plot.history` from Lua: PNGs written whole, exact errors.
final class PlotBindingsTests: LuaTestCase {
    var folder = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lunet-plot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { [folder] in try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Width and height from a PNG's header (IHDR follows the 8-byte signature).
    func pngSize(_ path: String) throws -> [Int] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(bytes.prefix(8)), [137, 80, 78, 71, 13, 10, 26, 10])
        func word(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return [word(16), word(20)]
    }

    func testLinesWritesAPNGOfTheAskedSize() throws {
        _ = try run("""
            plot.lines('\(folder)/a.png', {{name = 'random', y = {0.4, 0.5, 0.6}, err = {0.03, 0.03, 0.03}},
                                           {name = 'hardest', x = {1, 2, 3}, y = tensor.from({0.5, 0.55, 0.62})}},
                       {title = 'one-shot', xlabel = 'round', width = 320, height = 200})
            """)
        XCTAssertEqual(try pngSize(folder + "/a.png"), [320, 200])
    }

    func testHistoryDrawsALoggedRunAndNamesMissingColumns() throws {
        _ = try run("""
            ds = data.dataset((tensor.rand({12, 1, 4, 4}, {seed = 1}) * 255):byte(), tensor.from({1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}, {dtype = 'int32'}))
            net = nn.Sequential{nn.Flatten(), nn.Linear(16, 3, {seed = 1})}
            h = train.fit(net, ds, {optimizer = optim.SGD(net, {lr = 0.1}), batch = 4, epochs = 3, seed = 1, verbose = 0, metrics = {'accuracy'}})
            plot.history(h, '\(folder)/h.png')
            """)
        XCTAssertEqual(try pngSize(folder + "/h.png"), [640, 400])
        assertError("plot.history(h, '\(folder)/x.png', {columns = {'val_loss'}})",
                    "test:1: bad argument #3 to 'history' (the history has no column 'val_loss' (it has 'loss', 'accuracy'))")
        assertError("plot.history({}, 'x.png')",
                    "test:1: bad argument #1 to 'history' (expected a train.fit or triplet.fit history (a table with epochs or rounds))")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/x.png"))
    }

    func testSeriesErrorsNameTheSeries() {
        assertError("plot.lines('x.png', {})",
                    "test:1: bad argument #2 to 'lines' (expected a list of series {name =, y = {...}[, x = {...}][, err = {...}]})")
        assertError("plot.lines('x.png', {{y = {1, 'a'}}})",
                    "test:1: bad argument #2 to 'lines' (series 1: y must be a list of numbers or a 1-d tensor)")
        assertError("plot.lines('x.png', {{y = {1}}, {name = 'b'}})", "test:1: bad argument #2 to 'lines' (series 2 has no y values)")
        assertError("plot.lines('x.png', {{y = {1, 2}, x = {1}}})", "test:1: plot.lines: series 1 ('series 1') has 1 x values and 2 y values")
        assertError("plot.lines('x.png', {{y = {1}}}, {width = 10})",
                    "test:1: plot.lines: width must be an integer from 200 to 4000, got 10")
    }
}
