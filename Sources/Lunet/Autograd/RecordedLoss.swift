/// A loss whose value is a recorded expression (a loss written in Lua): its
/// gradient replays the tape of the evaluation. It returns a one-element
/// tensor and, optionally, named statistics (numbers) reported beside it.
///
/// ```lua
/// local softMargin = nn.Loss(function(a, p, n)
///   return ((a - p):pow(2):sum(2) - (a - n):pow(2):sum(2)):exp():add(1):log():mean()
/// end)
/// ```
public final class RecordedLoss: Loss {
    /// Evaluates the loss on a recording tape (also when no gradient is
    /// wanted, so the expression sees the same kinds of values either way).
    public typealias Evaluate = (_ tape: Tape, _ inputs: [Variable], _ labels: Tensor<Int32>?) throws
        -> (loss: Variable, statistics: [Float])

    public let name: String
    public let inputCount: Int
    public let usesLabels: Bool
    public let statisticNames: [String]
    private let evaluate: Evaluate

    public init(name: String, inputCount: Int = 1, usesLabels: Bool = true, statisticNames: [String] = [],
                evaluate: @escaping Evaluate) {
        self.name = name
        self.inputCount = inputCount
        self.usesLabels = usesLabels
        self.statisticNames = statisticNames
        self.evaluate = evaluate
    }

    /// `Loss(contrastive)`.
    /// `RecordedLoss(name)`; the bindings declare `RecordedLoss` as their Lua constructor, so Lua reads `nn.Loss(name)`.
    public var subject: Subject { Subject("RecordedLoss", detail: .text(name)) }

    /// The same loss taking `inputCount` inputs (3 for triplet training: the
    /// anchor, positive and negative embeddings), with or without labels.
    public func adapted(inputCount: Int, usesLabels: Bool) -> RecordedLoss {
        RecordedLoss(name: name, inputCount: inputCount, usesLabels: usesLabels, statisticNames: statisticNames, evaluate: evaluate)
    }

    public func loss(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> LossValue {
        try checkArity(inputs, labels: labels)
        let tape = Tape()
        defer { tape.release() }
        tape.start()
        let (value, statistics) = try run(tape, inputs.map { tape.input($0) }, labels)
        return LossValue(loss: try scalar(value), statistics: statistics)
    }

    public func gradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> [Tensor<Float>] {
        try lossAndGradient(inputs, labels: labels).gradients
    }

    public func lossAndGradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws
        -> (value: LossValue, gradients: [Tensor<Float>]) {
        try checkArity(inputs, labels: labels)
        let tape = Tape()
        tape.start()
        let leaves = inputs.map { tape.input($0) }
        let evaluated: (loss: Variable, statistics: [Float])
        do {
            defer { tape.stop() }
            evaluated = try run(tape, leaves, labels)
        }
        let value = try scalar(evaluated.loss)
        let gradients = try tape.backward(evaluated.loss)
        let perInput = try zip(leaves, inputs).map { leaf, input in
            try gradients[leaf.node!] ?? Tensor(shape: input.shape, repeating: 0)
        }
        return (LossValue(loss: value, statistics: evaluated.statistics), perInput)
    }

    private func run(_ tape: Tape, _ inputs: [Variable], _ labels: Tensor<Int32>?) throws -> (loss: Variable, statistics: [Float]) {
        let result = try evaluate(tape, inputs, labels)
        guard result.statistics.count == statisticNames.count else {
            throw LunetError("\(subject: subject): \(statisticNames.count) statistic\(statisticNames.count == 1 ? "" : "s") declared (\(statisticNames.joined(separator: ", "))), the function returned \(result.statistics.count) beside the loss")
        }
        return result
    }

    private func scalar(_ value: Variable) throws -> Float {
        guard value.value.count == 1 else {
            throw LunetError("\(subject: subject): the loss must be a one-element tensor, got \(value.value.summary)")
        }
        return value.value.withUnsafeBufferPointer { $0[0] }
    }
}
