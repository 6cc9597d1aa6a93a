extension Trainer {
    /// One step: forward, the source's loss, backward, the gradient average
    /// under MPI and the guarded optimizer step. `diverged` (with the
    /// history's message set) when the loss is not finite or the update would
    /// make a weight non-finite; nothing of the weights changes then.
    func step(_ batch: TrainingBatch, epoch: Int, step: Int, _ means: inout RunningMeans) throws -> StopReason? {
        optimizer.zeroGrad()
        if let parallel, let shard = batch.shard, shard.isEmpty {
            // No rows here (a small last batch): this rank still takes part in
            // the loss check, the gradient average (weight 0) and the vote.
            let loss = try parallel.batchLoss(0, count: 0)
            guard loss.isFinite else { return diverged("loss is \(loss)", epoch, step) }
            try parallel.afterBackward(shard)
            return try update(loss: loss, epoch, step)
        }
        let output = try model.forward(batch.input)
        let scored = try source.loss(output, for: batch)
        let loss = try parallel?.batchLoss(scored.loss, count: batch.items) ?? scored.loss
        guard loss.isFinite else { return diverged("loss is \(loss)", epoch, step) }
        for (name, value) in scored.values { means.add(name, value, weight: Double(batch.items)) }
        if let parallel, let shard = batch.shard {
            try parallel.backward(batch.input, scored.gradient, shard: shard)
        } else {
            try model.accumulateParameterGradients(batch.input, scored.gradient)
        }
        return try update(loss: loss, epoch, step)
    }

    /// The optimizer's guarded step; every rank applies it or none does.
    private func update(loss: Float, _ epoch: Int, _ step: Int) throws -> StopReason? {
        let applied = try optimizer.step(ifFinite: { finite in try !stops(!finite) })
        return applied ? nil : diverged("the update would make a weight non-finite (loss \(loss), lr \(optimizer.learningRate))", epoch, step)
    }

    /// Records and reports a divergence at 0-based `epoch` and `step`.
    private func diverged(_ what: String, _ epoch: Int, _ step: Int) -> StopReason {
        let name = source.stepName
        history.message = "\(what) at \(source.unit) \(epoch + 1), \(name) \(step + 1): training stopped before that \(name)'s update"
        options.reporter.note(history.message!)
        return .diverged
    }
}
