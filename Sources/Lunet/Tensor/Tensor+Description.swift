import Foundation

extension Tensor {
    /// Values of small vectors and matrices, then the type and shape line; larger
    /// tensors show only `[Float32 tensor of shape 100x3x64x64]`.
    public var displayText: String {
        let header = "[\(summary)]"
        guard count > 0, count <= 64, rank <= 2 else { return header }
        let values = scalars
        let texts = values.map { Element.self == Float.self ? formatFloat($0.doubleValue) : String(describing: $0) }
        let width = texts.map(\.count).max() ?? 0
        let padded = texts.map { String(repeating: " ", count: width - $0.count) + $0 }
        let columns = rank == 0 ? 1 : shape[rank - 1]
        var lines: [String] = []
        for start in stride(from: 0, to: padded.count, by: columns) {
            lines.append(padded[start..<start + columns].joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n" + header
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
