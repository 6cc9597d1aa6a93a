/// `train.fit`'s validation: the loss and metrics over a labelled set after
/// each epoch, in evaluation mode (`Evaluator`), logged as `val_loss`,
/// `val_accuracy`, ...; under MPI each rank evaluates its share of the set.
public final class LabeledValidation: Validation {
    public let dataset: Dataset
    public let evaluator: Evaluator
    private var parallel: DataParallel?

    public init(_ dataset: Dataset, evaluator: Evaluator) {
        self.dataset = dataset
        self.evaluator = evaluator
    }

    public var names: [String] { ["val_loss"] + evaluator.metrics.map { "val_" + $0.name } }
    public var defaultMonitor: String { "val_loss" }

    public func prepare(model: Module, trainingImageShape: [Int], parallel: DataParallel?) throws {
        guard dataset.count > 0 else { throw LunetError("validation set: cannot evaluate on an empty dataset") }
        try Self.checkImages(dataset.imageShape, trainingImageShape: trainingImageShape)
        let output = try LabeledBatches.checkImages(dataset.imageShape, of: "validation set", fit: model)
        try LabeledBatches.checkClasses(evaluator.loss, outputShape: output, dataset, set: "validation set")
        self.parallel = parallel
    }

    public func evaluate(_ model: Module) throws -> [(name: String, value: Double)] {
        try parallel?.evaluate(evaluator, model, on: dataset, prefix: "val_") ?? evaluator.evaluate(model, on: dataset, prefix: "val_")
    }
}
