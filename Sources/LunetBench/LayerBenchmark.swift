import Foundation
import Lunet

/// The layers around the convolutions of both reference networks, alone on
/// their real shapes (median of 5 after a warm-up), and one amsgrad Adam step
/// over the Babenko network's parameters: quicker and steadier than a whole
/// `nn` step for measuring one layer's loops. `LunetBench layers`.
enum LayerBenchmark {
    struct Case {
        let network: String
        let module: Module
        let inputShape: [Int]
    }

    static func cases() throws -> [Case] {
        func pool(_ k: Int, _ s: Int, _ p: Padding) throws -> Module {
            try MaxPool2d(kernel: Size2D(square: k), stride: Size2D(square: s), padding: p)
        }
        return [
            Case(network: "Koch", module: try BatchNorm(64, spatialDimensions: 2), inputShape: [96, 64, 96, 96]),
            Case(network: "Koch", module: ReLU(), inputShape: [96, 64, 96, 96]),
            Case(network: "Koch", module: try pool(2, 2, .valid), inputShape: [96, 64, 96, 96]),
            Case(network: "Koch", module: try BatchNorm(128, spatialDimensions: 2), inputShape: [96, 128, 42, 42]),
            Case(network: "Koch", module: ReLU(), inputShape: [96, 128, 42, 42]),
            Case(network: "Koch", module: try pool(2, 2, .valid), inputShape: [96, 128, 42, 42]),
            Case(network: "Koch", module: try Dropout(0.25, seed: 1), inputShape: [96, 9216]),
            Case(network: "Koch", module: try Linear(9216, 4096, seed: 2), inputShape: [96, 9216]),
            Case(network: "Koch", module: Sigmoid(), inputShape: [96, 4096]),
            Case(network: "Q1", module: try pool(3, 2, .same), inputShape: [100, 96, 64, 64]),
            Case(network: "Q1", module: ReLU(), inputShape: [100, 96, 32, 32]),
            Case(network: "Q1", module: try pool(3, 2, .same), inputShape: [100, 192, 32, 32]),
            Case(network: "Q1", module: try pool(3, 2, .same), inputShape: [100, 256, 16, 16]),
            Case(network: "Q1", module: try Dropout(0.5, seed: 1), inputShape: [100, 16384]),
            Case(network: "Q1", module: try Linear(16384, 2048, seed: 2), inputShape: [100, 16384]),
        ]
    }

    static func run() throws {
        print("layer (network, input)                              forward   backward")
        for item in try cases() {
            let x = try Tensor<Float>.randn(item.inputShape, seed: 1)
            var y = try item.module.forward(x)
            let gradient = try Tensor<Float>.randn(y.shape, seed: 2)
            let forward = try Stopwatch.median(repeats: 5) { y = try item.module.forward(x) }
            let input = item.module.backwardAcceptsOutput ? y : x
            let backward = try Stopwatch.median(repeats: 5) { _ = try item.module.backward(input, gradient) }
            let name = "\(item.module.description) (\(item.network), \(formatShape(item.inputShape)))"
            print(name.padding(toLength: 50, withPad: " ", startingAt: 0) + String(format: " %7.4f s  %7.4f s", forward, backward))
        }
        let parameters = try NNBenchmark.babenko().model.parameters
        for parameter in parameters {
            parameter.gradient = try Tensor<Float>.randn(parameter.value.shape, seed: 3)
        }
        let optimizer = try Adam(parameters: parameters, learningRate: 1e-4, amsgrad: true)
        let count = parameters.reduce(0) { $0 + $1.value.count }
        let step = try Stopwatch.median(repeats: 5) { try optimizer.step() }
        let zero = Stopwatch.median(repeats: 5) { optimizer.zeroGrad() }
        print(String(format: "Adam amsgrad step (Q1, %.1fM parameters)          %7.4f s", Double(count) / 1e6, step))
        print(String(format: "zeroGrad (Q1)                                      %7.4f s", zero))
    }
}
