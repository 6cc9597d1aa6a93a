import XCTest
@testable import Lunet

/// Containers, naming, neural codes, summaries and rebuilding from configurations.
final class SequentialTests: XCTestCase {
    func smallNet() throws -> Sequential {
        let fc6 = try Linear(8, 4, l2: 2e-4, seed: 2)
        fc6.name = "fc6"
        let code = Flatten()
        code.name = "code5"
        return Sequential([try Conv2d(1, 2, kernel: Size2D(square: 3), padding: .same, seed: 1), try BatchNorm(2, spatialDimensions: 2),
                           try MaxPool2d(kernel: Size2D(square: 2)), ReLU(), code, fc6, ReLU(), try Linear(4, 3, seed: 3)])
    }

    func testNamedParametersAndBuffers() throws {
        let net = try smallNet()
        XCTAssertEqual(net.namedParameters.map(\.0),
                       ["1.weight", "1.bias", "2.weight", "2.bias", "fc6.weight", "fc6.bias", "8.weight", "8.bias"])
        XCTAssertEqual(net.namedBuffers.map(\.0), ["2.running_mean", "2.running_var"])
        XCTAssertEqual(net.parameters.first?.value.shape, [2, 1, 3, 3])
        XCTAssertEqual(net.namedParameters[4].1.l2, 2e-4)
        try net.setNamedBuffer("2.running_var", try .full([2], 4))
        XCTAssertEqual((net.layers[1] as! BatchNorm).runningVariance.scalars, [4, 4])
        XCTAssertThrowsError(try net.setNamedBuffer("2.running_max", try .zeros([2])))
    }

    /// A training step's backward (`accumulateParameterGradients`) skips the first
    /// layer's input gradient and adds exactly the parameter gradients `backward` adds:
    /// a network starting with a convolution (im2col, row unfold and Winograd) and one starting with a linear layer.
    func testParameterGradientsWithoutTheInputGradient() throws {
        func convolutionNet(_ algorithm: any ConvolutionAlgorithm) throws -> Sequential {
            let conv = try Conv2d(8, 4, kernel: Size2D(square: 3), padding: .same, seed: 1)
            conv.forcedAlgorithm = algorithm
            return Sequential([conv, ReLU(), Flatten(), try Linear(4 * 5 * 6, 3, seed: 2)])
        }
        let winograd = WinogradConvolution(kernel: 3, tileSize: 6, filterSize: 3)
        let cases: [(String, () throws -> Sequential, [Int])] = [
            ("im2col", { try convolutionNet(Im2colConvolution()) }, [2, 8, 5, 6]),
            ("row unfold", { try convolutionNet(RowUnfoldConvolution()) }, [2, 8, 5, 6]),
            ("winograd", { try convolutionNet(winograd) }, [2, 8, 5, 6]),
        ]
        func check(_ name: String, _ make: () throws -> Sequential, _ shape: [Int]) throws -> Sequential {
            let full = try make(), skipping = try make()
            let x = try Tensor<Float>.randn(shape, seed: 3), g = try Tensor<Float>.randn([shape[0], 3], seed: 4)
            _ = try full.forward(x)
            _ = try full.backward(x, g)
            _ = try skipping.forward(x)
            try skipping.accumulateParameterGradients(x, g)
            for (a, b) in zip(full.parameters, skipping.parameters) {
                XCTAssertTrue(a.gradient.isIdentical(to: b.gradient), "\(name): \(a.name) gradient")
            }
            return skipping
        }
        for (name, make, shape) in cases { _ = try check(name, make, shape) }
        let skipping = try check("linear", { Sequential([try Linear(8, 4, seed: 2), ReLU(), try Linear(4, 3, seed: 3)]) }, [5, 8])
        let x = try Tensor<Float>.randn([5, 8], seed: 3)
        XCTAssertThrowsError(try skipping.layers[0].accumulateParameterGradients(x, try Tensor<Float>.zeros([5, 3]))) {
            XCTAssertEqual(($0 as? LunetError)?.message, "Linear(8 -> 4): gradOutput has shape 5x3, expected 5x4")
        }
    }

    /// Backward releases the activations as it goes; a second backward (or one
    /// after another input's forward) recomputes them and gets the same gradients.
    func testBackwardTwiceGivesTheSameGradients() throws {
        let net = try smallNet()
        net.setTraining(false)
        let x = try Tensor<Float>.randn([5, 1, 4, 4], seed: 1)
        let g = try Tensor<Float>.randn([5, 3], seed: 2)
        _ = try net.forward(x)
        let first = try net.backward(x, g)
        let second = try net.backward(x, g)
        XCTAssertTrue(first.isIdentical(to: second))
        _ = try net.forward(try Tensor<Float>.randn([5, 1, 4, 4], seed: 3))
        XCTAssertTrue(try net.backward(x, g).isIdentical(to: first))
    }

