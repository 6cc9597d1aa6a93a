import LunetLua
import XCTest

/// `help()` lists each global module once, derived from the installed
/// libraries, so a module registered in ExtraLibraries.swift appears by itself.
final class HelpListingTests: LuaTestCase {
    func testEachModuleIsListedOnceWithItsDoc() throws {
        let text = try eval("lunet.doc()")[0]
        let moduleLines = text.split(separator: "\n").drop { $0 != "Modules:" }.dropFirst().filter { $0.hasPrefix("  ") }
        let names = moduleLines.map { $0.split(separator: " ")[0] }
        XCTAssertEqual(names.count, Set(names).count, "a module is listed twice:\n\(text)")
        for name in ["tensor", "nn", "optim", "data", "sys"] {
            XCTAssertTrue(names.contains(Substring(name)), "\(name) missing:\n\(text)")
        }
        XCTAssertTrue(text.contains("  nn         Layers (Torch-style modules with forward and backward), containers, losses and model files."))
        // Every listed name is a global table whose help names it.
        for name in names {
            XCTAssertEqual(try eval("type(\(name))"), ["table"])
            XCTAssertTrue(try eval("lunet.doc(\(name))")[0].hasPrefix("\(name): "))
        }
    }

    func testModuleHelpMergesEveryLibraryOfTheModule() throws {
        let text = try eval("lunet.doc(nn)")[0]
        // Layers, losses and model files are three libraries filling `nn`.
        for signature in ["nn.Linear(", "nn.CrossEntropy(", "nn.save("] {
            XCTAssertTrue(text.contains("  " + signature), "\(signature) missing from help(nn)")
        }
    }
}
