import Foundation

/// A line chart drawn by lunet itself: several series, axes with round tick
/// values, axis labels, a title, a legend, markers on series of few points,
/// and error bars where a series has them. NaN points are left out (the line
/// breaks there). Written atomically as a PNG.
///
/// ```lua
/// plot.lines("accuracy.png", {{name = "random", y = {0.44, 0.51, 0.58}, err = {0.03, 0.03, 0.03}},
///                             {name = "hardest", y = {0.53, 0.57, 0.60}}}, {title = "20-way one-shot", xlabel = "round"})
/// ```
public struct LineChart {
    public struct Series {
        public let name: String
        public let x: [Double]
        public let y: [Double]
        /// Half-heights of the error bars, one per point, or nil.
        public let error: [Double]?

        public init(name: String, x: [Double]? = nil, y: [Double], error: [Double]? = nil) {
            self.name = name
            self.x = x ?? y.indices.map { Double($0 + 1) }
            self.y = y
            self.error = error
        }
    }

    /// Series colours in order (a colour-blind-safe palette, Okabe and Ito's).
    public static let palette = [RGB(0, 114, 178), RGB(213, 94, 0), RGB(0, 158, 115), RGB(204, 121, 167),
                                 RGB(230, 159, 0), RGB(86, 180, 233), RGB(0, 0, 0), RGB(240, 228, 66)]
    static let background = RGB(255, 255, 255), axisColor = RGB(40, 40, 40), gridColor = RGB(225, 225, 225)
    /// A series with at most this many points gets a marker at each.
    static let markerLimit = 20

    public let series: [Series]
    public let title: String, xLabel: String, yLabel: String
    public let width: Int, height: Int
    public let xTicks: ChartTicks, yTicks: ChartTicks
    /// The plotting area: left and top edges, width and height, in pixels.
    public let plotArea: (x: Int, y: Int, width: Int, height: Int)

    /// The chart's options, declared once: the binding parses by it, help lists it.
    public static let declaration = Declaration("LineChart", options: [
        OptionDeclaration("title", .string, default: .string(""), doc: "a title above the chart"),
        OptionDeclaration("xlabel", .string, default: .string(""), doc: "the x axis' label"),
        OptionDeclaration("ylabel", .string, default: .string(""), doc: "the y axis' label"),
        OptionDeclaration("width", .integer(200...4000), default: .int(640), doc: "the image's width in pixels"),
        OptionDeclaration("height", .integer(150...4000), default: .int(400), doc: "the image's height in pixels"),
    ], doc: """
        Writes a line chart as a PNG (atomically): series = a list of {name = 'random', y = {...}, x = {...} (default \
        1, 2, ...), err = {...} (error bars, optional)}; round ticks, a legend, markers on series of up to 20 points, \
        NaN points left out.
        """)

    /// `plot.history`'s options: the chart's and the columns to draw.
    public static let historyDeclaration = Declaration("HistoryChart", options: [
        OptionDeclaration("columns", .list(.string, minimum: 1), defaultText: "every logged value",
                          doc: "the history's columns to draw, one line each (a column 'c_stderr' gives c its error bars)"),
    ] + declaration.options, doc: """
        Writes a train.fit or triplet.fit history's curves as a PNG (atomically), x the epoch (round): by default \
        every logged value (losses, metrics, validation), not the learning rate, times or counts.
        """)

    /// A chart with `options` checked by `declaration` (defaults where absent).
    public init(series: [Series], options: [String: ConfigurationValue] = [:]) throws {
        let values = try Self.declaration.check(options.mapValues(OptionValue.value))
        try self.init(series: series, options: values)
    }

    public init(series: [Series], options values: OptionValues) throws {
        guard !series.isEmpty else { throw LunetError("\(subject: Self.declaration.subject): no series to draw") }
        let (title, xLabel, yLabel) = (try values.string("title"), try values.string("xlabel"), try values.string("ylabel"))
        let (width, height) = (try values.int("width"), try values.int("height"))
        var xs: [Double] = [], ys: [Double] = []
        for (index, s) in series.enumerated() {
            guard s.x.count == s.y.count else {
                throw LunetError("\(subject: Self.declaration.subject): series \(position: index) ('\(s.name)') has \(s.x.count) x values and \(s.y.count) y values")
            }
            if let error = s.error, error.count != s.y.count {
                throw LunetError("\(subject: Self.declaration.subject): series \(position: index) ('\(s.name)') has \(error.count) error values for \(s.y.count) points")
            }
            for i in s.y.indices where s.x[i].isFinite && s.y[i].isFinite {
                let e = s.error.map { $0[i].isFinite ? abs($0[i]) : 0 } ?? 0
                xs.append(s.x[i])
                ys += [s.y[i] - e, s.y[i] + e]
            }
        }
        guard let xLow = xs.min(), let xHigh = xs.max(), let yLow = ys.min(), let yHigh = ys.max() else {
            throw LunetError("\(subject: Self.declaration.subject): no finite point in any series")
        }
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        xTicks = ChartTicks(low: xLow, high: xHigh, integral: xs.allSatisfy { $0 == $0.rounded() })
        let yTicks = ChartTicks(low: yLow, high: yHigh)
        self.yTicks = yTicks
        // Room on the left for the widest y tick label.
        let left = 12 + yTicks.values.map { yTicks.label($0).count }.max()! * BitmapFont.advance
        let top = title.isEmpty && yLabel.isEmpty ? 12 : 30, bottom = xLabel.isEmpty ? 26 : 40
        plotArea = (left, top, width - left - 16, height - top - bottom)
    }

