import Foundation

extension Sequential {
    /// A table of the layers with their output shapes (batch excluded) and
    /// parameter counts, as Keras' `model.summary()`; convolutions also name
    /// their algorithm for that input (`[Winograd F(4x4, 3x3)]`, `[im2col + sgemm]`).
    ///
    /// ```lua
    /// net:summary({3, 64, 64})
    /// ```
    public func summary(inputShape: [Int]) throws -> String {
        var rows: [(String, String, String)] = [("Layer", "Output shape", "Parameters")]
        var shape = [1] + inputShape
        func visit(_ module: Sequential, prefix: String) throws {
            for (index, layer) in module.layers.enumerated() {
                let key = prefix + Module.key(of: layer, at: index)
                if let nested = layer as? Sequential {
                    try visit(nested, prefix: key + ".")
                    continue
                }
                // A convolution names its algorithm (chosen by kernel, stride, channels and size).
                let algorithm = try (layer as? Conv2d).map { " [\(try $0.algorithm(forInputShape: shape))]" } ?? ""
                shape = try layer.outputShape(for: shape)
                rows.append(("\(key): \(layer.description)\(algorithm)", formatShape(Array(shape.dropFirst())), String(layer.parameterCount)))
            }
        }
        try visit(self, prefix: "")
        let widths = [0, 1, 2].map { column in
            rows.map { [$0.0, $0.1, $0.2][column].count }.max() ?? 0
        }
        func line(_ row: (String, String, String)) -> String {
            row.0.padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  "
                + row.1.padding(toLength: widths[1], withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: widths[2] - row.2.count) + row.2
        }
        let rule = String(repeating: "-", count: widths.reduce(4, +))
        var lines = [line(rows[0]), rule] + rows.dropFirst().map(line) + [rule]
        lines.append("Total parameters: \(parameterCount)")
        return lines.joined(separator: "\n")
    }

    /// `nn.Sequential {` then one line per child, as Torch prints containers.
    public var tree: String {
        var lines = ["nn.Sequential {"]
        for (index, layer) in layers.enumerated() {
            let key = "(\(index + 1))" + (layer.name.map { " '\($0)'" } ?? "")
            let body = (layer as? Sequential)?.tree ?? "nn.\(layer.description)"
            lines.append("  \(key): " + body.replacingOccurrences(of: "\n", with: "\n  "))
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}
