/// The loss and metrics of a model over a whole dataset, batched, in
/// evaluation mode (the model's mode is restored afterwards). The loss
/// includes the layers' L2 penalty, as Keras reports it.
///
/// ```lua
/// local r = train.evaluate(net, testSet, {batch = 100, metrics = {"accuracy", "top5"}})
/// print(r.loss, r.accuracy, r.top5)
/// ```
public struct Evaluator {
    public let loss: Loss
    public let metrics: [ClassificationMetric]
    public let batchSize: Int

    public init(loss: Loss, metrics: [ClassificationMetric], batchSize: Int) throws {
        guard batchSize >= 1 else { throw LunetError("batch size must be positive, got \(batchSize)") }
        self.loss = loss
        self.metrics = metrics
        self.batchSize = batchSize
    }

    /// `loss` then each metric, named with `prefix` (`val_`). Ctrl-C throws `Interruption.Interrupted`.
    public func evaluate(_ model: Module, on dataset: Dataset, prefix: String = "") throws -> [(name: String, value: Double)] {
        guard dataset.count > 0 else { throw LunetError("cannot evaluate on an empty dataset") }
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        var generator = RandomGenerator(seed: 0)
        let batches = try BatchIterator(dataset, batchSize: batchSize, generator: &generator)
        var means = RunningMeans()
        while let (images, labels) = try batches.next() {
            let output = try model.forward(images)
            try Self.checkClasses(loss, output, dataset)
            let rows = Double(images.shape[0])
            means.add(prefix + "loss", Double(try loss.loss(batch: output, labels: labels).loss), weight: rows)
            for metric in metrics {
                means.add(prefix + metric.name, Double(try metric.correctCount(output, labels)) / rows, weight: rows)
            }
        }
        let penalty = L2Penalty.value(of: model.parameters)
        return means.values.map { $0.name == prefix + "loss" ? ($0.name, $0.value + penalty) : $0 }
    }

    /// A classification loss needs as many class scores as the dataset has classes.
    static func checkClasses(_ loss: Loss, _ output: Tensor<Float>, _ dataset: Dataset) throws {
        if loss.usesLabels, let classes = loss.classCount(for: [output]), classes != dataset.classCount {
            throw LunetError("the model gives \(classes) class scores per image but the dataset has \(dataset.classCount) classes")
        }
    }
}
