@testable import Lunet
import XCTest

/// Each layer's arguments are declared once (`LayerRegistry`); model files are
/// read through the same declarations as Lua constructors.
final class LayerDeclarationTests: XCTestCase {
    func make(_ typeName: String, _ configuration: [String: ConfigurationValue]) throws -> Module {
        try ModuleFactory.make(typeName: typeName, configuration: configuration, children: [])
    }

    func assertConfigurationError(_ typeName: String, _ configuration: [String: ConfigurationValue], _ message: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try make(typeName, configuration), file: file, line: line) {
            XCTAssertEqual(($0 as? LunetError)?.message, message, file: file, line: line)
        }
    }

    func testEveryDeclaredLayerRebuildsFromItsOwnConfiguration() throws {
        for layer in LayerRegistry.declarations {
            var positional: [String: ConfigurationValue] = [:]
            for name in layer.declaration.positional where layer.declaration.option(name)?.defaultValue == nil {
                positional[name] = .int(2)
            }
            let module = try layer.make(positional)
            XCTAssertEqual(module.typeName, layer.typeName)
            let copy = try make(layer.typeName, module.configuration)
            XCTAssertEqual(copy.configuration, module.configuration, layer.typeName)
        }
        XCTAssertEqual(ModuleFactory.typeNames, ["BatchNorm1d", "BatchNorm2d", "Conv2d", "Dropout", "Flatten", "L2Normalize",
                                                 "Linear", "MaxPool2d", "ReLU", "Sequential", "Sigmoid", "Tanh"])
    }

    func testModelFileValuesAreCheckedAgainstTheDeclaration() throws {
        assertConfigurationError("Linear", ["in": .int(3)], "Linear configuration: missing 'out'")
        assertConfigurationError("Linear", ["in": .int(3), "out": .int(2), "l2": .double(-1)],
                                 "Linear configuration: 'l2' must be a non-negative number, got -1.0")
        assertConfigurationError("Linear", ["in": .int(3), "out": .int(2), "extra": .int(1)], "Linear configuration: unknown key 'extra'")
        assertConfigurationError("Conv2d", ["in": .int(1), "out": .int(2), "kernel": .string("x")],
                                 "Conv2d configuration: 'kernel' must be a positive integer or pair {height, width}, got 'x'")
        assertConfigurationError("Dropout", ["p": .double(1)], "Dropout configuration: 'p' must be in [0, 1), got 1.0")
        assertConfigurationError("L2Normalize", ["eps": .double(-1)], "L2Normalize configuration: 'eps' must be positive, got -1.0")
        assertConfigurationError("BatchNorm2d", ["size": .int(0)], "BatchNorm2d configuration: 'size' must be a positive integer, got 0")
        assertConfigurationError("MaxPool2d", ["kernel": .int(2), "padding": .int(1)],
                                 "MaxPool2d configuration: 'padding' must be 'valid' or 'same', got 1")
        // Integer-valued numbers are integers, as in Lua.
        XCTAssertEqual(try make("Linear", ["in": .double(3), "out": .int(2)]).description, "Linear(3 -> 2)")
    }

    func testRangesComeFromTheDeclaration() {
        XCTAssertTrue(BatchNorm.declaration1d.declaration.helpText.hasSuffix(" Ranges: size >= 1, momentum in [0, 1], eps > 0."))
    }
}
