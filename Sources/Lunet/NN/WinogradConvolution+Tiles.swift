/// The transforms between images and tiles. Each works on a block of tiles at
/// a time: whole rows of tiles of one image and channel, or several whole
/// planes when a plane has fewer tiles than a block (Q1's 16 x 16 layers: 16
/// tiles). The tiles are gathered into rows `[plane, tile row, tile column]`
/// (one row per point of the tile, the tiles along it), so both passes of a 2-d
/// transform are combinations of whole rows that the compiler vectorises, and
/// each plane's transformed rows are contiguous in the chunk's `[n², rows, tiles]` layout.
extension WinogradConvolution {
    /// Tiles per block: at most this many, but never less than one tile row. An
    /// 8 x 8 tile's two scratch blocks fill 128 KB (L2). Measured on the seed
    /// layers, 128 and 256 run alike and 10-30% faster than 64.
    static let blockTiles = 256

    /// How planes of tiles split into blocks: whole tile rows of one plane, or
    /// whole planes. Short rows made the passes' per-row cost most of the work.
    struct Blocking {
        let tiles: Tiling
        /// Tile rows per block.
        let rowsPerBlock: Int
        /// Whole planes per block, more than one when a plane has fewer tiles than a block.
        let planesPerBlock: Int
        /// Tiles per block, the stride of the scratch rows.
        var block: Int { planesPerBlock * rowsPerBlock * tiles.wide }

        init(_ tiles: Tiling) {
            self.tiles = tiles
            rowsPerBlock = Swift.max(1, Swift.min(tiles.high, WinogradConvolution.blockTiles / tiles.wide))
            planesPerBlock = rowsPerBlock == tiles.high ? Swift.max(1, WinogradConvolution.blockTiles / tiles.perImage) : 1
        }

        /// Runs `body(group, firstRow, rowCount)` for each block of `planes`: rows
        /// `firstRow ..< firstRow + rowCount` of each plane in `group`, plane `p` from
        /// `(p - group.lowerBound) * rowCount * tiles.wide` in the block.
        @inline(__always)
        func forEach(_ planes: Range<Int>, _ body: (_ group: Range<Int>, _ firstRow: Int, _ rowCount: Int) -> Void) {
            if planesPerBlock > 1 {
                for first in Swift.stride(from: planes.lowerBound, to: planes.upperBound, by: planesPerBlock) {
                    body(first..<Swift.min(first + planesPerBlock, planes.upperBound), 0, tiles.high)
                }
                return
            }
            for p in planes {
                for firstRow in Swift.stride(from: 0, to: tiles.high, by: rowsPerBlock) {
                    body(p..<p + 1, firstRow, Swift.min(rowsPerBlock, tiles.high - firstRow))
                }
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
                transformPlanes(range, height: height, width: width, matrix: transform.bt, blocking: blocking,
                                scratch: buffer.baseAddress!, step: rows * columns) { item in
                    let i = item / rows, row = item % rows
                    let piece = row / channels, c = row % channels
                    return (x + (i * channels + c) * height * width, piece / pieces * r - padTop,
                            piece % pieces * r - padLeft, v + row * columns + i * tiles.perImage)
                }
            }
        }
    }

    /// The tiles of the planes `planes`, plane `p` given by `plane(p)` as its values `[height, width]`,
    /// the place of its first tile and its output: `out[ξ * step + tile] = (M d Mᵀ)[ξ]`, d the
    /// `size` x `size` patch of each tile (tiles m apart, the first at (`top`, `left`), zero
    /// outside the plane) and M `matrix` `[n, size]`.
    private func transformPlanes(
        _ planes: Range<Int>, height: Int, width: Int, matrix: CoefficientMatrix, blocking: Blocking,
        scratch: UnsafeMutablePointer<Float>, step: Int,
        plane: (Int) -> (UnsafePointer<Float>, top: Int, left: Int, out: UnsafeMutablePointer<Float>)
    ) {
        let n = matrix.rows, size = matrix.columns, m = m, tiles = blocking.tiles, block = blocking.block
        let raw = scratch, mixed = raw + n * n * block, lines = mixed + n * n * block
        blocking.forEach(planes) { group, firstRow, rowCount in
            let planeLength = rowCount * tiles.wide, length = group.count * planeLength
            // raw[a, b, t]: the tile's input at (a, b), a and b < size; mixed[k, b, t], k < n.
            for p in group {
                let (source, top, left, _) = plane(p), base = raw + (p - group.lowerBound) * planeLength
                for tileRow in 0..<rowCount {
                    Self.gatherTileRow(source, height: height, width: width, top: (firstRow + tileRow) * m + top,
                                       left: left, size: size, step: m, wide: tiles.wide, lines: lines,
                                       into: base + tileRow * tiles.wide, block: block)
                }
            }
            matrix.applyBothSides(raw, block: block, count: length, scratch: mixed, into: raw)
            for p in group {
                Self.copyRows(raw + (p - group.lowerBound) * planeLength, count: n * n, length: planeLength, block: block,
                              into: plane(p).out + firstRow * tiles.wide, stride: step)
            }
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
                transformPlanes(range, height: height, width: width, matrix: transform.a, blocking: blocking,
                                scratch: buffer.baseAddress!, step: channels * columns) { item in
                    let i = item / channels, o = item % channels
                    return (dy + item * height * width, 0, 0, d + o * columns + i * tiles.perImage)
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
                (dx + range.lowerBound * height * width).update(repeating: 0, count: range.count * height * width)
                // Plane by plane, the pieces in order: the sums do not depend on the blocking.
                for piece in 0..<pieceCount {
                    let top = piece / pieces * r - padTop, left = piece % pieces * r - padLeft
                    blocking.forEach(range) { group, firstRow, rowCount in
                        let planeLength = rowCount * tiles.wide, length = group.count * planeLength
                        for item in group {
                            let i = item / channels, c = item % channels
                            Self.copyRows(dv + (piece * channels + c) * columns + i * tiles.perImage + firstRow * tiles.wide,
                                          stride: step, count: n * n, length: planeLength,
                                          into: raw + (item - group.lowerBound) * planeLength, block: block)
                        }
                        b.applyBothSides(raw, block: block, count: length, scratch: mixed, into: raw)
                        for item in group {
                            let base = raw + (item - group.lowerBound) * planeLength
                            for tileRow in 0..<rowCount {
                                Self.addTileRow(base + tileRow * tiles.wide, block: block, size: n, step: m, wide: tiles.wide,
                                                lines: lines, into: dx + item * height * width, height: height, width: width,
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
                blocking.forEach(range) { group, firstRow, rowCount in
                    let planeLength = rowCount * tiles.wide, length = group.count * planeLength
                    // tile[k, l, t] the products; mixed[u, l, t], u < m; then tile[u, w, t].
                    for item in group {
                        let i = item / channels, o = item % channels
                        Self.copyRows(product + o * columns + i * tiles.perImage + firstRow * tiles.wide, stride: step,
                                      count: n * n, length: planeLength, into: tile + (item - group.lowerBound) * planeLength,
                                      block: block)
                    }
                    at.applyBothSides(tile, block: block, count: length, scratch: mixed, into: tile)
                    for item in group {
                        let plane = y + item * height * width, b = bias?[item % channels] ?? 0
                        let base = tile + (item - group.lowerBound) * planeLength
                        for tileRow in 0..<rowCount {
                            let ty = firstRow + tileRow
                            for u in 0..<Swift.min(m, height - ty * m) {
                                let target = plane + (ty * m + u) * width
                                for w in 0..<m {
                                    let values = base + (u * m + w) * block + tileRow * tiles.wide
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
}
