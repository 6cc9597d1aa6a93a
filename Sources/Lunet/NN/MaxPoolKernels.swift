/// Max pooling of eight neighbouring outputs of one output row whose windows
/// lie inside the image (no clipping of columns), with `FloatVector` compares
/// and selects in place of one unpredictable branch per window cell.
enum MaxPoolKernels {
    /// The floats `p[0], p[stride], ..., p[7 stride]`, reading no further than `p[7 stride]`.
    @inline(__always)
    static func strided(_ p: UnsafePointer<Float>, _ stride: Int) -> FloatVector {
        switch stride {
        case 1:
            return p.vector(at: 0)
        case 2:
            // p[0...7] and p[7...14]: the even lanes of the first, the odd of the second.
            return FloatVector(lowHalf: p.vector(at: 0).evenHalf, highHalf: p.vector(at: 7).oddHalf)
        default:
            return FloatVector(p[0], p[stride], p[2 &* stride], p[3 &* stride],
                               p[4 &* stride], p[5 &* stride], p[6 &* stride], p[7 &* stride])
        }
    }

    /// Outputs `y[0..<8]` and their winners' plane offsets, for windows over
    /// `rows` and the columns from `left + lane * stride` on. Cells are visited
    /// in row-major order and a cell wins only when strictly greater, so ties
    /// go to the first; a lane no cell beat -inf in takes its first cell.
    @inline(__always)
    static func eight(_ x: UnsafePointer<Float>, rows: Range<Int>, width: Int, left: Int, stride: Int, kernelWidth: Int,
                      _ y: UnsafeMutablePointer<Float>, _ winner: UnsafeMutablePointer<Int32>) {
        // Lane offsets 0...7 of the block, in cells.
        let laneStep = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(truncatingIfNeeded: stride)
        let first = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: rows.lowerBound &* width &+ left)) &+ laneStep
        var best = FloatVector(repeating: -.infinity), index = first
        for ih in rows {
            for kj in 0..<kernelWidth {
                let cell = ih &* width &+ left &+ kj
                let value = strided(x + cell, stride)
                let wins = value .> best
                best.replace(with: value, where: wins)
                index.replace(with: SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: cell)) &+ laneStep,
                              where: wins)
            }
        }
        if any(best .== -.infinity) {
            for lane in 0..<8 where best[lane] == -.infinity { best[lane] = x[Int(truncatingIfNeeded: index[lane])] }
        }
        y.store(best, at: 0)
        UnsafeMutableRawPointer(winner).storeBytes(of: index, as: SIMD8<Int32>.self)
    }
}
