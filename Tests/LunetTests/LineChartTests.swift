import XCTest
@testable import Lunet

/// The chart on its pixels: axes, each series' colour, the legend, error bars,
/// identical bytes for identical input; round ticks; errors.
final class LineChartTests: XCTestCase {
    func testTicksAreRoundAndCoverTheData() {
        XCTAssertEqual(ChartTicks(low: 0.37, high: 0.81).values, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
        XCTAssertEqual(ChartTicks(low: 1, high: 10).values, [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(ChartTicks(low: 0, high: 1.9).values, [0, 0.5, 1, 1.5, 2])
        XCTAssertEqual(ChartTicks(low: -3, high: 1200).values, [-500, 0, 500, 1000, 1500])  // 240.6 a tick -> 500
        XCTAssertEqual(ChartTicks(low: 5, high: 5).values, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6])  // one value: 10% either side
        let ticks = ChartTicks(low: 0.37, high: 0.81)
        XCTAssertEqual(ticks.values.map(ticks.label), ["0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"])
        XCTAssertEqual(ChartTicks(low: 1, high: 10).label(4), "4")
        XCTAssertEqual(ChartTicks(low: 1, high: 2, integral: true).values, [1, 2], "rounds: no tick at 1.2")
        XCTAssertEqual(ChartTicks(low: 1, high: 1, integral: true).values, [0, 1, 2])
    }

    func chart() throws -> LineChart {
        try LineChart(series: [
            .init(name: "random", y: [0.44, 0.51, 0.58, 0.60], error: [0.03, 0.03, 0.03, 0.03]),
            .init(name: "hardest", y: [0.53, 0.57, .nan, 0.62]),
        ], options: ["title": .string("one-shot"), "xlabel": .string("round")])
    }

    func pixel(_ image: DecodedImage, _ x: Int, _ y: Int) -> RGB {
        let at = (y * image.width + x) * 3
        return RGB(image.pixels[at], image.pixels[at + 1], image.pixels[at + 2])
    }

    func testPointsAxesLegendAndErrorBarsAreWhereTheChartSays() throws {
        let chart = try chart()
        let image = chart.render()
        XCTAssertEqual([image.width, image.height], [640, 400])
        XCTAssertEqual(chart.xTicks.values, [1, 2, 3, 4])
        XCTAssertEqual(chart.yTicks.values, [0.4, 0.45, 0.5, 0.55, 0.6, 0.65])
        let (blue, orange) = (chart.color(of: 0), chart.color(of: 1))
        // Each point carries a 5x5 marker in its series' colour (the legend drawn last may cover one).
        for (x, y) in [(1.0, 0.44), (2, 0.51), (3, 0.58)] {
            let p = chart.pixel(x: x, y: y)
            XCTAssertEqual(pixel(image, p.x, p.y), blue, "random at \(x)")
        }
        for (x, y) in [(1.0, 0.53), (2, 0.57)] {
            let p = chart.pixel(x: x, y: y)
            XCTAssertEqual(pixel(image, p.x, p.y), orange, "hardest at \(x)")
        }
        // Error bars: the cap 0.03 above the first random point.
        let cap = chart.pixel(x: 1, y: 0.47)
        XCTAssertEqual(pixel(image, cap.x + 3, cap.y), blue)
        // The NaN at round 3 breaks the hardest line: nothing orange halfway from round 2 to 3.
        let mid = chart.pixel(x: 2.5, y: 0.6)
        XCTAssertFalse((mid.y - 40...mid.y + 40).contains { pixel(image, mid.x, $0) == orange })
        // Axes: the left and bottom edges of the plotting area are drawn.
        let area = chart.plotArea
        XCTAssertEqual(pixel(image, area.x, area.y + area.height / 2), LineChart.axisColor)
        XCTAssertEqual(pixel(image, area.x + area.width / 2, area.y + area.height - 1), LineChart.axisColor)
        // Legend: a swatch of each colour, one row apart.
        let legend = chart.legendOrigin
        XCTAssertEqual(pixel(image, legend.x + 6, legend.y + 3), blue)
        XCTAssertEqual(pixel(image, legend.x + 6, legend.y + LineChart.legendRowHeight + 3), orange)
    }

    func testTheSameInputGivesTheSameBytes() throws {
        XCTAssertEqual(try ImageEncoder.png(try chart().render()), try ImageEncoder.png(try chart().render()))
    }

    func testErrors() throws {
        XCTAssertThrowsError(try LineChart(series: [])) {
            XCTAssertEqual("\($0)", "LineChart: no series to draw")
        }
        XCTAssertThrowsError(try LineChart(series: [.init(name: "a", x: [1], y: [1, 2])])) {
            XCTAssertEqual("\($0)", "LineChart: series 0 ('a') has 1 x values and 2 y values")
        }
        XCTAssertThrowsError(try LineChart(series: [.init(name: "a", y: [.nan, .infinity])])) {
            XCTAssertEqual("\($0)", "LineChart: no finite point in any series")
        }
        XCTAssertThrowsError(try LineChart(series: [.init(name: "a", y: [1])], options: ["width": .int(10)]))
    }
}
