import XCTest
@testable import Lunet

/// Metrics on fixed logits and the progress output in its three styles.
final class TrainingProgressTests: XCTestCase {
    func testAccuracyAndTopKOnFixedLogitsWithTies() throws {
        let logits = try Tensor<Float>(shape: [4, 4], scalars: [
            3, 1, 2, 0,   // label 0: the largest
            1, 1, 1, 1,   // label 2: all tied
            0, 5, 5, 1,   // label 2: tied for first with class 1
            4, 3, 2, 1,   // label 3: the smallest
        ])
        let labels = try Tensor<Int32>(shape: [4], scalars: [0, 2, 2, 3])
        // accuracy takes the first largest logit (Keras' argmax): row 2 picks class 1, row 3 class 0.
        XCTAssertEqual(try ClassificationMetric(name: "accuracy").correctCount(logits, labels), 1)
        // top-k: fewer than k logits strictly larger than the label's (TensorFlow's in_top_k).
        XCTAssertEqual(try ClassificationMetric(name: "top1").correctCount(logits, labels), 3)
        XCTAssertEqual(try ClassificationMetric(name: "top3").correctCount(logits, labels), 3)
        XCTAssertEqual(try ClassificationMetric(name: "top4").correctCount(logits, labels), 4)
        XCTAssertEqual(try ClassificationMetric(name: "top12").k, 12)
        for name in ["top0", "top", "topx", "precision", "top-1"] {
            XCTAssertThrowsError(try ClassificationMetric(name: name)) { error in
                XCTAssertEqual((error as? LunetError)?.message, "unknown metric '\(name)' (metrics: 'accuracy', 'top<K>' such as 'top5')")
            }
        }
    }

    func testRunningMeansWeighBatchesBySize() {
        var means = RunningMeans()
        means.add("loss", 1.0, weight: 100)
        means.add("accuracy", 0.5, weight: 100)
        means.add("loss", 4.0, weight: 50)
        XCTAssertEqual(means.values.map(\.name), ["loss", "accuracy"])
        XCTAssertEqual(means["loss"]!, 2.0, accuracy: 1e-12)
    }

    /// A reporter writing into `output`, on a clock the test moves.
    func reporter(_ style: ProgressReporter.Style, _ output: UnsafeMutablePointer<String>, _ time: UnsafeMutablePointer<Double>) -> ProgressReporter {
        ProgressReporter(style: style, write: { output.pointee += $0 }, clock: { time.pointee })
    }

    func testBarIsRedrawnInPlaceAndThrottled() {
        var output = "", time = 0.0
        let progress = reporter(.bar, &output, &time)
        progress.begin(1, of: 10, steps: 4)
        time = 1
        progress.step(1, items: 100, values: [("loss", 1.5), ("accuracy", 0.25)])
        time = 1.05  // within the redraw interval: not drawn
        progress.step(2, items: 200, values: [("loss", 1.25), ("accuracy", 0.5)])
        time = 2
        progress.step(3, items: 300, values: [("loss", 1.0), ("accuracy", 0.5)])
        time = 2.5
        progress.step(4, items: 400, values: [("loss", 0.875), ("accuracy", 0.625)])  // the last step is always drawn
        progress.end(values: [("loss", 0.875), ("accuracy", 0.625), ("val_loss", 1.0)], seconds: 3, itemsPerSecond: 160)
        XCTAssertEqual(output, [
            "\repoch 2/10 [====>...............] 1/4  loss 1.5000  accuracy 0.2500  100 img/s  ETA 0:03\u{1B}[K",
            "\repoch 2/10 [==============>.....] 3/4  loss 1.0000  accuracy 0.5000  150 img/s  ETA 0:01\u{1B}[K",
            "\repoch 2/10 [====================] 4/4  loss 0.8750  accuracy 0.6250  160 img/s  ETA 0:00\u{1B}[K",
            "\repoch 2/10  4/4  loss 0.8750  accuracy 0.6250  val_loss 1.0000  3.0 s  160 img/s\u{1B}[K\n",
        ].joined())
    }

    func testBarIsCutToTheTerminalWidth() {
        var output = "", time = 0.0
        let progress = reporter(.bar, &output, &time)
        progress.width = 40
        progress.begin(0, of: 1, steps: 2)
        time = 1
        progress.step(1, items: 10, values: [("loss", 1.5), ("accuracy", 0.25)])
        XCTAssertEqual(output, "\repoch 1/1 [=========>..........] 1/2  l\u{1B}[K")
    }

    func testPlainLinesHaveNoCarriageReturn() {
        var output = "", time = 0.0
        let progress = reporter(.lines, &output, &time)
        for epoch in 0..<2 {
            progress.begin(epoch, of: 2, steps: 3)
            for step in 1...3 { time += 1; progress.step(step, items: step * 10, values: [("loss", 1)]) }
            progress.end(values: [("loss", 0.5)], seconds: 3, itemsPerSecond: 10)
        }
        progress.note("interrupted")
        XCTAssertEqual(output, "epoch 1/2  3/3  loss 0.5000  3.0 s  10 img/s\nepoch 2/2  3/3  loss 0.5000  3.0 s  10 img/s\ninterrupted\n")
        XCTAssertFalse(output.contains("\r"))
    }

    func testSilentWritesNothing() {
        var output = "", time = 0.0
        let progress = reporter(.silent, &output, &time)
        progress.begin(0, of: 1, steps: 1)
        progress.step(1, items: 1, values: [("loss", 1)])
        progress.end(values: [("loss", 1)], seconds: 1, itemsPerSecond: 1)
        progress.note("stopped")
        XCTAssertEqual(output, "")
        XCTAssertEqual(ProgressReporter.style(verbose: 0, terminal: true), .silent)
        XCTAssertEqual(ProgressReporter.style(verbose: 1, terminal: true), .bar)
        XCTAssertEqual(ProgressReporter.style(verbose: 1, terminal: false), .lines)
        XCTAssertEqual(ProgressReporter.style(verbose: 2, terminal: true), .lines)
    }
}
