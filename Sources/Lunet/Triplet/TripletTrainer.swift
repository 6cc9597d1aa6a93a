import Foundation

/// Trains a shared embedding network on triplets: each step asks the sampler
/// for `batch` triplets, runs the network once over the stacked `[a; p; n]`
/// batch of `3B` images in training mode, then the triplet loss, backward and
/// one optimizer step. Rounds of `steps` steps are logged and reported.
///
/// ```lua
/// local history = triplet.fit(net, ds, {sampler = triplet.hardest(), batch = 64, steps = 100, rounds = 5})
/// ```
public final class TripletTrainer {
    public let network: Module
    public let dataset: Dataset
    public let sampler: TripletSampler
    public let optimizer: Optimizer
    public let loss: TripletLoss
    public let batch: Int
    public let steps: Int
    public let rounds: Int
    public let context: TripletContext
    /// Set when training runs data-parallel over MPI ranks: each step's `batch`
    /// triplets are shared among the ranks, each drawing its own from its own stream.
    public let parallel: DataParallel?
    /// Progress: a bar on a terminal, a line per round elsewhere, collapse warnings and stops.
    public var reporter = ProgressReporter(style: .silent, unit: "round", rate: "triplets/s")
    /// Called after each step (1-based round and step in it, loss).
    public var onStep: (_ round: Int, _ step: Int, _ loss: Double) -> Void = { _, _, _ in }
    /// Called after each round; throwing stops training with that error.
    public var onRound: (TripletRoundLog) throws -> Void = { _ in }

    public init(network: Module, dataset: Dataset, sampler: TripletSampler, optimizer: Optimizer, loss: TripletLoss,
                batch: Int = 64, steps: Int = 100, rounds: Int = 5, seed: UInt64 = 1, parallel: DataParallel? = nil) throws {
        guard batch >= 1, steps >= 1, rounds >= 1 else {
            throw LunetError("triplet.fit: batch, steps and rounds must be positive, got \(batch), \(steps) and \(rounds)")
        }
        self.network = network
        self.dataset = dataset
        self.sampler = sampler
        self.optimizer = optimizer
        self.loss = loss
        self.batch = batch
        self.steps = steps
        self.rounds = rounds
        self.parallel = parallel
        try parallel?.checkBatch(batch, owner: "triplet.fit")
        context = try TripletContext(dataset: dataset, embedding: sampler.usesEmbeddings ? .network(network) : nil,
                                     seed: DataParallel.seed(seed, for: parallel))
        if let parallel { context.communicator = parallel.communicator }
    }

    /// Runs every round; Ctrl-C (in the loop, or in a Lua sampler it calls)
    /// stops at a step boundary and returns the rounds so far with stopReason
    /// `interrupted`, the model as the last completed step left it. The
    /// request is consumed, so the host does not raise it as well.
    public func fit() throws -> TripletHistory {
        var history = TripletHistory()
        do {
            for round in 1...rounds {
                history.rounds.append(try runRound(round))
                try onRound(history.rounds.last!)
            }
        } catch is Interruption.Interrupted {
            _ = Interruption.consume()
            history.stopReason = "interrupted"
            reporter.note("interrupted: stopped at a step boundary after \(history.rounds.count) complete round\(history.rounds.count == 1 ? "" : "s")")
        }
        network.setTraining(true)
        return history
    }

    private func runRound(_ round: Int) throws -> TripletRoundLog {
        var lossSum = 0.0, activeSum = 0.0, mining = 0.0, training = 0.0, embedded = 0
        var last = Tensor<Float>(scalar: 0)
        reporter.begin(round - 1, of: rounds, steps: steps)
        for step in 1...steps {
            try Interruption.check()
            let start = Date()
            context.begin(step: (round - 1) * steps + step)
            let shard = parallel?.shard(batch)
            let triplets = try sampler.sample(context, count: shard?.count ?? batch)
            try triplets.validate(against: dataset, owner: sampler.description)
            embedded += context.embeddedThisStep
            let mined = Date()
            try Interruption.check()
            let (stepLoss, active, output) = try trainStep(triplets, shard)
            mining += mined.timeIntervalSince(start)
            training += Date().timeIntervalSince(mined)
            lossSum += Double(stepLoss)
            activeSum += Double(active)
            last = output
            onStep(round, step, Double(stepLoss))
            reporter.step(step, items: step * batch, values: [("loss", lossSum / Double(step)), ("active", activeSum / Double(step))])
        }
        var meanLoss = lossSum / Double(steps), meanActive = activeSum / Double(steps)
        if let parallel {  // every rank reports the means over all ranks' triplets
            let means = try parallel.mean([meanLoss, meanActive], count: parallel.shard(batch).count)
            (meanLoss, meanActive) = (means[0], means[1])
        }
        let log = TripletRoundLog(round: round, loss: meanLoss, activeFraction: meanActive, miningSeconds: mining,
                                  trainingSeconds: training, embeddedPerStep: Double(embedded) / Double(steps), steps: steps,
                                  warning: CollapseCheck.warning(embeddings: last, meanLoss: meanLoss, activeFraction: meanActive, margin: loss.margin))
        reporter.end(values: [("loss", meanLoss), ("active", meanActive), ("mining_s", mining)], seconds: mining + training,
                     itemsPerSecond: Double(steps * batch) / Swift.max(mining + training, 1e-9))
        if let warning = log.warning { reporter.note("warning: \(warning)") }
        return log
    }

    /// One forward over `[a; p; n]`, the loss, backward, optimizer step.
    private func trainStep(_ triplets: TripletIndices, _ shard: BatchShard?) throws -> (loss: Float, active: Float, output: Tensor<Float>) {
        if !network.isTraining { network.setTraining(true) }
        let stacked = triplets.stacked
        let x = try BatchIterator.floatImages(dataset.images, stacked[...])
        optimizer.zeroGrad()
        let output = try network.forward(x)
        let embeddings = try output.reshaped([stacked.count, output.count / stacked.count])
        let (value, active, gradient) = try loss.lossAndGradient(stacked: embeddings)
        guard value.isFinite else {
            throw LunetError("triplet.fit: the loss became \(value) (try a lower learning rate)")
        }
        try network.accumulateParameterGradients(x, gradient.reshaped(output.shape))
        if let parallel, let shard { try parallel.afterBackward(shard) }
        try optimizer.step()
        return (value, active, embeddings)
    }
}