    func testOutputsAreTheNeuralCodes() throws {
        let net = try smallNet()
        net.setTraining(false)
        let x = try Tensor<Float>.randn([5, 1, 4, 4], seed: 1)
        let codes = try net.outputs(x, names: ["code5", "fc6"])
        XCTAssertEqual(codes["code5"]?.shape, [5, 8])
        let fc6 = try net.layers[5].forward(codes["code5"]!)
        XCTAssertTrue(codes["fc6"]!.isIdentical(to: fc6))
        XCTAssertThrowsError(try net.outputs(x, names: ["fc9"])) { error in
            XCTAssertEqual((error as? LunetError)?.message, "Sequential: no layer named 'fc9' (named layers: code5, fc6)")
        }
    }

    func testShapeErrorsNameTheLayer() throws {
        let fc6 = try Linear(9216, 2048)
        fc6.name = "fc6"
        XCTAssertThrowsError(try fc6.forward(try .zeros([2, 4096]))) { error in
            XCTAssertEqual((error as? LunetError)?.message, "Linear(9216 -> 2048) 'fc6': input has 4096 features")
        }
        let conv = try Conv2d(3, 96, kernel: Size2D(square: 4), padding: .same)
        XCTAssertThrowsError(try conv.forward(try .zeros([2, 1, 8, 8]))) { error in
            XCTAssertEqual((error as? LunetError)?.message, "Conv2d(3 -> 96, 4x4, same): input has 1 channels")
        }
    }

    func testSummary() throws {
        let text = try smallNet().summary(inputShape: [1, 4, 4])
        XCTAssertTrue(text.contains("fc6: Linear(8 -> 4)"), text)
        let pool = text.split(separator: "\n").first { $0.hasPrefix("3: MaxPool2d(2x2)") }
        XCTAssertEqual(pool?.split(separator: " ", omittingEmptySubsequences: true).suffix(2), ["2x2x2", "0"], text)
        XCTAssertTrue(text.hasSuffix("Total parameters: \(20 + 4 + 36 + 15)"), text)
    }

    /// Every layer rebuilt from its type name and configuration describes itself
    /// the same and has parameters of the same shapes.
    func testFactoryRebuildsEveryLayer() throws {
        let layers: [Module] = [
            try Conv2d(3, 4, kernel: Size2D(5, 3), stride: Size2D(square: 2), padding: .explicit(1), bias: false, initializer: .he, l2: 1e-3),
            try MaxPool2d(kernel: Size2D(square: 3), stride: Size2D(square: 2), padding: .same),
            try BatchNorm(6, spatialDimensions: 1, momentum: 0.2, epsilon: 1e-3), try BatchNorm(2, spatialDimensions: 2),
            try Dropout(0.25), Flatten(), try Linear(7, 2), L2Normalize(), ReLU(), Sigmoid(), Tanh(),
        ]
        for layer in layers {
            let copy = try ModuleFactory.make(typeName: layer.typeName, configuration: layer.configuration, children: [])
            XCTAssertEqual(copy.description, layer.description)
            XCTAssertEqual(copy.configuration, layer.configuration)
            XCTAssertEqual(copy.parameters.map(\.value.shape), layer.parameters.map(\.value.shape))
            XCTAssertEqual(copy.parameters.map(\.l2), layer.parameters.map(\.l2))
        }
        let net = try smallNet()
        let rebuilt = try ModuleFactory.make(typeName: "Sequential", configuration: [:], children: net.layers)
        XCTAssertEqual((rebuilt as? Sequential)?.count, 8)
        XCTAssertThrowsError(try ModuleFactory.make(typeName: "Conv3d", configuration: [:], children: [])) { error in
            XCTAssertTrue((error as? LunetError)?.message.hasPrefix("unknown layer type 'Conv3d' (known: BatchNorm1d") ?? false)
        }
        XCTAssertThrowsError(try ModuleFactory.make(typeName: "Linear", configuration: ["in": .int(3)], children: [])) { error in
            XCTAssertEqual((error as? LunetError)?.message, "Linear configuration: missing 'out'")
        }
    }

    func testSeededInitializationIsGlorotUniform() throws {
        let a = try Linear(300, 100, seed: 5), b = try Linear(300, 100, seed: 5)
        XCTAssertTrue(a.weight.value.isIdentical(to: b.weight.value))
        let limit = Float((6.0 / 400.0).squareRoot())
        let values = a.weight.value.scalars
        XCTAssertLessThanOrEqual(values.map(abs).max()!, limit)
        XCTAssertGreaterThan(values.map(abs).max()!, limit * 0.99)
        XCTAssertTrue(a.bias!.value.scalars.allSatisfy { $0 == 0 })
    }
}
