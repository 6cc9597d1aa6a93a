/// What one training step runs on, for this rank: the network's input and
/// what the source needs to score its output.
public struct TrainingBatch {
    /// `[rows, ...]`: images, or for triplets the stacked `[a; p; n]`.
    public var input: Tensor<Float>
    /// The rows' 0-based labels, for a labelled source.
    public var labels: Tensor<Int32>?
    /// This rank's slice of the global batch, under MPI.
    public var shard: BatchShard?
    /// Items (images, triplets) this rank's means are over: their weight.
    public var items: Int

    public init(input: Tensor<Float>, labels: Tensor<Int32>? = nil, shard: BatchShard? = nil, items: Int) {
        self.input = input
        self.labels = labels
        self.shard = shard
        self.items = items
    }
}

/// A step's loss over this rank's items, its gradient with respect to the
/// network's output, and the values the epoch logs as running means.
public struct StepLoss {
    /// The training loss (checked for divergence, averaged over ranks).
    public var loss: Float
    public var gradient: Tensor<Float>
    /// Means over the step's items, `loss` first (with an L2 penalty when
    /// the source reports one), then statistics and metrics.
    public var values: [(name: String, value: Double)]

    public init(loss: Float, gradient: Tensor<Float>, values: [(name: String, value: Double)]) {
        self.loss = loss
        self.gradient = gradient
        self.values = values
    }
}

/// Where the steps of the one training loop (`Trainer`) come from: batches
/// of a labelled dataset (`LabeledBatches`, `train.fit`) or triplets of a
/// sampler (`TripletBatches`, `triplet.fit`). The loop owns everything else:
/// interrupts, divergence, validation, the monitor, early stopping,
/// checkpoints, the CSV log, callbacks and progress.
public protocol BatchSource: AnyObject {
    /// `epoch` or `round`: how progress, messages and the CSV log name an epoch.
    var unit: String { get }
    /// `batch` or `step`.
    var stepName: String { get }
    /// The training set's image shape `[C, H, W]`, which validation sets must share.
    var imageShape: [Int] { get }
    /// The running means each step logs (`loss` first), then the epoch's own
    /// values (`endEpoch`): what the history's rows and the CSV log hold.
    var logNames: [String] { get }
    /// The part of `logNames` that `endEpoch` gives rather than the steps.
    var epochValueNames: [String] { get }
    /// Before the first step: the rank's setup under MPI and every check that
    /// can be made before training (the images against the model).
    func prepare(model: Module, parallel: DataParallel?) throws
    /// Starts 0-based epoch `epoch`; returns its number of steps.
    func beginEpoch(_ epoch: Int) throws -> Int
    /// The next step's batch for this rank, nil after the epoch's last.
    func nextBatch() throws -> TrainingBatch?
    /// The loss of `output`, the model's output for `batch.input`.
    func loss(_ output: Tensor<Float>, for batch: TrainingBatch) throws -> StepLoss
    /// The epoch's own values (`epochValueNames`) and a warning, from the
    /// epoch's means over all ranks; on every rank.
    func endEpoch(means: [(name: String, value: Double)]) throws -> (values: [(name: String, value: Double)], warning: String?)
}

extension BatchSource {
    public var epochValueNames: [String] { [] }

    public func endEpoch(means: [(name: String, value: Double)]) throws -> (values: [(name: String, value: Double)], warning: String?) {
        ([], nil)
    }

    /// Checks, before training, that images of `shape` go through `model`;
    /// returns its output shape for one image. `set` names the data set.
    static func checkImages(_ shape: [Int], of set: String, fit model: Module) throws -> [Int] {
        do {
            return try model.outputShape(for: [1] + shape)
        } catch let error as LunetError {
            throw LunetError("\(set): images of \(formatShape(shape)) do not fit the model: \(error)")
        }
    }
}
