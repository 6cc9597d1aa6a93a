/// The filter's transforms: into the Winograd domain before a product, and the
/// weight gradient's sums back out. Both work on blocks of filters side by side
/// (`[cell, filter]`), so each pass of a 2-d transform is a few combinations of
/// whole rows: one filter at a time, the per-call cost of a row of one value
/// was most of the work (a quarter of a forward pass on Q1's 3x3 layers).
extension WinogradConvolution {
    /// Filters (an output channel and a piece of an input channel) per block.
    static let filterBlock = 64

    /// Runs `body(first, count)` for the blocks of `total` filters, split over the cores,
    /// with a scratch of `scratch` floats per filter of a block.
    private static func forEachFilterBlock(_ total: Int, scratch: Int,
                                           _ body: (_ first: Int, _ count: Int, UnsafeMutablePointer<Float>) -> Void) {
        let blocks = (total + filterBlock - 1) / filterBlock
        ParallelLoop.forEach(blocks, grain: 4) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: scratch * filterBlock) { buffer in
                for block in range {
                    let first = block * filterBlock
                    body(first, Swift.min(filterBlock, total - first), buffer.baseAddress!)
                }
            }
        }
    }

    /// `u[ξ, o, piece * inputs + c] = (G f Gᵀ)[ξ]`, f the piece of kernel `[outputs, inputs, k, k]`, zero past k.
    func transformFilter(_ weight: UnsafePointer<Float>, outputs: Int, inputs: Int, into u: UnsafeMutablePointer<Float>) {
        let rows = pieceCount * inputs, step = outputs * rows
        let k = kernel, r = r, n = transform.tileSize, pieces = pieces, transform = transform
        Self.forEachFilterBlock(outputs * rows, scratch: r * r + n * r + n * n) { first, count, scratch in
            // piece[(i r + j) * count + t], mixed [n r, count], out [n², count].
            let piece = scratch, mixed = piece + r * r * count, out = mixed + n * r * count
            for t in 0..<count {
                let item = first + t, o = item / rows, row = item % rows
                let top = row / inputs / pieces * r, left = row / inputs % pieces * r
                let source = weight + (o * inputs + row % inputs) * k * k
                for i in 0..<r {
                    for j in 0..<r {
                        piece[(i * r + j) * count + t] = top + i < k && left + j < k ? source[(top + i) * k + left + j] : 0
                    }
                }
            }
            transform.g.applyBothSides(piece, block: count, count: count, scratch: mixed, into: out)
            Self.copyRows(out, count: n * n, length: count, block: count, into: u + first, stride: step)
        }
    }

    /// `dw[o, c, a r + i, b r + j] += (Aᵀ S A)[i, j]` with the dual transform, S the
    /// summed products `[n², outputs, pieces * inputs]`; cells past k are dropped.
    /// Pieces cover disjoint cells, so blocks on different cores never add to the same one.
    func foldWeightGradient(_ sums: UnsafePointer<Float>, outputs: Int, inputs: Int, into dw: UnsafeMutablePointer<Float>) {
        let rows = pieceCount * inputs, step = outputs * rows
        let k = kernel, r = r, n = dual.tileSize, pieces = pieces, dual = dual
        Self.forEachFilterBlock(outputs * rows, scratch: n * n + r * n + r * r) { first, count, scratch in
            // values [n², count], mixed [r n, count], tile[(i r + j) * count + t].
            let values = scratch, mixed = values + n * n * count, tile = mixed + r * n * count
            Self.copyRows(sums + first, stride: step, count: n * n, length: count, into: values, block: count)
            dual.at.applyBothSides(values, block: count, count: count, scratch: mixed, into: tile)
            for t in 0..<count {
                let item = first + t, o = item / rows, row = item % rows
                let top = row / inputs / pieces * r, left = row / inputs % pieces * r
                let target = dw + (o * inputs + row % inputs) * k * k
                for i in 0..<Swift.min(r, k - top) {
                    for j in 0..<Swift.min(r, k - left) { target[(top + i) * k + left + j] += tile[(i * r + j) * count + t] }
                }
            }
        }
    }
}
