import Lunet
import XCTest

/// One-shot tests on real Omniglot: the official runs' raw-pixel baseline
/// (checked by bench/reference/omniglot_runs_pixels.py) and the spec's N-way tasks.
final class OneShotTests: XCTestCase {
    func testRawPixelsOnTheOfficialRunsGive76Of400() throws {
        let runs = try Omniglot.loadRuns(TripletFixtures.path("all_runs.zip"))
        let result = try OneShot.runs(.pixels, runs)
        XCTAssertEqual(result.correct, 76)
        XCTAssertEqual(result.tasks, 400)
        XCTAssertEqual(result.accuracy, 0.19, accuracy: 1e-12)
        // From bench/reference/omniglot_runs_pixels.py.
        XCTAssertEqual(result.errorsPerRun, [13, 19, 16, 13, 14, 16, 18, 18, 17, 17, 16, 17, 16, 18, 16, 14, 20, 13, 17, 16])
    }

    func testTasksDrawWayClassesWithADifferentSupportImageForTheTrueClass() throws {
        let dataset = try TripletFixtures.background()
        let tasks = try OneShot.drawTasks(dataset, way: 20, tasks: 50, seed: 4, withinGroup: true)
        XCTAssertEqual(tasks, try OneShot.drawTasks(dataset, way: 20, tasks: 50, seed: 4, withinGroup: true))
        for task in tasks {
            XCTAssertEqual(task.support.count, 20)
            XCTAssertNotEqual(task.query, task.support[0])
            let classes = task.support.map(dataset.label)
            XCTAssertEqual(classes[0], dataset.label(task.query))
            XCTAssertEqual(Set(classes).count, 20)
            XCTAssertEqual(Set(classes.map { dataset.classGroups![$0] }).count, 1, "one alphabet per task")
        }
        let anywhere = try OneShot.drawTasks(dataset, way: 20, tasks: 50, seed: 4, withinGroup: false)
        XCTAssertTrue(anywhere.contains { Set($0.support.map { dataset.classGroups![dataset.label($0)] }).count > 1 })
    }

    func testEvaluateCountsTasksWhoseNearestSupportIsTheTrueClass() throws {
        let dataset = try TripletFixtures.characters(30)
        let result = try OneShot.evaluate(.pixels, dataset, way: 5, tasks: 40, seed: 2)
        let tasks = try OneShot.drawTasks(dataset, way: 5, tasks: 40, seed: 2, withinGroup: false)
        let pixels = try EmbeddingFunction.pixels.embedAll(dataset.images)
        let expected = tasks.filter { task in
            let d = task.support.map { TripletFixtures.squaredDistance(pixels, task.query, $0) }
            return d.firstIndex(of: d.min()!) == 0
        }.count
        XCTAssertEqual(result.correct, expected)
        XCTAssertEqual(result.tasks, 40)
        XCTAssertEqual(result.standardError, (result.accuracy * (1 - result.accuracy) / 40).squareRoot(), accuracy: 1e-12)
    }

    /// Query (5, 4): nearest (1, 0) by Euclidean distance, (10, 10) by angle.
    func testCosineComparesDirectionsNotLengths() throws {
        let run = OneShotRun(name: "run1", support: try Tensor<UInt8>(shape: [2, 1, 1, 2], scalars: [1, 0, 10, 10]),
                             query: try Tensor<UInt8>(shape: [1, 1, 1, 2], scalars: [5, 4]), answers: [1])
        XCTAssertEqual(try OneShot.runs(.pixels, [run], distance: .euclidean).correct, 0)
        XCTAssertEqual(try OneShot.runs(.pixels, [run], distance: .cosine).correct, 1)
    }

    /// A NaN embedding is nearest to nothing, so its task used to go to the
    /// first support image, the true class's, and count as correct: it is an
    /// error naming the image (0-based here; Lua counts from 1).
    func testNaNEmbeddingsAreAnErrorNamingTheImage() throws {
        let net = NaNOnBrightImages()
        let run = OneShotRun(name: "run1", support: try Tensor<UInt8>(shape: [2, 1, 1, 2], scalars: [1, 0, 255, 10]),
                             query: try Tensor<UInt8>(shape: [1, 1, 1, 2], scalars: [5, 4]), answers: [0])
        XCTAssertThrowsError(try OneShot.runs(.network(net), [run])) {
            XCTAssertEqual("\($0)", "one-shot evaluation: the embedding of training image 1 of run1 holds NaN: embeddings must be finite to be compared")
        }
        let images = try Tensor<UInt8>(shape: [4, 1, 1, 2], scalars: [1, 2, 3, 4, 5, 6, 255, 8])
        let dataset = try Dataset(images: images, labels: try Tensor(shape: [4], scalars: [0, 0, 1, 1]), classes: ["a", "b"])
        XCTAssertThrowsError(try OneShot.evaluate(.network(net), dataset, way: 2, tasks: 10, seed: 1)) {
            XCTAssertEqual("\($0)", "one-shot evaluation: the embedding of image 3 holds NaN: embeddings must be finite to be compared")
        }
    }

    /// Query images of another size than the support images used to fail in
    /// the concatenation of their embeddings ("cat: shapes 20x11025 and 20x784").
    func testRunWithTwoImageSizesNamesTheRunAndTheSizes() throws {
        let run = OneShotRun(name: "run07", support: try Tensor<UInt8>.zeros([2, 1, 4, 4]),
                             query: try Tensor<UInt8>.zeros([1, 1, 2, 2]), answers: [0])
        XCTAssertThrowsError(try OneShot.runs(.pixels, [run])) {
            XCTAssertEqual("\($0)", "one-shot run run07: its test images are 1x2x2 and its training images 1x4x4; the images of a run must have one size")
        }
    }

    func testBadTaskShapesAreClearErrors() throws {
        let dataset = try TripletFixtures.characters(3)
        XCTAssertThrowsError(try OneShot.evaluate(.pixels, dataset, way: 5, tasks: 1)) { error in
            XCTAssertEqual((error as? LunetError)?.message, "OneShot.evaluate: a 5-way task needs 5 classes (one with two images), got [Dataset: 60 images 1x105x105, 3 classes, 1 group]")
        }
    }
}

/// Flattens its input and makes the rows whose first value is 1 (a pixel of
/// 255) NaN: a network that has gone bad on some images.
final class NaNOnBrightImages: Module {
    override func forward(_ input: Tensor<Float>) throws -> Tensor<Float> {
        let (rows, width) = (input.shape[0], input.count / input.shape[0])
        var output = try input.reshaped([rows, width])
        output.withUnsafeMutableBufferPointer { x in
            for r in 0..<rows where x[r * width] == 1 { x[r * width] = .nan }
        }
        return output
    }
}
