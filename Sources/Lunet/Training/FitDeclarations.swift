/// The options of the two fits and of evaluation, declared once: the
/// bindings parse by them and help prints them (`train.fit`, `triplet.fit`,
/// `train.evaluate` in Lua).
extension Trainer {
    /// The options every fit takes besides its own: `unit` names an epoch
    /// (`epoch`, `round`), `step` a step (`batch`, `step`).
    static func loopOptions(unit: String, step: String, epochCallback: String, stepCallback: String) -> [OptionDeclaration] {
        [
            OptionDeclaration("optimizer", .object(.optimizer), doc: "the optimizer (Adam, lr 0.001, by default)"),
            OptionDeclaration("seed", .seed, doc: "seeds the shuffles or the samplers' draws; none: a sampler's own seed when it has one, else the global generator"),
            OptionDeclaration("augment", .object(.augmentation), doc: "distorts every training \(step)'s images (data.augment), with the augmentation's seed; validation, and a sampler choosing triplets, see the images as they are"),
            OptionDeclaration("earlyStopping", .table(EarlyStopping.declaration), doc: "Keras 3's early stopping on a logged value"),
            OptionDeclaration("checkpoint", .path, doc: "where the best model is written (atomically) at each improvement of the monitored value"),
            OptionDeclaration("csv", .path, doc: "a CSV log, one row per \(unit) (\(unit), every logged value, lr) written as it ends; a log with the same columns is continued, one with others refused"),
            OptionDeclaration(epochCallback, .function, doc: "called after each \(unit) with its number and row; false stops (stopReason 'callback')"),
            OptionDeclaration(stepCallback, .function, doc: "called after each \(step) with its number and the \(unit)'s running values (\(unit) among them); false stops"),
            OptionDeclaration("verbose", .integer(0...2), default: .int(1), doc: "1: a progress bar on a terminal, a line per \(unit) elsewhere; 2: lines; 0: silent"),
            OptionDeclaration("distributed", .boolean, doc: "data-parallel over the ranks of mpirun (on when there are several; false turns it off)"),
        ]
    }

    /// `train.fit`'s options.
    public static let fitDeclaration = Declaration("Trainer.fit", options: [
        OptionDeclaration("loss", .object(.loss), doc: "the criterion (cross-entropy by default)"),
        OptionDeclaration("batch", .integer(1...Int.max), default: .int(32), doc: "images a step (over all ranks under mpirun)"),
        OptionDeclaration("epochs", .integer(1...Int.max), default: .int(1)),
        OptionDeclaration("validation", .object(.dataset), doc: "a set evaluated after each epoch: val_loss and val_ metrics"),
        OptionDeclaration("metrics", .list(.string, minimum: 0), doc: "'accuracy', 'top5', any 'topK'"),
        OptionDeclaration("shuffle", .boolean, default: .bool(true)),
    ] + loopOptions(unit: "epoch", step: "batch", epochCallback: "onEpoch", stepCallback: "onBatch"), doc: """
        Trains the model on the set; returns the history {epochs = {{epoch, loss, metrics..., val_loss, val_ metrics..., lr, \
        seconds, imagesPerSecond}, ...}, stoppedEpoch, stopReason = 'epochs'|'early stopping'|'interrupted'|'diverged'|'callback', \
        best = the best epoch's row (by earlyStopping's monitor, else val_loss, else loss), monitor, message}. Ctrl-C stops at \
        the next batch and returns the history. A NaN or infinite loss, or an update that would make a weight NaN or \
        infinite, stops before that update (stopReason 'diverged', the weights of the last good step, a message naming \
        epoch and batch). The sets' images and classes are checked against the model and each other before the first \
        step; lr is the optimizer's rate during the epoch (its schedule's, when it has one); an error in a callback stops \
        fit and is raised. Under mpirun with several ranks training is data-parallel: batch is the global batch, logs are \
        over all ranks, only the main rank prints and writes files.
        """)

    /// `triplet.fit`'s options.
    public static let tripletFitDeclaration = Declaration("Trainer.fitTriplets", options: [
        OptionDeclaration("sampler", .object(.sampler), doc: "chooses each step's triplets (random by default)"),
        TripletLoss.marginOption,
        TripletLoss.distanceOption,
        OptionDeclaration("loss", .object(.loss), doc: "a loss of the (anchors, positives, negatives) embeddings in place of the triplet loss (an nn.Loss written in Lua); its statistics are logged beside loss, and validation's val_loss stays the triplet loss"),
        OptionDeclaration("batch", .integer(1...Int.max), default: .int(64), doc: "triplets a step (over all ranks under mpirun)"),
        OptionDeclaration("steps", .integer(1...Int.max), default: .int(100), doc: "steps a round"),
        OptionDeclaration("rounds", .integer(1...Int.max), default: .int(5)),
        OptionDeclaration("validation", .table(TripletValidation.declaration),
                          doc: "a set of other classes (or a table naming it and how to test on it): after each round, val_accuracy (way-way one-shot tasks) and with triplets > 0 val_loss (the triplet loss on fixed random triplets), all drawn once with seed"),
    ] + loopOptions(unit: "round", step: "step", epochCallback: "onRound", stepCallback: "onStep"), doc: """
        Trains net on triplets of set with train.fit's loop: per step one forward over the stacked [a; p; n] batch, the \
        triplet loss, backward, an optimizer step. Returns {rounds = {{round, loss, active, embedded, val_accuracy, \
        val_loss, mining, training, steps, lr, warning}, ...}, warnings, stopReason = 'completed'|'early stopping'|\
        'interrupted'|'diverged'|'callback', stoppedRound, monitor, best = the best round's row, message}. Early stopping \
        monitors val_accuracy by default when validation has one-shot tasks. Ctrl-C stops at a step boundary, also inside \
        a sampler written in Lua. A NaN or infinite loss, or an update that would make a weight NaN or infinite, stops \
        before that update (stopReason 'diverged', message naming round and step). A collapse (every embedding of the \
        last batch within 0.001 of their mean, or the loss stuck at the margin) is warned about and listed in warnings.
        """)
}

extension Evaluator {
    /// `train.evaluate`'s options.
    public static let declaration = Declaration("Evaluator.evaluate", options: [
        OptionDeclaration("batch", .integer(1...Int.max), default: .int(32)),
        OptionDeclaration("metrics", .list(.string, minimum: 0), doc: "'accuracy', 'top5', any 'topK'"),
        OptionDeclaration("loss", .object(.loss), doc: "the criterion (cross-entropy by default)"),
    ], doc: """
        The loss and metrics over the whole set, batched, in evaluation mode (the model's mode is restored): \
        {loss = , accuracy = , top5 = , ...}. The loss includes the layers' L2 penalty, as Keras reports it. Ctrl-C \
        stops it at the next batch with the error 'interrupted'.
        """)
}
