import Foundation

extension Tensor {
    /// Tensors with more elements than this are shortened (NumPy shortens past 1000;
    /// a REPL line holds about ten values).
    public static var fullDisplayLimit: Int { 100 }

    /// The values, then the type and shape line. Matrices print row by row;
    /// higher ranks print each matrix under its Torch7 heading `(1,2,.,.) =`.
    /// Beyond `fullDisplayLimit` elements only the first and last three rows
    /// and columns, and the first and last matrix along each leading
    /// dimension, are shown, with `...` for the rest.
    ///
    /// ```lua
    /// > tensor.arange(6):reshape(2, 3)
    /// 0.0000 1.0000 2.0000
    /// 3.0000 4.0000 5.0000
    /// [Float32 tensor of shape 2x3]
    /// ```
    public var displayText: String {
        let header = "[\(summary)]"
        guard count > 0 else { return header }
        let shortened = count > Self.fullDisplayLimit
        let strides = strides
        let leading = DisplayLayout.product(shape.dropLast(2).map { DisplayLayout.shown($0, edge: shortened ? 1 : $0) })
        let rows = rank >= 2 ? DisplayLayout.shown(shape[rank - 2], edge: shortened ? 3 : shape[rank - 2]) : [0]
        let columns = rank >= 1 ? DisplayLayout.shown(shape[rank - 1], edge: shortened ? 3 : shape[rank - 1]) : [0]
        // Every shown value as text first: one width for all of them.
        let blocks: [(heading: String?, rows: [[String]?])] = withUnsafeBufferPointer { values in
            leading.map { prefix in
                guard let prefix else { return (nil, []) }
                let heading = rank > 2 ? "(" + (prefix.map { "\($0 + 1)" } + [".", "."]).joined(separator: ",") + ") =" : nil
                let base = zip(prefix, strides).reduce(0) { $0 + $1.0 * $1.1 }
                let rowStride = rank >= 2 ? strides[rank - 2] : 0
                return (heading, rows.map { row in
                    row.map { row in columns.map { column in column.map { text(values[base + row * rowStride + $0]) } ?? "..." } }
                })
            }
        }
        let width = blocks.flatMap { $0.rows.compactMap { $0 } }.joined().filter { $0 != "..." }.map(\.count).max() ?? 0
        var lines: [String] = []
        for block in blocks {
            guard block.heading != nil || !block.rows.isEmpty else {
                if lines.last != "..." { lines.append("...") }
                continue
            }
            if let heading = block.heading { lines.append(heading) }
            for row in block.rows {
                lines.append(row.map { $0.map { $0 == "..." ? $0 : String(repeating: " ", count: width - $0.count) + $0 }
                    .joined(separator: " ") } ?? "...")
            }
        }
        return (lines + [header]).joined(separator: "\n")
    }

    private func text(_ value: Element) -> String {
        Element.self == Float.self ? formatFloat(value.doubleValue) : String(describing: value)
    }
}

/// Which positions a shortened display shows.
enum DisplayLayout {
    /// `0..<size`, or the first and last `edge` positions with nil for `...` between.
    static func shown(_ size: Int, edge: Int) -> [Int?] {
        guard size > 2 * edge else { return Array(0..<size) }
        return Array(0..<edge) + [nil] + Array((size - edge)..<size)
    }

    /// Most matrices a display shows: many short leading dimensions
    /// (2x2x...x2) are not shortened one by one, so the whole is.
    static let maximumBlocks = 16

    /// Combinations of shown positions in row-major order, nil where any part
    /// is `...`; past `maximumBlocks`, one nil ends the list. No dimensions
    /// gives one empty prefix.
    static func product(_ dimensions: [[Int?]]) -> [[Int]?] {
        guard !dimensions.contains(where: \.isEmpty) else { return [] }
        var result: [[Int]?] = []
        var counter = [Int](repeating: 0, count: dimensions.count)
        while true {
            guard result.count < maximumBlocks else { return result + [nil] }
            let positions = zip(dimensions, counter).map { $0[$1] }
            result.append(positions.contains(nil) ? nil : positions.map { $0! })
            // Odometer step, last dimension fastest.
            var d = dimensions.count - 1
            while d >= 0 {
                counter[d] += 1
                if counter[d] < dimensions[d].count { break }
                counter[d] = 0
                d -= 1
            }
            if d < 0 { return result }
        }
    }
}

/// Four significant decimals, or scientific notation for very large or small values.
private func formatFloat(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    let magnitude = Swift.abs(value)
    if magnitude != 0 && (magnitude >= 1e5 || magnitude < 1e-4) {
        return String(format: "%.4e", value)
    }
    return String(format: "%.4f", value)
}
