/// Norms of the rows of a matrix `[rows, width]`, summed as `RowSums` says,
/// the check that finds rows holding NaN or an infinity, and the row
/// normalization of `nn.L2Normalize` and `tensor:normalize`.
enum RowNorms {
    /// Squared L2 norm of each row, in parallel over rows.
    static func squared(_ x: UnsafePointer<Float>, rows: Int, width: Int) -> [Double] {
        var norms = [Double](repeating: 0, count: rows)
        norms.withUnsafeMutableBufferPointer { out in
            let out = UncheckedSendable(out)
            ParallelLoop.forEach(rows, grain: grain(width)) { range in
                for r in range { out.value[r] = RowSums.squares(x + r * width, count: width) }
            }
        }
        return norms
    }

    /// The first row whose squared norm (from `squared`) is not finite, that
    /// is the first row holding NaN or an infinity, and which of the two.
    static func firstNonFinite(_ squaredNorms: [Double]) -> (row: Int, value: NonFiniteValue)? {
        guard let row = squaredNorms.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (row, squaredNorms[row].isNaN ? .nan : .infinity)
    }

    /// The divisor `max(|x|, epsilon)` of a row; NaN when the row holds NaN.
    @inline(__always)
    static func divisor(_ row: UnsafePointer<Float>, width: Int, epsilon: Float) -> Float {
        let norm = Float(RowSums.squares(row, count: width).squareRoot())
        return norm.isNaN || norm > epsilon ? norm : epsilon
    }

    /// `y = x / max(|x|, epsilon)` row by row, in parallel over rows.
    static func normalize(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                          epsilon: Float) {
        ParallelLoop.forEach(rows, grain: grain(width)) { range in
            for r in range {
                let row = x + r * width, out = y + r * width
                let scale = 1 / divisor(row, width: width, epsilon: epsilon)
                for j in 0..<width { out[j] = row[j] * scale }
            }
        }
    }

    /// Rows per task: enough for about 16k values, so short rows stay on one thread.
    private static func grain(_ width: Int) -> Int { Swift.max(1, (1 << 14) / Swift.max(width, 1)) }
}

/// What a non-finite row holds.
public enum NonFiniteValue: String, Sendable {
    case nan = "NaN"
    case infinity = "an infinity"
}

extension Tensor where Element == Float {
    /// Each row of a matrix divided by its L2 norm, at least `epsilon` (rows of
    /// zeros stay zero), exactly as `nn.L2Normalize` does.
    public func rowNormalized(epsilon: Float = 1e-12) throws -> Tensor {
        guard rank == 2 else { throw LunetError("normalize: expected a matrix, got \(summary)") }
        return try withUnsafeBufferPointer { x in
            try Tensor(unsafeUninitializedShape: shape) { y in
                RowNorms.normalize(x.baseAddress!, into: y.baseAddress!, rows: shape[0], width: shape[1], epsilon: epsilon)
            }
        }
    }
}
