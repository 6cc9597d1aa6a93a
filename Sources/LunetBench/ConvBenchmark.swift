import Foundation
import Lunet

/// The seed networks' convolutions alone, each at its batch and input size:
/// forward and backward (wall and CPU seconds, best of 5) and the algorithm chosen.
/// A first layer's backward is its parameter gradients only, as in training.
/// CPU seconds move less than wall seconds when other work shares the machine.
/// `swift run -c release LunetBench conv`.
enum ConvBenchmark {
    struct Layer {
        let name: String
        let conv: Conv2d
        let input: [Int]
        /// Takes the network's images: training skips its input gradient.
        var isFirst = false
    }

    static func layers() throws -> [Layer] {
        func conv(_ i: Int, _ o: Int, _ k: Int, _ padding: Padding) throws -> Conv2d {
            try Conv2d(i, o, kernel: Size2D(square: k), padding: padding, seed: UInt64(o * k))
        }
        return [
            Layer(name: "Q1 conv1", conv: try conv(3, 96, 4, .same), input: [100, 3, 64, 64], isFirst: true),
            Layer(name: "Q1 conv2", conv: try conv(96, 192, 5, .same), input: [100, 96, 32, 32]),
            Layer(name: "Q1 conv3", conv: try conv(192, 288, 3, .same), input: [100, 192, 16, 16]),
            Layer(name: "Q1 conv4", conv: try conv(288, 288, 3, .same), input: [100, 288, 16, 16]),
            Layer(name: "Koch conv1", conv: try conv(1, 64, 10, .valid), input: [96, 1, 105, 105], isFirst: true),
            Layer(name: "Koch conv2", conv: try conv(64, 128, 7, .valid), input: [96, 64, 48, 48]),
            Layer(name: "Koch conv3", conv: try conv(128, 128, 4, .valid), input: [96, 128, 21, 21]),
            Layer(name: "Koch conv4", conv: try conv(128, 256, 4, .valid), input: [96, 128, 9, 9]),
        ]
    }

    static func run() throws {
        print("layer        forward wall (cpu)   backward wall (cpu)   algorithm")
        for layer in try layers() {
            let x = try Tensor<Float>.randn(layer.input, seed: 1)
            let dy = try Tensor<Float>.randn(try layer.conv.outputShape(for: layer.input), seed: 2)
            let forward = best { _ = try layer.conv.forward(x) }
            let backward = best {
                if layer.isFirst { try layer.conv.accumulateParameterGradients(x, dy) } else { _ = try layer.conv.backward(x, dy) }
            }
            print(String(format: "%@  %6.3f s (%5.3f)   %6.3f s (%5.3f)    %@ %@",
                         layer.name.padding(toLength: 10, withPad: " ", startingAt: 0), forward.wall, forward.cpu,
                         backward.wall, backward.cpu, layer.conv.description, try layer.conv.algorithm(forInputShape: layer.input)))
        }
    }

    /// Best wall and CPU seconds of 5 runs after a warm-up.
    static func best(_ body: () throws -> Void) -> (wall: Double, cpu: Double) {
        try? body()
        var wall = Double.infinity, cpu = Double.infinity
        for _ in 0..<5 {
            let start = Stopwatch.cpuSeconds()
            wall = min(wall, (try? Stopwatch.seconds(body)) ?? .infinity)
            cpu = min(cpu, Stopwatch.cpuSeconds() - start)
        }
        return (wall, cpu)
    }
}
