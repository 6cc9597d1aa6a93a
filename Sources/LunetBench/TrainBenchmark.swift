import Foundation
import Lunet

/// `train.fit`'s own overhead on the Q1 network: everything an epoch spends
/// outside forward, backward and the optimizer step (batch conversion, the
/// loss, metrics, progress, bookkeeping), as a share of the epoch. Forward,
/// backward and step are timed inside fit by thin wrappers around the model
/// and the optimizer. `swift run -c release LunetBench train`; target < 2%.
enum TrainBenchmark {
    /// The model, timing its forward and backward.
    final class TimedModule: Module {
        let inner: Module
        var seconds = 0.0
        init(_ inner: Module) { self.inner = inner }
        override var children: [Module] { [inner] }
        override var parameters: [Parameter] { inner.parameters }
        override func outputShape(for inputShape: [Int]) throws -> [Int] { try inner.outputShape(for: inputShape) }
        override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
            var output: Tensor<Float>?
            seconds += try Stopwatch.seconds { output = try inner.forward(input) }
            return output!
        }
        override func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws -> Tensor<Float> {
            var gradient: Tensor<Float>?
            seconds += try Stopwatch.seconds { gradient = try inner.backward(input, gradOutput) }
            return gradient!
        }
    }

    /// The optimizer, timing its step.
    final class TimedOptimizer: Optimizer {
        let inner: Optimizer
        var seconds = 0.0
        init(_ inner: Optimizer) { self.inner = inner }
        var parameters: [Parameter] { inner.parameters }
        var learningRate: Float { get { inner.learningRate } set { inner.learningRate = newValue } }
        var stepCount: Int { inner.stepCount }
        var subject: Subject { inner.subject }
        var settings: [Subject.Option] { inner.settings }
        var schedule: LearningRateSchedule? { inner.schedule }
        func step() throws { seconds += try Stopwatch.seconds { try inner.step() } }
        func step(ifFinite agree: (Bool) throws -> Bool) throws -> Bool {
            var applied = false
            seconds += try Stopwatch.seconds { applied = try inner.step(ifFinite: agree) }
            return applied
        }
    }

    static func run(batches: Int = 4, epochs: Int = 2) throws {
        let network = try NNBenchmark.babenko()
        let batch = network.inputShape[0]
        var generator = RandomGenerator(seed: 1)
        let count = batch * batches
        let pixels = (0..<count * 3 * 64 * 64).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let labels = (0..<count).map { _ in Int32(generator.nextInt(below: 190)) }
        let data = try Dataset(images: try Tensor(shape: [count, 3, 64, 64], scalars: pixels),
                               labels: try Tensor(shape: [count], scalars: labels), classes: (0..<190).map { "c\($0)" })
        let model = TimedModule(network.model)
        let optimizer = TimedOptimizer(try Adam(module: network.model, learningRate: 1e-4, amsgrad: true))
        let metrics = [try ClassificationMetric(name: "accuracy"), try ClassificationMetric(name: "top5")]
        var options = FitOptions()
        // A bar written nowhere: its formatting is part of the overhead.
        options.reporter = ProgressReporter(style: .bar, write: { _ in })
        options.reporter.redrawInterval = 0
        options.epochs = 1
        func source() throws -> LabeledBatches {
            try LabeledBatches(data, loss: CrossEntropyLoss(), metrics: metrics, batchSize: batch, seed: 1)
        }
        _ = try Trainer(model: model, optimizer: optimizer, source: source(), options: options).fit()  // warm-up
        model.seconds = 0
        optimizer.seconds = 0
        options.epochs = epochs
        let history = try Trainer(model: model, optimizer: optimizer, source: source(), options: options).fit()
        let total = history.epochs.reduce(0) { $0 + $1.seconds }
        let inside = model.seconds + optimizer.seconds
        print("\ntrain.fit overhead on \(network.name), \(epochs) epochs of \(batches) batches (metrics accuracy, top5; bar redrawn every batch)")
        print(String(format: "  epoch time %.2f s: forward+backward %.2f s, optimizer step %.2f s, fit's own %.3f s = %.2f%% (target < 2%%)",
                     total / Double(epochs), model.seconds / Double(epochs), optimizer.seconds / Double(epochs),
                     (total - inside) / Double(epochs), 100 * (total - inside) / total))
        try guardCost(network.name, network.model, stepSeconds: total / Double(epochs * batches))
        let koch = try NNBenchmark.koch()
        try guardCost(koch.name, koch.model, stepSeconds: nil)
    }

    /// What the loops' divergence check costs: the guarded optimizer step
    /// (new weights computed into the gradients' storage, swapped in when
    /// finite) against the plain in-place step, Adam with AMSGrad over the
    /// network's parameters, medians of 15 of each, interleaved, in wall and
    /// CPU seconds (`LunetBench guard` runs this part alone).
    static func guardCost(_ name: String, _ model: Module, stepSeconds: Double?) throws {
        let optimizer = try Adam(module: model, learningRate: 1e-4, amsgrad: true)
        var plain: [(Double, Double)] = [], guarded: [(Double, Double)] = []
        func timed(_ body: () throws -> Void) rethrows -> (Double, Double) {
            let cpu = Stopwatch.cpuSeconds()
            let wall = try Stopwatch.seconds(body)
            return (wall, Stopwatch.cpuSeconds() - cpu)
        }
        for round in 0..<16 {
            for p in model.parameters { p.gradient = try Tensor<Float>.randn(p.value.shape, seed: UInt64(round)) * 1e-3 }
            let a = try timed { try optimizer.step() }
            for p in model.parameters { p.gradient = try Tensor<Float>.randn(p.value.shape, seed: UInt64(round)) * 1e-3 }
            let b = try timed { _ = try optimizer.step(ifFinite: { $0 }) }
            if round > 0 { plain.append(a); guarded.append(b) }
        }
        let median = { (x: [Double]) in 1000 * x.sorted()[x.count / 2] }
        let (wall, cpu) = ((median(plain.map(\.0)), median(guarded.map(\.0))), (median(plain.map(\.1)), median(guarded.map(\.1))))
        let parameters = model.parameters.reduce(0) { $0 + $1.value.count }
        var line = String(format: "  divergence check on %@ (%.1fM parameters), Adam step plain / guarded: wall %.1f / %.1f ms (%+.1f), CPU %.1f / %.1f ms (%+.1f)",
                          name, Double(parameters) / 1e6, wall.0, wall.1, wall.1 - wall.0, cpu.0, cpu.1, cpu.1 - cpu.0)
        if let stepSeconds { line += String(format: "; %+.2f%% of a %.2f s step (wall)", (wall.1 - wall.0) / 10 / stepSeconds, stepSeconds) }
        print(line)
    }

    /// `LunetBench guard`: the divergence check alone, on both seed networks.
    static func guardCosts() throws {
        for network in [try NNBenchmark.babenko(), try NNBenchmark.koch()] { try guardCost(network.name, network.model, stepSeconds: nil) }
    }
}
