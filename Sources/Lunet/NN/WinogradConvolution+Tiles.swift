/// The transforms between images and tiles. Each works on a block of whole
/// rows of tiles of one image and channel at a time: the tiles are gathered
/// into rows `[tile row, tile column, tile]` (one row per point of the tile,
/// the tiles along it), so both passes of a 2-d transform are combinations of
/// whole rows that the compiler vectorises, and the transformed rows are
/// contiguous in the chunk's `[n², rows, tiles]` layout.
extension WinogradConvolution {
    /// Tiles per block, at least: an 8 x 8 tile's two scratch blocks fill 32 KB.
    static let blockTiles = 64

    /// How the tiles of one image split into blocks of whole tile rows.
    struct Blocking {
        let tiles: Tiling
        /// Tile rows per block.
        let rowsPerBlock: Int
        /// Tiles per block, the stride of the scratch rows.
        var block: Int { rowsPerBlock * tiles.wide }

        init(_ tiles: Tiling) {
            self.tiles = tiles
            rowsPerBlock = Swift.max(1, WinogradConvolution.blockTiles / tiles.wide)
        }

        /// Runs `body(firstRow, rowCount)` for each block.
        @inline(__always)
        func forEach(_ body: (_ firstRow: Int, _ rowCount: Int) -> Void) {
            for firstRow in Swift.stride(from: 0, to: tiles.high, by: rowsPerBlock) {
                body(firstRow, Swift.min(rowsPerBlock, tiles.high - firstRow))
            }
        }
    }

    /// Scratch floats per worker: two blocks of n² rows and the n input lines of one tile row.
    private func scratchSize(_ blocking: Blocking) -> Int {
        let n = transform.tileSize
        return 2 * tileArea * blocking.block + n * ((blocking.tiles.wide - 1) * m + n)
    }

