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
        for declaration in LayerRegistry.declarations {
            var positional: [String: ConfigurationValue] = [:]
            for name in declaration.positional where declaration.option(name)?.defaultValue == nil {
                positional[name] = .int(2)
            }
            let layer = try declaration.make(try declaration.arguments(positional))
            XCTAssertEqual(layer.typeName, declaration.typeName)
            let copy = try make(declaration.typeName, layer.configuration)
            XCTAssertEqual(copy.configuration, layer.configuration, declaration.typeName)
        }
        XCTAssertEqual(ModuleFactory.typeNames, ["BatchNorm1d", "BatchNorm2d", "Conv2d", "Dropout", "Flatten", "L2Normalize",
                                                 "Linear", "MaxPool2d", "ReLU", "Sequential", "Sigmoid", "Tanh"])
    }

    func testModelFileValuesAreCheckedAgainstTheDeclaration() throws {
        assertConfigurationError("Linear", ["in": .int(3)], "nn.Linear configuration: missing 'out'")
        assertConfigurationError("Linear", ["in": .int(3), "out": .int(2), "l2": .double(-1)],
                                 "nn.Linear configuration: 'l2' must be a non-negative number, got -1.0")
        assertConfigurationError("Linear", ["in": .int(3), "out": .int(2), "extra": .int(1)], "nn.Linear configuration: unknown key 'extra'")
        assertConfigurationError("Conv2d", ["in": .int(1), "out": .int(2), "kernel": .string("x")],
                                 "nn.Conv2d configuration: 'kernel' must be a positive integer or pair {height, width}, got 'x'")
        assertConfigurationError("Dropout", ["p": .double(1)], "nn.Dropout configuration: 'p' must be in [0, 1), got 1.0")
        assertConfigurationError("L2Normalize", ["eps": .double(-1)], "nn.L2Normalize configuration: 'eps' must be positive, got -1.0")
        assertConfigurationError("BatchNorm2d", ["size": .int(0)], "nn.BatchNorm2d configuration: 'size' must be a positive integer, got 0")
        assertConfigurationError("MaxPool2d", ["kernel": .int(2), "padding": .int(1)],
                                 "nn.MaxPool2d configuration: 'padding' must be 'valid' or 'same', got 1")
        // Integer-valued numbers are integers, as in Lua.
        XCTAssertEqual(try make("Linear", ["in": .double(3), "out": .int(2)]).description, "Linear(3 -> 2)")
    }

    func testSignaturesAndRangesComeFromTheDeclaration() {
        XCTAssertEqual(Linear.declaration.signature, "nn.Linear(in, out[, {bias=true, init='glorot'|'he', seed=, l2=0}])")
        XCTAssertEqual(Dropout.declaration.signature, "nn.Dropout([p=0.5][, {seed=}])")
        XCTAssertEqual(MaxPool2d.declaration.signature, "nn.MaxPool2d(kernel[, {stride=kernel, padding='valid'|'same'}])")
        XCTAssertEqual(L2Normalize.declaration.signature, "nn.L2Normalize([{eps=1e-12}])")
        XCTAssertEqual(ReLU.declaration.signature, "nn.ReLU()")
        XCTAssertTrue(BatchNorm.declaration1d.helpText.hasSuffix(" Ranges: size >= 1, momentum in [0, 1], eps > 0."))
    }
}
