import Foundation
import Lunet

/// One training step (forward, loss gradient, backward, Adam update) of the two
/// reference networks on random data: images/s, peak memory, the time of each
/// layer and how close the convolutions come to a plain large sgemm.
/// `swift run -c release LunetBench nn` (or `nn-q1`, `nn-q2`).
enum NNBenchmark {
    struct Network {
        let name: String
        let model: Sequential
        let inputShape: [Int]
        /// Class count for a cross-entropy loss; nil uses a random output gradient.
        let classes: Int?
    }

    /// Each network in a process of its own, so each peak memory figure is its own.
    static func run() throws {
        for name in ["nn-q1", "nn-q2"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = [name]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw LunetError("LunetBench \(name) failed") }
        }
    }

    static func run(q1: Bool, q2: Bool) throws {
        let peak = sgemmPeak()
        print(String(format: "sgemm 2048^3: %.1f GFLOP/s (OpenBLAS, %d threads)", peak, BLAS.threadCount))
        // Each network's figures are followed by PyTorch's on the same network, then
        // lunet's step once more: the machine's speed drifts from minute to minute
        // (by up to 1.6x here), and PyTorch is set against lunet before and after it.
        let networks: [(Bool, () throws -> Network, String)] = [(q1, babenko, "q1"), (q2, koch, "q2")]
        for (wanted, make, torchName) in networks where wanted {
            let network = try make()
            let before = try measure(network, peak: peak)
            guard let torch = PyTorchBenchmark.run(torchName) else { continue }
            let after = try stepSeconds(network)
            let mean = (before + after) / 2, batch = Double(network.inputShape[0])
            print(String(format: "  lunet again after PyTorch: %.2f s per step (median of 3), %.1f images/s; PyTorch's step over the mean of lunet's before and after (%.2f s): %.2fx",
                         after, batch / after, mean, torch / mean))
        }
        print(String(format: "\nlunet peak resident memory: %.0f MiB", Stopwatch.peakMemoryMiB()))
    }

    /// Q1: Babenko et al.'s network on 3x64x64 Tiny ImageNet images, batch 100.
    static func babenko() throws -> Network {
        func conv(_ i: Int, _ o: Int, _ k: Int) throws -> Module {
            try Conv2d(i, o, kernel: Size2D(square: k), padding: .same, seed: UInt64(o * k))
        }
        func pool() throws -> Module { try MaxPool2d(kernel: Size2D(square: 3), stride: Size2D(square: 2), padding: .same) }
        let model = Sequential([
            try conv(3, 96, 4), try pool(), ReLU(),
            try conv(96, 192, 5), try pool(), ReLU(),
            try conv(192, 288, 3), ReLU(), try conv(288, 288, 3), ReLU(),
            try conv(288, 256, 3), try pool(), ReLU(), Flatten(),
            try Dropout(0.5, seed: 1), try Linear(16384, 2048, seed: 2), ReLU(),
            try Dropout(0.5, seed: 3), try Linear(2048, 2048, seed: 4), ReLU(), try Linear(2048, 190, seed: 5),
        ])
        return Network(name: "Q1 (Babenko, 100 x 3x64x64)", model: model, inputShape: [100, 3, 64, 64], classes: 190)
    }

    /// Q2: Koch et al.'s network on 1x105x105 Omniglot images, 96 per step (32 triplets).
    static func koch() throws -> Network {
        var layers: [Module] = []
        var input = 1
        for (output, kernel, pooled) in [(64, 10, true), (128, 7, true), (128, 4, true), (256, 4, false)] {
            layers += [try Conv2d(input, output, kernel: Size2D(square: kernel), seed: UInt64(output * kernel)),
                       try BatchNorm(output, spatialDimensions: 2), ReLU()]
            if pooled { layers.append(try MaxPool2d(kernel: Size2D(square: 2))) }
            input = output
        }
        layers += [Flatten(), try Dropout(0.25, seed: 1), try Linear(9216, 4096, seed: 2), Sigmoid()]
        return Network(name: "Q2 (Koch, 96 x 1x105x105)", model: Sequential(layers), inputShape: [96, 1, 105, 105], classes: nil)
    }

    /// Prints the step's figures layer by layer and the forward pass's; returns the median step's seconds.
    @discardableResult
    static func measure(_ network: Network, peak: Double) throws -> Double {
        let (timings, x) = try timedSteps(network) { step, misses in
            let tensors = StorageAllocator.statistics
            print(String(format: "  step %d: %d large allocations missed the buffer cache; peak %.0f MiB, cache %.0f MiB; tensors live at most %.0f MiB, with the cache %.0f",
                         step, misses, Stopwatch.peakMemoryMiB(),
                         mebibytes(StorageAllocator.cachedByteCount), mebibytes(tensors.peakLive), mebibytes(tensors.peakHeld)))
        }
        timings.report(network, peak: peak, steps: timedStepCount)
        try measureForward(network, x)
        return timings.medianStep
    }

    /// The median seconds of the timed training steps, printing nothing.
    static func stepSeconds(_ network: Network) throws -> Double {
        try timedSteps(network) { _, _ in }.timings.medianStep
    }

    static let timedStepCount = 3

    /// A warm-up step (workspaces, page faults), not counted, then `timedStepCount` timed
    /// training steps with a fresh optimizer on a random batch; `afterStep(step, misses)`
    /// after each, with the large allocations that missed the buffer cache in it.
    static func timedSteps(_ network: Network, afterStep: (Int, Int) -> Void) throws -> (timings: LayerTimings, x: Tensor<Float>) {
        let (x, labels) = try data(network)
        var timings = LayerTimings(count: network.model.count)
        let optimizer = try Adam(parameters: network.model.parameters, learningRate: 1e-4, amsgrad: true)
        for step in 0...timedStepCount {
            let misses = StorageAllocator.missCount
            try trainingStep(network, x, labels, optimizer, timings: &timings, counted: step > 0)
            afterStep(step, StorageAllocator.missCount - misses)
        }
        return (timings, x)
    }

    /// A random batch and its labels.
    static func data(_ network: Network) throws -> (Tensor<Float>, Tensor<Int32>) {
        let batch = network.inputShape[0]
        return (try Tensor<Float>.rand(network.inputShape, seed: 1),
                try Tensor<Int32>(shape: [batch], scalars: (0..<batch).map { Int32($0 % (network.classes ?? 1)) }))
    }

    /// Forward only in evaluation mode (what retrieval codes and hard mining run), median of 3.
    static func measureForward(_ network: Network, _ x: Tensor<Float>) throws {
        network.model.setTraining(false)
        defer { network.model.setTraining(true) }
        let seconds = try Stopwatch.median(repeats: 3) { _ = try network.model.forward(x) }
        print(String(format: "  forward only (evaluation): %.2f s per batch (median of 3), %.1f images/s",
                     seconds, Double(x.shape[0]) / seconds))
    }

    /// Forward and backward layer by layer (as Sequential does), timing each, then Adam.
    static func trainingStep(_ network: Network, _ x: Tensor<Float>, _ labels: Tensor<Int32>, _ optimizer: Adam,
                             timings: inout LayerTimings, counted: Bool) throws {
        var step = LayerTimings(count: network.model.count)
        let layers = network.model.layers
        var outputs: [Tensor<Float>] = []
        var total = 0.0
        let released = try Tensor<Float>.zeros([0])
        for (i, layer) in layers.enumerated() {
            let input = outputs.last ?? x
            total += try record(&step, i, forward: true) { outputs.append(try layer.forward(input)) }
            trace("F", i, layer)
            // As Sequential does: a ReLU's backward takes its output, so its input can go.
            if i > 0, layer.backwardAcceptsOutput, i == 1 || !layers[i - 1].backwardAcceptsOutput { outputs[i - 1] = released }
        }
        var gradient = try Tensor<Float>.randn(outputs.last!.shape, seed: 2)
        if network.classes != nil {
            total += try Stopwatch.seconds { gradient = try CrossEntropyLoss().lossAndGradient(outputs.last!, labels).gradient }
        }
        for i in layers.indices.reversed() {
            let input = i == 0 ? x : layers[i].backwardAcceptsOutput ? outputs[i] : outputs[i - 1]
            // As Sequential does in a training step: the first layer adds its parameter
            // gradients only, the others get each gradient handed over.
            total += try record(&step, i, forward: false) {
                if i == 0 {
                    try layers[i].accumulateParameterGradients(input, gradient)
                } else {
                    gradient = try layers[i].backward(input, takingGradient: &gradient)
                }
            }
            trace("B", i, layers[i])
            // As Sequential does: an output is done with once its layer's backward
            // ran, and its input too unless the layer before takes its output.
            outputs.removeLast()
            if i == 1 || i > 1 && !layers[i - 1].backwardAcceptsOutput { outputs[i - 1] = released }
        }
        let update = try Stopwatch.seconds {
            try optimizer.step()
            optimizer.zeroGrad()
        }
        step.optimizer = update
        total += update
        guard counted else { return }
        timings.add(step, total: total)
    }

    /// With `LUNET_TRACE_MEMORY` set, one line per layer pass: tensor bytes live
    /// after it, the most live during it, the most live plus cached so far.
    static func trace(_ pass: String, _ i: Int, _ layer: Module) {
        guard ProcessInfo.processInfo.environment["LUNET_TRACE_MEMORY"] != nil else { return }
        let s = StorageAllocator.statistics
        print(String(format: "    %@ %2d %-28@ live %5.0f MiB, at most %5.0f; live + cached at most %5.0f; resident at most %5.0f",
                     pass, i + 1, layer.description, mebibytes(s.live), mebibytes(s.peakLive), mebibytes(s.peakHeld),
                     Stopwatch.peakMemoryMiB()))
        StorageAllocator.resetLivePeak()
    }

    static func mebibytes(_ bytes: Int) -> Double { Double(bytes) / 1048576 }

    static func record(_ timings: inout LayerTimings, _ layer: Int, forward: Bool, _ body: () throws -> Void) throws -> Double {
        let seconds = try Stopwatch.seconds(body)
        if forward { timings.forward[layer] += seconds } else { timings.backward[layer] += seconds }
        return seconds
    }

    /// GFLOP/s of one large square product, the yardstick for the convolutions.
    static func sgemmPeak() -> Double {
        let n = 2048
        let a = [Float](repeating: 0.5, count: n * n), b = a
        var c = [Float](repeating: 0, count: n * n)
        let seconds = Stopwatch.median(repeats: 3) {
            BLAS.sgemm(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n)
        }
        return 2 * Double(n * n * n) / seconds / 1e9
    }
}
