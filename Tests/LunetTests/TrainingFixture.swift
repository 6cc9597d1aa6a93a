import Foundation
import XCTest
@testable import Lunet

/// A small synthetic classification task and a trainer over it, for the
/// tests of the training loop.
protocol TrainingFixture {}

extension TrainingFixture {
    /// 4x4 one-channel images of 3 classes: class c has a bright row c.
    func dataset(_ count: Int, seed: UInt64) throws -> Dataset {
        var generator = RandomGenerator(seed: seed)
        var pixels: [UInt8] = [], labels: [Int32] = []
        for _ in 0..<count {
            let label = generator.nextInt(below: 3)
            for row in 0..<4 {
                for _ in 0..<4 { pixels.append(UInt8(row == label ? 200 + generator.nextInt(below: 55) : generator.nextInt(below: 120))) }
            }
            labels.append(Int32(label))
        }
        return try Dataset(images: try Tensor(shape: [count, 1, 4, 4], scalars: pixels),
                           labels: try Tensor(shape: [count], scalars: labels), classes: ["a", "b", "c"])
    }

    func model() throws -> Sequential {
        Sequential([Flatten(), try Linear(16, 8, seed: 1), ReLU(), try Linear(8, 3, seed: 2)])
    }

    func weights(_ model: Module) -> [Float] { model.parameters.flatMap(\.value.scalars) }

    /// A trainer over `data` in batches of 16 shuffled with seed 7, `validation`
    /// scored as the training batches are, and the loop's options as `configure` sets them.
    func trainer(_ net: Module, _ data: Dataset, loss: Loss = CrossEntropyLoss(), optimizer: Optimizer,
                 metrics: [ClassificationMetric] = [], validation: Dataset? = nil,
                 _ configure: (inout FitOptions) throws -> Void = { _ in }) throws -> Trainer {
        var options = FitOptions()
        if let validation {
            options.validation = LabeledValidation(validation, evaluator: try Evaluator(loss: loss, metrics: metrics, batchSize: 16))
        }
        try configure(&options)
        let source = try LabeledBatches(data, loss: loss, metrics: metrics, batchSize: 16, seed: 7)
        return try Trainer(model: net, optimizer: optimizer, source: source, options: options)
    }
}
