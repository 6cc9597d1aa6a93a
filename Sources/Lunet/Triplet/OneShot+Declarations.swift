/// The options of the one-shot tests, declared once: `oneshot.evaluate` and
/// `oneshot.runs` take them, and `triplet.fit`'s validation shares them.
extension OneShot {
    public static let wayOption = OptionDeclaration("way", .integer(2...Int.max), default: .int(20), doc: "classes a task")
    public static let withinOption = OptionDeclaration("within", .choice(["group"]),
                                                       doc: "'group': each task's classes from one group (alphabet); none: from all classes")
    public static let distanceOption = OptionDeclaration("distance", .choice(distances.map(\.rawValue)), default: .string("euclidean"),
                                                         doc: "how a query is compared with the support images")

    public static let evaluateDeclaration = Declaration("OneShot.evaluate", options: [
        wayOption,
        OptionDeclaration("tasks", .integer(1...Int.max), default: .int(250)),
        OptionDeclaration("seed", .seed, default: .int(1), doc: "draws the tasks"),
        withinOption,
        distanceOption,
    ], doc: """
        N-way one-shot accuracy (the assignment's test of the triplet network): each seeded task has way classes, a test \
        image of the first and one support image of each (a different one for the true class); it is correct when the \
        nearest support image is the true class's. Returns {accuracy, stderr, correct, tasks, way}.
        """)

    public static let runsDeclaration = Declaration("OneShot.runs", options: [distanceOption], doc: """
        Lake et al.'s 20 official 20-way runs (data.omniglotRuns): each test image goes to the nearest of its run's \
        training images. Returns {accuracy, stderr, correct, tasks, way, errors = {wrong answers per run}}.
        """)

    /// `evaluate` with options checked by `evaluateDeclaration`.
    public static func evaluate(_ embedding: EmbeddingFunction, _ dataset: Dataset, options: OptionValues) throws -> Result {
        try evaluate(embedding, dataset, way: options.int("way"), tasks: options.int("tasks"), seed: options.seed() ?? 1,
                     withinGroup: options.optionalString("within") == "group", distance: distance(options))
    }

    /// `runs` with options checked by `runsDeclaration`.
    public static func runs(_ embedding: EmbeddingFunction, _ runs: [OneShotRun], options: OptionValues) throws -> Result {
        try self.runs(embedding, runs, distance: distance(options))
    }

    /// The checked `distance` option.
    public static func distance(_ options: OptionValues) throws -> DistanceMetric {
        DistanceMetric(rawValue: try options.string("distance"))!
    }
}
