/// `triplet.fit`'s validation, after each round in evaluation mode, on a set
/// of other classes (held-out characters): `val_accuracy`, the `way`-way
/// one-shot accuracy over `tasks` tasks, and (with `triplets > 0`)
/// `val_loss`, the triplet loss on that many random triplets. Tasks and
/// triplets are drawn once, with `seed`, so every round is measured on the
/// same ones; their images are embedded once a round (shared among the
/// ranks under MPI).
///
/// ```lua
/// triplet.fit(net, tr, {validation = {set = va, way = 20, tasks = 250, triplets = 500}, earlyStopping = {patience = 2}})
/// ```
public final class TripletValidation: Validation {
    /// The options of a triplet fit's `validation` table.
    public static let declaration = Declaration("validation", options: [
        OptionDeclaration("set", .object(.dataset), doc: "images of classes the training set does not have"),
        OneShot.wayOption,
        OptionDeclaration("tasks", .integer(0...Int.max), default: .int(250), doc: "one-shot tasks (val_accuracy; 0: none)"),
        OptionDeclaration("triplets", .integer(0...Int.max), default: .int(0), doc: "random triplets whose loss is val_loss (0: none)"),
        OptionDeclaration("seed", .seed, default: .int(1), doc: "draws the tasks and triplets, once"),
        OneShot.withinOption,
        OneShot.distanceOption,
    ], doc: "One-shot accuracy and the triplet loss on a set of other classes, after each round.")

    public let dataset: Dataset
    public let tasks: [OneShot.Task]
    public let triplets: TripletIndices
    public let loss: TripletLoss
    public let distance: DistanceMetric
    /// Every image the tasks and triplets need, each once.
    private let positions: [Int]
    private var communicator: Communicator = SingleProcessCommunicator()

    public init(_ dataset: Dataset, way: Int = 20, tasks: Int = 250, triplets: Int = 0, seed: UInt64 = 1, withinGroup: Bool = false,
                distance: DistanceMetric = .euclidean, loss: TripletLoss) throws {
        guard tasks >= 0, triplets >= 0, tasks + triplets > 0 else {
            throw LunetError("validation: tasks and triplets must be non-negative and not both 0, got \(tasks) and \(triplets)")
        }
        self.dataset = dataset
        self.loss = loss
        self.distance = distance
        do {
            self.tasks = tasks > 0 ? try OneShot.drawTasks(dataset, way: way, tasks: tasks, seed: seed, withinGroup: withinGroup) : []
            self.triplets = triplets > 0
                ? try RandomTripletSampler().sample(TripletContext(dataset: dataset, embedding: nil, seed: seed), count: triplets)
                : TripletIndices()
        } catch let error as LunetError {
            throw Self.aboutTheSet(error)
        }
        var seen = Set<Int>()
        positions = (OneShot.imagePositions(self.tasks) + self.triplets.stacked).filter { seen.insert($0).inserted }
    }

    /// A task or triplet drawing error, said of the validation set.
    static func aboutTheSet(_ error: LunetError) -> LunetError {
        LunetError(facts: [.text("validation set: ")] + error.facts)
    }

    /// From a checked `validation` table.
    public convenience init(_ options: OptionValues, loss: TripletLoss) throws {
        guard let set = try options.object("set", as: Dataset.self) else {
            throw OptionProblem(Self.declaration.subject, option: "set", reason: .missing).error
        }
        try self.init(set, way: options.int("way"), tasks: options.int("tasks"), triplets: options.int("triplets"),
                      seed: options.seed() ?? 1, withinGroup: options.optionalString("within") == "group",
                      distance: OneShot.distance(options), loss: loss)
    }

    public var names: [String] { (triplets.count > 0 ? ["val_loss"] : []) + (tasks.isEmpty ? [] : ["val_accuracy"]) }
    public var defaultMonitor: String { tasks.isEmpty ? "val_loss" : "val_accuracy" }

    public func prepare(model: Module, trainingImageShape: [Int], parallel: DataParallel?) throws {
        try Self.checkImages(dataset.imageShape, trainingImageShape: trainingImageShape)
        _ = try TripletBatches.checkImages(dataset.imageShape, of: "validation set", fit: model)
        if let parallel { communicator = parallel.communicator }
    }

    public func evaluate(_ model: Module) throws -> [(name: String, value: Double)] {
        let embeddings = try EmbeddingFunction.network(model).embed(dataset.images, at: positions, across: communicator)
        var values: [(name: String, value: Double)] = []
        if triplets.count > 0 {
            var row: [Int: Int] = [:]
            for (k, i) in positions.enumerated() { row[i] = k }
            let rows = { (list: [Int]) in try embeddings.selecting(list.map { row[$0]! }) }
            let value = try loss.forward(rows(triplets.anchors), rows(triplets.positives), rows(triplets.negatives)).loss
            values.append(("val_loss", Double(value)))
        }
        if !tasks.isEmpty {
            let correct = try OneShot.score(tasks, embeddings: embeddings, of: positions, distance: distance)
            values.append(("val_accuracy", Double(correct) / Double(tasks.count)))
        }
        return values
    }
}
