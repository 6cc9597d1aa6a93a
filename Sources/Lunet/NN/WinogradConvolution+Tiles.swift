extension WinogradConvolution {
    /// `v[ξ, piece * channels + c, image * tiles + tile] = (Bᵀ d B)[ξ]`, d the 6x6
    /// input patch of that tile shifted by the piece, zero outside the image.
    /// `x` is `[count, channels, height, width]`. Per row of tiles: the six input
    /// rows (zero-padded to the span of the tiles), `Bᵀ` down them for all columns
    /// at once, then `B` across each tile.
    func transformInput(_ x: UnsafePointer<Float>, count: Int, channels: Int, height: Int, width: Int,
                        padTop: Int, padLeft: Int, tiles: Tiling, into v: UnsafeMutablePointer<Float>) {
        let rows = pieceCount * channels, columns = count * tiles.perImage, step = rows * columns
        let n = WinogradTransform.tile, m = m, r = r, pieces = pieces
        let span = (tiles.wide - 1) * m + n
        ParallelLoop.forEach(count * rows, grain: 4) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * n * span) { buffer in
                let lines = buffer.baseAddress!, mixed = lines + n * span
                for item in range {
                    let i = item / rows, row = item % rows
                    let piece = row / channels, c = row % channels
                    let plane = x + (i * channels + c) * height * width
                    let out = v + row * columns + i * tiles.perImage
                    let left = piece % pieces * r - padLeft
                    // Span columns inside the image.
                    let first = Swift.max(0, -left), last = Swift.min(span, width - left)
                    for ty in 0..<tiles.high {
                        let top = ty * m - padTop + piece / pieces * r
                        for k in 0..<n {
                            let line = lines + k * span, y = top + k
                            guard y >= 0, y < height, first < last else {
                                line.update(repeating: 0, count: span)
                                continue
                            }
                            line.update(repeating: 0, count: first)
                            (line + first).update(from: plane + y * width + left + first, count: last - first)
                            (line + last).update(repeating: 0, count: span - last)
                        }
                        WinogradTransform.inputRows(lines, into: mixed, count: span)
                        let target = out + ty * tiles.wide
                        for k in 0..<n {
                            let source = mixed + k * span, destination = target + k * n * step
                            for tx in 0..<tiles.wide {
                                WinogradTransform.inputLine(source + tx * m, 1, destination + tx, step)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `d[ξ, o, image * tiles + tile] = (G g Gᵀ)[ξ]` with the dual transform, g the
    /// m x m tile of the output gradient `[count, channels, height, width]`, zero past its edge.
    func transformGradient(_ dy: UnsafePointer<Float>, count: Int, channels: Int, height: Int, width: Int,
                           tiles: Tiling, into d: UnsafeMutablePointer<Float>) {
        let columns = count * tiles.perImage, step = channels * columns, m = m, dual = dual
        ParallelLoop.forEach(count * channels, grain: 4) { range in
            dual.g.withUnsafeBufferPointer { g in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: m * m + WinogradTransform.tile * m) { buffer in
                    let patch = buffer.baseAddress!, scratch = patch + m * m
                    for item in range {
                        let i = item / channels, o = item % channels
                        let plane = dy + item * height * width
                        let out = d + o * columns + i * tiles.perImage
                        for ty in 0..<tiles.high {
                            for tx in 0..<tiles.wide {
                                let top = ty * m, left = tx * m, target = out + ty * tiles.wide + tx
                                if top + m <= height, left + m <= width {
                                    dual.transformFilter(plane + top * width + left, rowStride: width, g: g.baseAddress!,
                                                         scratch: scratch, into: target, outStride: step)
                                    continue
                                }
                                for u in 0..<m {
                                    for w in 0..<m {
                                        patch[u * m + w] = top + u < height && left + w < width ? plane[(top + u) * width + left + w] : 0
                                    }
                                }
                                dual.transformFilter(patch, rowStride: m, g: g.baseAddress!, scratch: scratch, into: target, outStride: step)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `u[ξ, o, piece * inputs + c] = (G f Gᵀ)[ξ]`, f the piece of kernel `[outputs, inputs, k, k]`, zero past k.
    func transformFilter(_ weight: UnsafePointer<Float>, outputs: Int, inputs: Int, into u: UnsafeMutablePointer<Float>) {
        let rows = pieceCount * inputs, step = outputs * rows
        let k = kernel, r = r, pieces = pieces, transform = transform
        ParallelLoop.forEach(outputs * rows, grain: 64) { range in
            transform.g.withUnsafeBufferPointer { g in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: r * r + WinogradTransform.tile * r) { buffer in
                    let piece = buffer.baseAddress!, scratch = piece + r * r
                    for item in range {
                        let o = item / rows, row = item % rows
                        let top = row / inputs / pieces * r, left = row / inputs % pieces * r
                        let source = weight + (o * inputs + row % inputs) * k * k
                        for i in 0..<r {
                            for j in 0..<r {
                                piece[i * r + j] = top + i < k && left + j < k ? source[(top + i) * k + left + j] : 0
                            }
                        }
                        transform.transformFilter(piece, rowStride: r, g: g.baseAddress!, scratch: scratch,
                                                  into: u + o * rows + row, outStride: step)
                    }
                }
            }
        }
    }

    /// `y[i, o] = Aᵀ M A + bias[o]` per tile, clipped to the output; `product` is
    /// `[36, channels, count * tiles]`, `y` `[count, channels, height, width]`.
    func transformOutput(_ product: UnsafePointer<Float>, count: Int, channels: Int, height: Int, width: Int,
                         tiles: Tiling, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
        let columns = count * tiles.perImage, step = channels * columns, m = m, transform = transform
        ParallelLoop.forEach(count * channels, grain: 4) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: m * m + m * WinogradTransform.tile) { buffer in
                let tile = buffer.baseAddress!, scratch = tile + m * m
                for item in range {
                    let i = item / channels, o = item % channels
                    let plane = y + item * height * width
                    let source = product + o * columns + i * tiles.perImage
                    let b = bias?[o] ?? 0
                    for ty in 0..<tiles.high {
                        for tx in 0..<tiles.wide {
                            transform.transformOutput(source + ty * tiles.wide + tx, stride: step, scratch: scratch, into: tile)
                            let rows = Swift.min(m, height - ty * m), cols = Swift.min(m, width - tx * m)
                            for u in 0..<rows {
                                let target = plane + (ty * m + u) * width + tx * m
                                for w in 0..<cols { target[w] = tile[u * m + w] + b }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `dw[o, c, a r + i, b r + j] += (Aᵀ S A)[i, j]` with the dual transform, S the
    /// summed products `[36, outputs, pieces * inputs]`; cells past k are dropped.
    func foldWeightGradient(_ sums: UnsafePointer<Float>, outputs: Int, inputs: Int, into dw: UnsafeMutablePointer<Float>) {
        let rows = pieceCount * inputs, step = outputs * rows
        let k = kernel, r = r, pieces = pieces, dual = dual
        ParallelLoop.forEach(outputs * rows, grain: 64) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: r * r + r * WinogradTransform.tile) { buffer in
                let tile = buffer.baseAddress!, scratch = tile + r * r
                for item in range {
                    let o = item / rows, row = item % rows
                    let top = row / inputs / pieces * r, left = row / inputs % pieces * r
                    dual.transformOutput(sums + item, stride: step, scratch: scratch, into: tile)
                    let target = dw + (o * inputs + row % inputs) * k * k
                    for i in 0..<Swift.min(r, k - top) {
                        for j in 0..<Swift.min(r, k - left) { target[(top + i) * k + left + j] += tile[i * r + j] }
                    }
                }
            }
        }
    }
}
