import Foundation

/// N-way one-shot tests (the assignment's test of a triplet network, and Lake
/// et al.'s 20 official runs): a query image goes to the class of its nearest
/// support image.
///
/// ```swift
/// let r = try OneShot.evaluate(.network(net), heldOut, way: 20, tasks: 250, seed: 1)   // r.accuracy, r.standardError
/// ```
public enum OneShot {
    /// The metrics `oneshot.*{distance}` offers (the engine takes any `DistanceMetric`).
    public static let distances: [DistanceMetric] = [.euclidean, .cosine]

    public struct Result: Sendable {
        public let correct: Int
        public let tasks: Int
        /// Classes a task (support images a run); nil when runs differ.
        public var way: Int?
        /// Wrong answers in each official run (empty for `evaluate`).
        public let errorsPerRun: [Int]
        public var accuracy: Double { Double(correct) / Double(tasks) }
        /// Binomial standard error of the accuracy.
        public var standardError: Double { (accuracy * (1 - accuracy) / Double(tasks)).squareRoot() }
    }

    /// One task: the query and the support images, the true class's first.
    public struct Task: Equatable, Sendable {
        public let query: Int
        public let support: [Int]
    }

    /// `tasks` seeded tasks of `way` classes: a query image of the first class,
    /// one support image per class, the true class's a different image.
    /// `withinGroup` draws each task's classes from one group (alphabet).
    public static func drawTasks(_ dataset: Dataset, way: Int, tasks: Int, seed: UInt64, withinGroup: Bool) throws -> [Task] {
        // Checked by `evaluateDeclaration` for front ends; here for Swift callers.
        guard way >= 2, tasks >= 1 else { throw LunetError("\(way)-way tasks (\(tasks)): at least 2 classes and 1 task expected") }
        let members = dataset.indicesByClass
        let pools = try classPools(dataset, members: members, way: way, withinGroup: withinGroup)
        var random = RandomGenerator(seed: seed)
        return (0..<tasks).map { _ in
            let pool = pools[random.nextInt(below: pools.count)]
            // The true class must have two images; the others one.
            let trueClasses = pool.filter { members[$0].count >= 2 }
            let trueClass = trueClasses[random.nextInt(below: trueClasses.count)]
            let others = pool.filter { $0 != trueClass }
            let distractors = Dataset.permutation(others.count, generator: &random).prefix(way - 1).map { others[$0] }
            let images = members[trueClass]
            let pair = Dataset.permutation(images.count, generator: &random)
            let support = [images[pair[1]]] + distractors.map { members[$0][random.nextInt(below: members[$0].count)] }
            return Task(query: images[pair[0]], support: support)
        }
    }

    /// The sets of classes a task may draw from: all, or each group big enough.
    static func classPools(_ dataset: Dataset, members: [[Int]], way: Int, withinGroup: Bool) throws -> [[Int]] {
        let usable = members.indices.filter { !members[$0].isEmpty }
        var pools: [[Int]]
        if withinGroup {
            guard let classGroups = dataset.classGroups else {
                throw LunetError("tasks within a group need a dataset with groups (alphabets), got \(dataset.summary)")
            }
            pools = dataset.groups.indices.map { g in usable.filter { classGroups[$0] == g } }
        } else {
            pools = [usable]
        }
        pools = pools.filter { pool in pool.count >= way && pool.contains { members[$0].count >= 2 } }
        guard !pools.isEmpty else {
            throw LunetError("a \(way)-way task needs \(way) classes\(withinGroup ? " in one group" : "") (one with two images), got \(dataset.summary)")
        }
        return pools
    }

    /// The spec's test: the fraction of tasks whose query is nearest the true class's support image.
    public static func evaluate(_ embedding: EmbeddingFunction, _ dataset: Dataset, way: Int = 20, tasks: Int = 250,
                                seed: UInt64 = 1, withinGroup: Bool = false, distance: DistanceMetric = .euclidean) throws -> Result {
        let drawn: [Task]
        do {
            drawn = try drawTasks(dataset, way: way, tasks: tasks, seed: seed, withinGroup: withinGroup)
        } catch let error as LunetError {
            throw LunetError("\(subject: evaluateDeclaration.subject): \(error)")
        }
        let positions = imagePositions(drawn)
        let correct = try score(drawn, embeddings: embedding.embed(dataset.images, at: positions), of: positions, distance: distance)
        return Result(correct: correct, tasks: tasks, way: way, errorsPerRun: [])
    }

