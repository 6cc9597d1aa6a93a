import Foundation
import XCTest

/// examples/lua_layers.lua end to end on real Omniglot, scaled down: a Lua
/// residual block trained with the built-in triplet loss and two Lua losses,
/// then saved and reloaded through its registered definition.
final class LuaLayersExampleTests: XCTestCase {
    override func setUpWithError() throws {
        guard FileManager.default.fileExists(atPath: TripletExampleTests.background) else {
            throw XCTSkip("shared data 'omniglot/images_background_small1.zip' is absent")
        }
    }

    func testLuaLayersComparesTheLossesAndReloadsTheModel() throws {
        let result = try LunetProcess.run(on: LunetProcess.executable, ["examples/lua_layers.lua", TripletExampleTests.background,
                                                                       "--rounds", "1", "--steps", "2", "--batch", "4", "--tasks", "10", "--perclass", "3"],
                                          directory: ExampleTests.repositoryRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        for name in ["triplet", "lua contrastive", "lua softmargin"] {
            let row = result.stdout.split(separator: "\n").last { $0.hasPrefix(name + " ") }
            let fields = try XCTUnwrap(row, result.stdout).split(separator: " ")
            XCTAssertTrue((0...1).contains(Double(fields[fields.count - 2]) ?? -1), result.stdout)
        }
        XCTAssertTrue(result.stdout.contains("saved and reloaded with its Residual block: outputs identical = true"), result.stdout)
    }
}
