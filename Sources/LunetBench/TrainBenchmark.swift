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
        func step() throws { seconds += try Stopwatch.seconds { try inner.step() } }
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
        var options = FitOptions()
        options.batchSize = batch
        options.seed = 1
        options.metrics = [try ClassificationMetric(name: "accuracy"), try ClassificationMetric(name: "top5")]
        // A bar written nowhere: its formatting is part of the overhead.
        options.reporter = ProgressReporter(style: .bar, write: { _ in })
        options.reporter.redrawInterval = 0
        options.epochs = 1
        _ = try Trainer(model: model, loss: CrossEntropyLoss(), optimizer: optimizer, options: options).fit(data)  // warm-up
        model.seconds = 0
        optimizer.seconds = 0
        options.epochs = epochs
        let history = try Trainer(model: model, loss: CrossEntropyLoss(), optimizer: optimizer, options: options).fit(data)
        let total = history.epochs.reduce(0) { $0 + $1.seconds }
        let inside = model.seconds + optimizer.seconds
        print("\ntrain.fit overhead on \(network.name), \(epochs) epochs of \(batches) batches (metrics accuracy, top5; bar redrawn every batch)")
        print(String(format: "  epoch time %.2f s: forward+backward %.2f s, optimizer step %.2f s, fit's own %.3f s = %.2f%% (target < 2%%)",
                     total / Double(epochs), model.seconds / Double(epochs), optimizer.seconds / Double(epochs),
                     (total - inside) / Double(epochs), 100 * (total - inside) / total))
    }
}