    /// Every image the tasks need, each once, in order of first use.
    public static func imagePositions(_ tasks: [Task]) -> [Int] {
        var positions: [Int] = [], seen = Set<Int>()
        for task in tasks { for i in [task.query] + task.support where seen.insert(i).inserted { positions.append(i) } }
        return positions
    }

    /// Tasks answered right, given the embeddings (`[positions.count, d]`) of the images at `positions`.
    public static func score(_ tasks: [Task], embeddings codes: Tensor<Float>, of positions: [Int], distance: DistanceMetric) throws -> Int {
        var row: [Int: Int] = [:]
        for (k, i) in positions.enumerated() where row[i] == nil { row[i] = k }
        try checkFinite(codes) { LunetError("image \(position: positions[$0])") }
        return codes.withUnsafeBufferPointer { e in
            tasks.filter { task in
                nearest(e, width: codes.shape[1], query: row[task.query]!, support: task.support.map { row[$0]! }, distance) == 0
            }.count
        }
    }

    /// Lake et al.'s benchmark: in each run every query goes to the nearest support image.
    public static func runs(_ embedding: EmbeddingFunction, _ runs: [OneShotRun], distance: DistanceMetric = .euclidean) throws -> Result {
        guard !runs.isEmpty else { throw LunetError("\(subject: runsDeclaration.subject): no runs given") }
        var errors: [Int] = [], total = 0
        for run in runs {
            let (supportSize, querySize) = (Array(run.support.shape.dropFirst()), Array(run.query.shape.dropFirst()))
            guard supportSize == querySize else {
                throw LunetError("one-shot run \(run.name): its test images are \(formatShape(querySize)) and its training images "
                                 + "\(formatShape(supportSize)); the images of a run must have one size")
            }
            let support = try embedding.embedAll(run.support)
            let query = try embedding.embedAll(run.query)
            try checkFinite(support) { LunetError("training image \(position: $0) of \(run.name)") }
            try checkFinite(query) { LunetError("test image \(position: $0) of \(run.name)") }
            let both = try Tensor.concatenate([support, query], dimension: 0)
            let s = support.shape[0]
            let wrong = both.withUnsafeBufferPointer { e in
                run.answers.indices.filter { q in
                    nearest(e, width: both.shape[1], query: s + q, support: Array(0..<s), distance) != run.answers[q]
                }.count
            }
            errors.append(wrong)
            total += run.answers.count
        }
        let ways = Set(runs.map { $0.support.shape[0] })
        return Result(correct: total - errors.reduce(0, +), tasks: total, way: ways.count == 1 ? ways.first : nil, errorsPerRun: errors)
    }

    /// A NaN embedding would be nearest to nothing, and its task would go to
    /// the first support image (the true class's): an embedding holding NaN or
    /// an infinity is an error naming its image instead.
    static func checkFinite(_ embeddings: Tensor<Float>, image: (Int) -> LunetError) throws {
        if let (row, value) = PreparedRows(embeddings, metric: .euclidean).nonFinite {
            throw LunetError("one-shot evaluation: the embedding of \(image(row)) holds \(value.rawValue): embeddings must be finite to be compared")
        }
    }

    /// Position in `support` of the row nearest row `query` (the first on ties).
    static func nearest(_ e: UnsafeBufferPointer<Float>, width: Int, query: Int, support: [Int], _ distance: DistanceMetric) -> Int {
        var best = 0, bestScore = -Double.infinity
        for (k, s) in support.enumerated() {
            let score = distance.score(e.baseAddress! + query * width, e.baseAddress! + s * width, count: width)
            if score > bestScore { best = k; bestScore = score }
        }
        return best
    }
}
