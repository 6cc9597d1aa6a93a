/// `triplet.fit`'s batches for the one training loop (`Trainer`): each step
/// asks the sampler for `batch` triplets (this rank's share under MPI, drawn
/// from its own seeded stream), stacks their images `[a; p; n]` so the
/// shared network runs once over `3B` images, and scores the output with
/// the triplet loss. A round is `steps` steps; it logs the mean loss, the
/// fraction of active triplets, the distinct images a step embedded for
/// mining, and ends with the collapse check on its last step's embeddings.
///
/// ```lua
/// local history = triplet.fit(net, ds, {sampler = triplet.hardest(), batch = 64, steps = 100, rounds = 5})
/// ```
public final class TripletBatches: BatchSource {
    public let dataset: Dataset
    public let sampler: TripletSampler
    public let loss: TripletLoss
    /// A loss of the anchor, positive and negative embeddings that replaces
    /// `loss` in training (a loss written in Lua); its statistics are logged
    /// after `loss`. `loss` still serves the collapse check's margin.
    public var customLoss: Loss?
    public let batch: Int
    public let steps: Int
    public let seed: UInt64
    /// What the sampler sees; made by `prepare` (its seed is the rank's).
    public private(set) var context: TripletContext?
    private var round = 0, step = 0, embedded = 0
    private var communicatorShard: ((Int) -> BatchShard)?
    /// The last step's `[3B, d]` embeddings, for the collapse check.
    private var last: Tensor<Float>?

    public init(_ dataset: Dataset, sampler: TripletSampler, loss: TripletLoss, batch: Int = 64, steps: Int = 100, seed: UInt64 = 1) throws {
        guard batch >= 1, steps >= 1 else {
            throw LunetError("triplet batches: batch and steps must be positive, got \(batch) and \(steps)")
        }
        self.dataset = dataset
        self.sampler = sampler
        self.loss = loss
        self.batch = batch
        self.steps = steps
        self.seed = seed
    }

    public var unit: String { "round" }
    public var stepName: String { "step" }
    public var imageShape: [Int] { dataset.imageShape }
    public var logNames: [String] { ["loss"] + (customLoss?.statisticNames ?? ["active"]) + ["embedded"] }
    public var epochValueNames: [String] { ["embedded"] }

    public func prepare(model: Module, parallel: DataParallel?) throws {
        try parallel?.checkBatch(batch, owner: "triplet.fit")
        let context = try TripletContext(dataset: dataset, embedding: sampler.usesEmbeddings ? .network(model) : nil,
                                         seed: DataParallel.seed(seed, for: parallel))
        if let parallel {
            context.communicator = parallel.communicator
            communicatorShard = parallel.shard
        }
        self.context = context
        _ = try Self.checkImages(imageShape, of: "training set", fit: model)
    }

    public func beginEpoch(_ epoch: Int) throws -> Int {
        (round, step, embedded, last) = (epoch, 0, 0, nil)
        return steps
    }

    public func nextBatch() throws -> TrainingBatch? {
        guard step < steps, let context else { return nil }
        step += 1
        context.begin(step: round * steps + step)
        let shard = communicatorShard?(batch)
        let triplets = try sampler.sample(context, count: shard?.count ?? batch)
        try triplets.validate(against: dataset, owner: sampler.subject)
        embedded += context.embeddedThisStep
        let stacked = triplets.stacked
        return TrainingBatch(input: try BatchIterator.floatImages(dataset.images, stacked[...]), shard: shard, items: triplets.count)
    }

    public func loss(_ output: Tensor<Float>, for batch: TrainingBatch) throws -> StepLoss {
        let rows = output.shape.first ?? 0
        let embeddings = try output.reshaped([rows, output.count / Swift.max(rows, 1)])
        last = embeddings
        if let customLoss {
            let (value, gradient) = try customLoss.lossAndGradient(batch: embeddings, labels: nil)
            let statistics = zip(customLoss.statisticNames, value.statistics).map { ($0, Double($1)) }
            return StepLoss(loss: value.loss, gradient: try gradient.reshaped(output.shape),
                            values: [("loss", Double(value.loss))] + statistics)
        }
        let (value, active, gradient) = try loss.lossAndGradient(stacked: embeddings)
        return StepLoss(loss: value, gradient: try gradient.reshaped(output.shape),
                        values: [("loss", Double(value)), ("active", Double(active))])
    }

    public func endEpoch(means: [(name: String, value: Double)]) throws -> (values: [(name: String, value: Double)], warning: String?) {
        let value = { (name: String) in means.first { $0.name == name }?.value ?? .nan }
        let warning = last.flatMap {
            CollapseCheck.warning(embeddings: $0, meanLoss: value("loss"), activeFraction: value("active"), margin: loss.margin)
        }
        return ([("embedded", Double(embedded) / Double(Swift.max(step, 1)))], warning)
    }
}