    /// The pixel of a data point.
    public func pixel(x: Double, y: Double) -> (x: Int, y: Int) {
        let area = plotArea
        let (x0, x1) = (xTicks.values.first!, xTicks.values.last!), (y0, y1) = (yTicks.values.first!, yTicks.values.last!)
        return (area.x + Int(((x - x0) / (x1 - x0) * Double(area.width - 1)).rounded()),
                area.y + area.height - 1 - Int(((y - y0) / (y1 - y0) * Double(area.height - 1)).rounded()))
    }

    public func color(of index: Int) -> RGB { Self.palette[index % Self.palette.count] }

    public func render() -> DecodedImage {
        var canvas = Canvas(width: width, height: height, background: Self.background)
        drawAxes(&canvas)
        for (index, s) in series.enumerated() { draw(s, color: color(of: index), on: &canvas) }
        drawLegend(&canvas)
        return canvas.image
    }

    /// Renders and writes the PNG atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(Data(try ImageEncoder.png(render())), to: path)
    }

    private func drawAxes(_ canvas: inout Canvas) {
        let area = plotArea
        for value in yTicks.values {
            let y = pixel(x: xTicks.values[0], y: value).y
            canvas.fill(x: area.x, y: y, width: area.width, height: 1, Self.gridColor)
            let label = yTicks.label(value)
            canvas.text(label, centerX: area.x - 5 - label.count * BitmapFont.advance / 2, y: y - BitmapFont.height / 2,
                        maxWidth: width, Self.axisColor)
        }
        for value in xTicks.values {
            let x = pixel(x: value, y: yTicks.values[0]).x
            canvas.fill(x: x, y: area.y + area.height, width: 1, height: 4, Self.axisColor)
            canvas.text(xTicks.label(value), centerX: x, y: area.y + area.height + 7, maxWidth: width, Self.axisColor)
        }
        canvas.fill(x: area.x, y: area.y, width: 1, height: area.height, Self.axisColor)
        canvas.fill(x: area.x, y: area.y + area.height - 1, width: area.width, height: 1, Self.axisColor)
        if !title.isEmpty { canvas.text(title, centerX: width / 2, y: 8, maxWidth: width - 8, Self.axisColor) }
        if !yLabel.isEmpty {
            canvas.text(yLabel, centerX: 4 + yLabel.count * BitmapFont.advance / 2, y: area.y - 12, maxWidth: width / 2, Self.axisColor)
        }
        if !xLabel.isEmpty {
            canvas.text(xLabel, centerX: area.x + area.width / 2, y: height - 12, maxWidth: width - 8, Self.axisColor)
        }
    }

    private func draw(_ s: Series, color: RGB, on canvas: inout Canvas) {
        var previous: (x: Int, y: Int)?
        for i in s.y.indices {
            guard s.x[i].isFinite, s.y[i].isFinite else { previous = nil; continue }
            let point = pixel(x: s.x[i], y: s.y[i])
            if let previous { canvas.line(from: previous, to: point, color) }
            if let e = s.error?[i], e.isFinite, e != 0 {
                let top = pixel(x: s.x[i], y: s.y[i] + abs(e)).y, bottom = pixel(x: s.x[i], y: s.y[i] - abs(e)).y
                canvas.fill(x: point.x, y: top, width: 1, height: bottom - top + 1, color)
                canvas.fill(x: point.x - 3, y: top, width: 7, height: 1, color)
                canvas.fill(x: point.x - 3, y: bottom, width: 7, height: 1, color)
            }
            if s.y.count <= Self.markerLimit { canvas.fill(x: point.x - 2, y: point.y - 2, width: 5, height: 5, color) }
            previous = point
        }
    }

    /// Legend rows are `legendRowHeight` apart, top-right inside the plotting area.
    static let legendRowHeight = 12
    public var legendOrigin: (x: Int, y: Int) {
        (plotArea.x + plotArea.width - 8 - 16 - longestName * BitmapFont.advance, plotArea.y + 6)
    }

    private var longestName: Int { series.map(\.name.count).max() ?? 0 }

    private func drawLegend(_ canvas: inout Canvas) {
        let origin = legendOrigin, longest = longestName
        canvas.fill(x: origin.x - 4, y: origin.y - 4, width: 16 + longest * BitmapFont.advance + 8,
                    height: series.count * Self.legendRowHeight + 6, Self.background)
        for (index, s) in series.enumerated() {
            let y = origin.y + index * Self.legendRowHeight
            canvas.fill(x: origin.x, y: y + 2, width: 12, height: 3, color(of: index))
            canvas.text(s.name, centerX: origin.x + 16 + s.name.count * BitmapFont.advance / 2, y: y, maxWidth: width, Self.axisColor)
        }
    }
}
