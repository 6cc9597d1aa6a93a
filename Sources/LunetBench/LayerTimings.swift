import Foundation
import Lunet

/// Seconds spent in each layer's forward and backward over the measured steps.
struct LayerTimings {
    var forward: [Double]
    var backward: [Double]
    var steps: [Double] = []
    /// Seconds in the optimizer's step and zeroGrad.
    var optimizer = 0.0

    init(count: Int) {
        forward = Array(repeating: 0, count: count)
        backward = forward
    }

    mutating func add(_ step: LayerTimings, total: Double) {
        for i in forward.indices {
            forward[i] += step.forward[i]
            backward[i] += step.backward[i]
        }
        optimizer += step.optimizer
        steps.append(total)
    }

    /// Multiply-adds x 2 of a direct convolution's forward (the yardstick whatever the algorithm) for this input; backward does twice as many.
    static func convolutionFlops(_ conv: Conv2d, input: [Int]) throws -> Double {
        let output = try conv.outputShape(for: input)
        let patch = conv.inputChannels * conv.kernel.height * conv.kernel.width
        return 2 * Double(output.reduce(1, *)) * Double(patch)
    }

    /// The median step's seconds.
    var medianStep: Double { steps.sorted()[steps.count / 2] }

    func report(_ network: NNBenchmark.Network, peak: Double, steps count: Int) {
        let batch = network.inputShape[0]
        let median = medianStep
        print("\n\(network.name): one training step (forward, loss, backward, Adam)")
        print(String(format: "  %.2f s per step (median of %d), %.1f images/s", median, steps.count, Double(batch) / median))
        print("  layer                                     forward   backward   share   conv GFLOP/s (fwd / bwd), algorithm")
        var shape = network.inputShape
        var convolutionSeconds = 0.0, convolutionFlops = 0.0
        let total = forward.reduce(0, +) + backward.reduce(0, +) + optimizer
        for (i, layer) in network.model.layers.enumerated() {
            let f = forward[i] / Double(count), b = backward[i] / Double(count)
            let name = "\(i + 1) \(layer.description)".padding(toLength: 40, withPad: " ", startingAt: 0)
            var line = "  " + name + String(format: " %7.3f s  %7.3f s  %5.1f%%", f, b, (f + b) / total * Double(count) * 100)
            if let conv = layer as? Conv2d, let flops = try? Self.convolutionFlops(conv, input: shape) {
                line += String(format: "   %6.1f / %6.1f  ", flops / f / 1e9, 2 * flops / b / 1e9) + ((try? conv.algorithm(forInputShape: shape)) ?? "")
                convolutionSeconds += f + b
                convolutionFlops += 3 * flops
            }
            print(line)
            shape = (try? layer.outputShape(for: shape)) ?? shape
        }
        let update = optimizer / Double(count)
        print("  " + "optimizer step + zeroGrad".padding(toLength: 40, withPad: " ", startingAt: 0)
              + String(format: " %7.3f s             %5.1f%%", update, update / total * Double(count) * 100))
        let convRate = convolutionFlops / convolutionSeconds / 1e9
        print(String(format: "  convolutions: %.1f GFLOP/s = %.0f%% of sgemm's %.1f, %.0f%% of the step", convRate,
                     convRate / peak * 100, peak, convolutionSeconds / (total / Double(count)) * 100))
    }
}
