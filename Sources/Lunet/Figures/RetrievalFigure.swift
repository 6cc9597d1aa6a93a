import Foundation

/// The picture of a retrieval: one row per query, the query image first (in a
/// blue frame), then its results from most to least similar, each framed green
/// when its label is the query's and red otherwise, with the class names under
/// the images when asked. Small images are drawn enlarged (28x28 at 2x).
///
/// ```lua
/// local r = retrieval.search(codes.fc7, {queries = 10, k = 5})
/// retrieval.figure(ood, r, "fc7.png", {classNames = true})
/// ```
public struct RetrievalFigure {
    public static let queryColor = RGB(40, 80, 200)
    public static let matchColor = RGB(0, 170, 0)
    public static let mismatchColor = RGB(220, 0, 0)
    static let background = RGB(255, 255, 255)
    static let textColor = RGB(30, 30, 30)

    public let dataset: Dataset
    /// 0-based images of the queries, one per row.
    public let queries: [Int]
    /// 0-based images of each query's results, best first (`[rows][k]`).
    public let results: [[Int]]
    public let classNames: Bool

    /// Pixels per image pixel, the frame's width, and the layout's spacings.
    public let scale: Int
    public let frameThickness: Int
    static let margin = 4, gap = 4, queryGap = 12

    public init(dataset: Dataset, queries: [Int], results: [[Int]], classNames: Bool = true) throws {
        guard !queries.isEmpty else { throw LunetError("figure: no queries to draw") }
        guard results.count == queries.count else {
            throw LunetError("figure: \(results.count) rows of results for \(queries.count) queries")
        }
        guard let k = results.first?.count, k > 0, results.allSatisfy({ $0.count == k }) else {
            throw LunetError("figure: every query needs the same number (at least 1) of results")
        }
        for i in queries + results.joined() where i < 0 || i >= dataset.count {
            throw LunetError("\(subject: RetrievalDeclarations.figure.subject): image \(position: i) out of range for a dataset of \(dataset.count) images")
        }
        guard [1, 3].contains(dataset.imageShape[0]) else {
            throw LunetError("figure: images must have 1 or 3 channels, got \(dataset.imageShape[0])")
        }
        self.dataset = dataset
        self.queries = queries
        self.results = results
        self.classNames = classNames
        let side = Swift.max(dataset.imageShape[1], dataset.imageShape[2])
        scale = Swift.max(1, 64 / Swift.max(side, 1))
        frameThickness = Swift.max(2, side * scale / 20)
    }

    /// Outer size of a framed image.
    public var cellWidth: Int { dataset.imageShape[2] * scale + 2 * frameThickness }
    public var cellHeight: Int { dataset.imageShape[1] * scale + 2 * frameThickness }
    var labelHeight: Int { classNames ? BitmapFont.height + 4 : 0 }

    /// Top-left corner of the frame in `row` (0-based query) and `column` (0 the query, 1... the results).
    public func frameOrigin(row: Int, column: Int) -> (x: Int, y: Int) {
        (Self.margin + column * (cellWidth + Self.gap) + (column > 0 ? Self.queryGap : 0),
         Self.margin + row * (cellHeight + labelHeight + Self.gap))
    }

    public var width: Int { frameOrigin(row: 0, column: results[0].count + 1).x - Self.gap + Self.margin }
    public var height: Int { frameOrigin(row: queries.count, column: 0).y - Self.gap + Self.margin }

    /// The figure as an RGB image.
    public func render() throws -> DecodedImage {
        var canvas = Canvas(width: width, height: height, background: Self.background)
        for (row, query) in queries.enumerated() {
            let label = dataset.label(query)
            for (column, image) in ([query] + results[row]).enumerated() {
                let color = column == 0 ? Self.queryColor : dataset.label(image) == label ? Self.matchColor : Self.mismatchColor
                try drawCell(&canvas, image: image, origin: frameOrigin(row: row, column: column), color: color)
            }
        }
        return canvas.image
    }

    private func drawCell(_ canvas: inout Canvas, image: Int, origin: (x: Int, y: Int), color: RGB) throws {
        canvas.frame(x: origin.x, y: origin.y, width: cellWidth, height: cellHeight, thickness: frameThickness, color)
        canvas.draw(try dataset.image(image), x: origin.x + frameThickness, y: origin.y + frameThickness, scale: scale)
        if classNames {
            canvas.text(className(dataset.label(image)), centerX: origin.x + cellWidth / 2, y: origin.y + cellHeight + 2,
                        maxWidth: cellWidth + Self.gap - 2, Self.textColor)
        }
    }

    /// The readable name of a class: the first phrase of its description (Tiny
    /// ImageNet's words), else its name.
    func className(_ label: Int) -> String {
        if let description = dataset.descriptions?[label], let first = description.split(separator: ",").first {
            return first.trimmingCharacters(in: .whitespaces)
        }
        return dataset.classes[label]
    }

    /// Renders and writes the PNG atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(Data(try ImageEncoder.png(try render())), to: path)
    }
}
