import Foundation

extension Tensor where Element == Float {
    public func exp() throws -> Tensor { try mapped { Foundation.exp($0) } }
    public func log() throws -> Tensor { try mapped { Foundation.log($0) } }
    public func sqrt() throws -> Tensor { try mapped { $0.squareRoot() } }
    public func abs() throws -> Tensor { try mapped { Swift.abs($0) } }
    public func pow(_ p: Float) throws -> Tensor { try mapped { Foundation.pow($0, p) } }

    /// Limits every element to `[low, high]`; either bound may be absent.
    public func clamped(low: Float? = nil, high: Float? = nil) throws -> Tensor {
        let lo = low ?? -.infinity, hi = high ?? .infinity
        guard lo <= hi else { throw LunetError("clamp: lower bound \(lo) is above upper bound \(hi)") }
        return try mapped { Swift.min(Swift.max($0, lo), hi) }
    }

    /// Each row of a matrix divided by its L2 norm (rows of zeros stay zero).
    public func rowNormalized(epsilon: Float = 1e-12) throws -> Tensor {
        guard rank == 2 else { throw LunetError("normalize: expected a matrix, got \(summary)") }
        let (rows, cols) = (shape[0], shape[1])
        return try withUnsafeBufferPointer { src in
            try Tensor(unsafeUninitializedShape: shape) { dst in
                for r in 0..<rows {
                    var sum: Float = 0
                    for c in 0..<cols { sum += src[r * cols + c] * src[r * cols + c] }
                    let scale = 1 / Swift.max(sum.squareRoot(), epsilon)
                    for c in 0..<cols { dst[r * cols + c] = src[r * cols + c] * scale }
                }
            }
        }
    }
}
