import Foundation

extension Tensor where Element == Float {
    /// `log(softmax(x))` along `dim` (0-based), stable: the largest value is
    /// subtracted first and the sum taken in Double.
    public func logSoftmax(dimension dim: Int) throws -> Tensor {
        try checkDimension(dim, "logSoftmax")
        let (outer, inner) = outerInner(dim)
        let size = shape[dim]
        return try withUnsafeBufferPointer { x in
            try Tensor(unsafeUninitializedShape: shape) { out in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * size * inner + i
                        var top = -Float.infinity
                        for k in 0..<size { top = Swift.max(top, x[base + k * inner]) }
                        var total = 0.0
                        for k in 0..<size { total += Double(Foundation.exp(x[base + k * inner] - top)) }
                        let shift = top + Float(Foundation.log(total))
                        for k in 0..<size { out[base + k * inner] = x[base + k * inner] - shift }
                    }
                }
            }
        }
    }

    /// `softmax` along `dim` (0-based): `exp(logSoftmax(x))`.
    public func softmax(dimension dim: Int) throws -> Tensor {
        try logSoftmax(dimension: dim).exp()
    }
}
