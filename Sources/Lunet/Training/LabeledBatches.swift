/// `train.fit`'s batches: a labelled dataset in seeded shuffled batches,
/// scored by a classification loss (cross-entropy by default) and metrics.
/// The logged loss includes the layers' L2 penalty, as Keras reports it.
/// Under MPI every rank walks the main rank's order and takes its slice of
/// each batch (`batchSize` stays the global batch).
///
/// ```lua
/// train.fit(net, tr, {batch = 100, shuffle = true, seed = 1, metrics = {"accuracy", "top5"}})
/// ```
public final class LabeledBatches: BatchSource {
    public let dataset: Dataset
    public let loss: Loss
    public let metrics: [ClassificationMetric]
    public let batchSize: Int
    public let shuffle: Bool
    private var generator: RandomGenerator
    private var batches: BatchIterator?
    private var parallel: DataParallel?
    private var model: Module?
    private var penalized = false

    /// `seed` seeds the per-epoch shuffles; nil draws from the global generator.
    public init(_ dataset: Dataset, loss: Loss, metrics: [ClassificationMetric] = [], batchSize: Int = 32,
                shuffle: Bool = true, seed: UInt64? = nil) throws {
        guard batchSize >= 1 else { throw LunetError("batch must be a positive integer, got \(batchSize)") }
        self.dataset = dataset
        self.loss = loss
        self.metrics = metrics
        self.batchSize = batchSize
        self.shuffle = shuffle
        generator = seed.map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
    }

    public var unit: String { "epoch" }
    public var stepName: String { "batch" }
    public var imageShape: [Int] { dataset.imageShape }
    public var logNames: [String] { ["loss"] + loss.statisticNames + metrics.map(\.name) }

    public func prepare(model: Module, parallel: DataParallel?) throws {
        guard dataset.count > 0 else { throw LunetError("cannot train on an empty dataset") }
        self.model = model
        self.parallel = parallel
        if let parallel { generator = try parallel.commonGenerator(generator) }
        try Self.checkClasses(loss, outputShape: Self.checkImages(imageShape, of: "training set", fit: model), dataset)
    }

    public func beginEpoch(_ epoch: Int) throws -> Int {
        let batches = try BatchIterator(dataset, batchSize: batchSize, shuffle: shuffle, generator: &generator)
        self.batches = batches
        penalized = model?.parameters.contains { $0.l2 != 0 } ?? false
        return batches.batchCount
    }

    public func nextBatch() throws -> TrainingBatch? {
        guard let (images, labels) = try batches?.next() else { return nil }
        guard let parallel else { return TrainingBatch(input: images, labels: labels, items: images.shape[0]) }
        let (x, y, shard) = try parallel.slice(images, labels)
        return TrainingBatch(input: x, labels: y, shard: shard, items: x.shape[0])
    }

    public func loss(_ output: Tensor<Float>, for batch: TrainingBatch) throws -> StepLoss {
        try Evaluator.checkClasses(loss, output, dataset)
        let (value, gradient) = try loss.lossAndGradient(batch: output, labels: batch.labels)
        let rows = Double(batch.items)
        let penalty = penalized ? L2Penalty.value(of: model?.parameters ?? []) : 0
        var values = [("loss", Double(value.loss) + penalty)]
        values += zip(loss.statisticNames, value.statistics.map(Double.init)).map { ($0, $1) }
        for metric in metrics {
            values.append((metric.name, Double(try metric.correctCount(output, batch.labels!)) / rows))
        }
        return StepLoss(loss: value.loss, gradient: gradient, values: values)
    }

    /// A classification loss needs as many class scores as the set has
    /// classes: checked from the model's output shape for one image, when
    /// that is a row of scores.
    static func checkClasses(_ loss: Loss, outputShape: [Int], _ dataset: Dataset, set: String? = nil) throws {
        guard loss.usesLabels, outputShape.count == 2, outputShape[0] == 1 else { return }
        do {
            try Evaluator.checkClasses(loss, try Tensor<Float>.zeros(outputShape), dataset)
        } catch let error as LunetError {
            throw set.map { LunetError("\($0): \(error)") } ?? error
        }
    }
}