    /// `v[ξ, piece * channels + c, image * tiles + tile] = (Bᵀ d B)[ξ]`, d the n x n
    /// input patch of that tile shifted by the piece, zero outside the image.
    /// `x` is `[count, channels, height, width]`.
    func transformInput(_ x: UnsafePointer<Float>, count: Int, channels: Int, height: Int, width: Int,
                        padTop: Int, padLeft: Int, tiles: Tiling, into v: UnsafeMutablePointer<Float>) {
        let rows = pieceCount * channels, columns = count * tiles.perImage
        let r = r, pieces = pieces, blocking = Blocking(tiles)
        ParallelLoop.forEach(count * rows, grain: 4) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchSize(blocking)) { buffer in
                for item in range {
                    let i = item / rows, row = item % rows
                    let piece = row / channels, c = row % channels
                    transformPlane(x + (i * channels + c) * height * width, height: height, width: width,
                                   top: piece / pieces * r - padTop, left: piece % pieces * r - padLeft,
                                   matrix: transform.bt, blocking: blocking, scratch: buffer.baseAddress!,
                                   into: v + row * columns + i * tiles.perImage, step: rows * columns)
                }
            }
        }
    }

    /// The tiles of one plane: `out[ξ * step + tile] = (M d Mᵀ)[ξ]`, d the `size` x `size`
    /// patch of each tile (tiles m apart, the first at (`top`, `left`), zero outside the plane)
    /// and M `matrix` `[n, size]`.
    private func transformPlane(_ plane: UnsafePointer<Float>, height: Int, width: Int, top: Int, left: Int,
                                matrix: CoefficientMatrix, blocking: Blocking, scratch: UnsafeMutablePointer<Float>,
                                into out: UnsafeMutablePointer<Float>, step: Int) {
        let n = matrix.rows, size = matrix.columns, m = m, tiles = blocking.tiles, block = blocking.block
        let raw = scratch, mixed = raw + n * n * block, lines = mixed + n * n * block
        blocking.forEach { firstRow, rowCount in
            let length = rowCount * tiles.wide
            // raw[a, b, t]: the tile's input at (a, b), a and b < size; mixed[k, b, t], k < n.
            for tileRow in 0..<rowCount {
                Self.gatherTileRow(plane, height: height, width: width, top: (firstRow + tileRow) * m + top,
                                   left: left, size: size, step: m, wide: tiles.wide, lines: lines,
                                   into: raw + tileRow * tiles.wide, block: block)
            }
            for b in 0..<size {
                matrix.apply(raw + b * block, inputStride: size * block, into: mixed + b * block,
                             outputStride: size * block, count: length)
            }
            for k in 0..<n {
                matrix.apply(mixed + k * size * block, inputStride: block, into: raw + k * n * block,
                             outputStride: block, count: length)
            }
            Self.copyRows(raw, count: n * n, length: length, block: block, into: out + firstRow * tiles.wide, stride: step)
        }
    }

    /// One row of `wide` tiles of `size` x `size`, `step` apart, the first at (`top`, `left`)
    /// of `plane` `[height, width]` (zero outside), into `out[(a * size + b) * block + tile]`.
    /// `lines` holds `size` rows of the tiles' span.
    @inline(__always)
    static func gatherTileRow(_ plane: UnsafePointer<Float>, height: Int, width: Int, top: Int, left: Int, size: Int,
                              step: Int, wide: Int, lines: UnsafeMutablePointer<Float>,
                              into out: UnsafeMutablePointer<Float>, block: Int) {
        let span = (wide - 1) * step + size
        // Span columns inside the image.
        let first = Swift.max(0, -left), last = Swift.min(span, width - left)
        for a in 0..<size {
            let line = lines + a * span, y = top + a
            guard y >= 0, y < height, first < last else {
                line.update(repeating: 0, count: span)
                continue
            }
            line.update(repeating: 0, count: first)
            (line + first).update(from: plane + y * width + left + first, count: last - first)
            (line + last).update(repeating: 0, count: span - last)
        }
        for a in 0..<size {
            for b in 0..<size {
                let source = lines + a * span + b, target = out + (a * size + b) * block
                for tx in 0..<wide { target[tx] = source[tx &* step] }
            }
        }
    }

    /// `count` rows of `length` values from a block (rows `block` apart) to rows `stride` apart.
    /// The far rows of a chunk buffer are written once each, whole: passes of a
    /// transform over them would miss the cache (rows a multiple of 2 KB apart share sets).
    @inline(__always)
    static func copyRows(_ source: UnsafePointer<Float>, count: Int, length: Int, block: Int,
                         into target: UnsafeMutablePointer<Float>, stride: Int) {
        for row in 0..<count { (target + row * stride).update(from: source + row * block, count: length) }
    }

    /// `count` rows of `length` values `stride` apart into a block (rows `block` apart).
    @inline(__always)
    static func copyRows(_ source: UnsafePointer<Float>, stride: Int, count: Int, length: Int,
                         into target: UnsafeMutablePointer<Float>, block: Int) {
        for row in 0..<count { (target + row * block).update(from: source + row * stride, count: length) }
    }

    /// `d[ξ, o, image * tiles + tile] = (A g Aᵀ)[ξ]`, g the m x m tile of the output
    /// gradient `[count, channels, height, width]`, zero past its edge.
    func transformGradient(_ dy: UnsafePointer<Float>, count: Int, channels: Int, height: Int, width: Int,
                           tiles: Tiling, into d: UnsafeMutablePointer<Float>) {
        let columns = count * tiles.perImage, blocking = Blocking(tiles)
        ParallelLoop.forEach(count * channels, grain: 4) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchSize(blocking)) { buffer in
                for item in range {
                    let i = item / channels, o = item % channels
                    transformPlane(dy + item * height * width, height: height, width: width, top: 0, left: 0,
                                   matrix: transform.a, blocking: blocking, scratch: buffer.baseAddress!,
                                   into: d + o * columns + i * tiles.perImage, step: channels * columns)
                }
            }
        }
    }

    /// `dx[i, c] = Σ` over pieces and tiles of `B dv Bᵀ`, placed at the tile's input patch
    /// (clipped to the image); `dv` is `[n², pieces * channels, count * tiles]`, `dx` `[count, channels, height, width]`.
    /// One worker per image and channel, so overlapping patches add up without races.
    func foldInputGradient(_ dv: UnsafePointer<Float>, count: Int, channels: Int, height: Int, width: Int,
                           padTop: Int, padLeft: Int, tiles: Tiling, into dx: UnsafeMutablePointer<Float>) {
        let rows = pieceCount * channels, columns = count * tiles.perImage, step = rows * columns
        let n = transform.tileSize, m = m, r = r, pieces = pieces, pieceCount = pieceCount, b = transform.b
        let blocking = Blocking(tiles), block = blocking.block
        ParallelLoop.forEach(count * channels, grain: 4) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchSize(blocking)) { buffer in
                let raw = buffer.baseAddress!, mixed = raw + n * n * block, lines = mixed + n * n * block
                for item in range {
                    let i = item / channels, c = item % channels
                    let plane = dx + item * height * width
                    plane.update(repeating: 0, count: height * width)
                    for piece in 0..<pieceCount {
                        let top = piece / pieces * r - padTop, left = piece % pieces * r - padLeft
                        let source = dv + (piece * channels + c) * columns + i * tiles.perImage
                        blocking.forEach { firstRow, rowCount in
                            let length = rowCount * tiles.wide
                            Self.copyRows(source + firstRow * tiles.wide, stride: step, count: n * n, length: length,
                                          into: raw, block: block)
                            for column in 0..<n {
                                b.apply(raw + column * block, inputStride: n * block, into: mixed + column * block,
                                        outputStride: n * block, count: length)
                            }
                            for row in 0..<n {
                                b.apply(mixed + row * n * block, inputStride: block, into: raw + row * n * block,
                                        outputStride: block, count: length)
                            }
                            for tileRow in 0..<rowCount {
                                Self.addTileRow(raw + tileRow * tiles.wide, block: block, size: n, step: m, wide: tiles.wide,
                                                lines: lines, into: plane, height: height, width: width,
                                                top: (firstRow + tileRow) * m + top, left: left)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The inverse of `gatherTileRow`: adds one row of `wide` tiles `values[(a * size + b) * block + tile]`
    /// into `plane` at (`top`, `left`), tiles `step` apart, dropping what falls outside.
    @inline(__always)
    static func addTileRow(_ values: UnsafePointer<Float>, block: Int, size: Int, step: Int, wide: Int,
                           lines: UnsafeMutablePointer<Float>, into plane: UnsafeMutablePointer<Float>,
                           height: Int, width: Int, top: Int, left: Int) {
        let span = (wide - 1) * step + size
        lines.update(repeating: 0, count: size * span)
        for a in 0..<size {
            for b in 0..<size {
                let source = values + (a * size + b) * block, target = lines + a * span + b
                for tx in 0..<wide { target[tx &* step] += source[tx] }
            }
        }
        let first = Swift.max(0, -left), last = Swift.min(span, width - left)
        guard first < last else { return }
        for a in 0..<size {
            let y = top + a
            guard y >= 0, y < height else { continue }
            let line = lines + a * span, target = plane + y * width + left
            for x in first..<last { target[x] += line[x] }
        }
    }

    /// `u[ξ, o, piece * inputs + c] = (G f Gᵀ)[ξ]`, f the piece of kernel `[outputs, inputs, k, k]`, zero past k.
    func transformFilter(_ weight: UnsafePointer<Float>, outputs: Int, inputs: Int, into u: UnsafeMutablePointer<Float>) {
        let rows = pieceCount * inputs, step = outputs * rows
        let k = kernel, r = r, pieces = pieces, transform = transform
        ParallelLoop.forEach(outputs * rows, grain: 64) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: r * r + transform.tileSize * r) { buffer in
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
                    transform.transformFilter(piece, rowStride: r, scratch: scratch, into: u + o * rows + row, outStride: step)
                }
            }
        }
    }

    /// `y[i, o] = Aᵀ M A + bias[o]` per tile, clipped to the output; `product` is
    /// `[n², channels, count * tiles]`, `y` `[count, channels, height, width]`.
    func transformOutput(_ product: UnsafePointer<Float>, count: Int, channels: Int, height: Int, width: Int,
                         tiles: Tiling, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
        let columns = count * tiles.perImage, step = channels * columns
        let n = transform.tileSize, m = m, at = transform.at
        let blocking = Blocking(tiles), block = blocking.block
        ParallelLoop.forEach(count * channels, grain: 4) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchSize(blocking)) { buffer in
                let tile = buffer.baseAddress!, mixed = tile + n * n * block
                for item in range {
                    let i = item / channels, o = item % channels
                    let plane = y + item * height * width
                    let source = product + o * columns + i * tiles.perImage
                    let b = bias?[o] ?? 0
                    blocking.forEach { firstRow, rowCount in
                        let first = firstRow * tiles.wide, length = rowCount * tiles.wide
                        // tile[k, l, t] the products; mixed[u, l, t], u < m; then tile[u, w, t].
                        Self.copyRows(source + first, stride: step, count: n * n, length: length, into: tile, block: block)
                        for l in 0..<n {
                            at.apply(tile + l * block, inputStride: n * block, into: mixed + l * block,
                                     outputStride: n * block, count: length)
                        }
                        for u in 0..<m {
                            at.apply(mixed + u * n * block, inputStride: block, into: tile + u * m * block,
                                     outputStride: block, count: length)
                        }
                        for tileRow in 0..<rowCount {
                            let ty = firstRow + tileRow
                            for u in 0..<Swift.min(m, height - ty * m) {
                                let target = plane + (ty * m + u) * width
                                for w in 0..<m {
                                    let values = tile + (u * m + w) * block + tileRow * tiles.wide
                                    // Columns w, w + m, ... of this output row; the last tile may stop short.
                                    let inside = (width - w + m - 1) / m
                                    for tx in 0..<Swift.min(tiles.wide, inside) { target[tx &* m &+ w] = values[tx] + b }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `dw[o, c, a r + i, b r + j] += (Aᵀ S A)[i, j]` with the dual transform, S the
    /// summed products `[n², outputs, pieces * inputs]`; cells past k are dropped.
    func foldWeightGradient(_ sums: UnsafePointer<Float>, outputs: Int, inputs: Int, into dw: UnsafeMutablePointer<Float>) {
        let rows = pieceCount * inputs, step = outputs * rows
        let k = kernel, r = r, pieces = pieces, dual = dual
        ParallelLoop.forEach(outputs * rows, grain: 64) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: r * r + r * dual.tileSize) { buffer in
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
