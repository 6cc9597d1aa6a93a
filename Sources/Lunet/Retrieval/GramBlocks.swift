/// The Gram matrix `A A^T` of `[n, dimension]` rows, cut into square blocks of
/// `blockSize` rows and columns, computed one block at a time: off-diagonal
/// blocks by sgemm, diagonal ones by ssyrk (upper triangle only). Visiting the
/// blocks with column >= row covers every pair once, about half a full product.
struct GramBlocks {
    let a: UnsafePointer<Float>
    let rows: Int
    let dimension: Int
    let blockSize: Int

    init(_ a: UnsafePointer<Float>, rows: Int, dimension: Int, blockSize: Int) {
        self.a = a
        self.rows = rows
        self.dimension = dimension
        self.blockSize = Swift.max(1, Swift.min(blockSize, rows))
    }

    var blockCount: Int { (rows + blockSize - 1) / blockSize }

    func range(_ block: Int) -> Range<Int> { block * blockSize..<Swift.min((block + 1) * blockSize, rows) }

    func block(containing row: Int) -> Int { row / blockSize }

    /// Computes block `(row, column)` (`column >= row`) into `out` (`[blockSize, blockSize]`).
    func compute(_ row: Int, _ column: Int, into out: UnsafeMutablePointer<Float>) -> Block {
        let (r, c) = (range(row), range(column)), d = dimension
        if d == 0 {
            out.update(repeating: 0, count: blockSize * blockSize)
        } else if row == column {
            BLAS.ssyrkUpper(n: r.count, k: d, a: a + r.lowerBound * d, lda: d, c: out, ldc: blockSize)
        } else {
            BLAS.sgemm(transposeB: true, m: r.count, n: c.count, k: d, a: a + r.lowerBound * d, lda: d,
                       b: a + c.lowerBound * d, ldb: d, c: out, ldc: blockSize)
        }
        return Block(rows: r, columns: c, products: UnsafePointer(out), ldc: blockSize)
    }

    /// One computed block: rows and columns (positions in `A`) and their inner
    /// products `[rows, ldc]`; on a diagonal block only entries with column > row are set.
    struct Block {
        let rows: Range<Int>
        let columns: Range<Int>
        let products: UnsafePointer<Float>
        let ldc: Int
        var isDiagonal: Bool { rows == columns }

        @inline(__always)
        func product(_ i: Int, _ j: Int) -> Float {
            products[(i - rows.lowerBound) * ldc + (j - columns.lowerBound)]
        }

        /// Calls `body(i, js, line)` for each row `i`, with the columns `js` of the
        /// block that pair with it (`j > i`) and `line[j - columns.lowerBound]` the
        /// product of `i` and `j`; in parallel over rows: `body` may write what belongs to row `i`.
        func forEachRow(_ body: (Int, Range<Int>, UnsafePointer<Float>) -> Void) {
            let block = self
            ParallelLoop.forEach(rows.count, grain: 16) { range in
                for r in range {
                    let i = block.rows.lowerBound + r
                    let start = block.isDiagonal ? i + 1 : block.columns.lowerBound
                    if start < block.columns.upperBound { body(i, start..<block.columns.upperBound, block.products + r * block.ldc) }
                }
            }
        }

        /// The same pairs seen from the columns: `body(j, is, line)` with the rows
        /// `is` (`i < j`) and `line[i - rows.lowerBound]` their products, in
        /// parallel over columns: `body` may write what belongs to column `j`. The
        /// block is first transposed into `scratch` (`[ldc, ldc]`) so that each
        /// column is read in memory order.
        func forEachColumn(scratch: UnsafeMutablePointer<Float>, _ body: (Int, Range<Int>, UnsafePointer<Float>) -> Void) {
            let block = self, out = UncheckedSendable(scratch)
            let tile = 32, (height, width) = (rows.count, columns.count)
            ParallelLoop.forEach((width + tile - 1) / tile) { tiles in
                for c0 in stride(from: tiles.lowerBound * tile, to: Swift.min(tiles.upperBound * tile, width), by: tile) {
                    for r0 in stride(from: 0, to: height, by: tile) {
                        for c in c0..<Swift.min(c0 + tile, width) {
                            for r in r0..<Swift.min(r0 + tile, height) { out.value[c * block.ldc + r] = block.products[r * block.ldc + c] }
                        }
                    }
                }
            }
            ParallelLoop.forEach(width, grain: 16) { range in
                for c in range {
                    let j = block.columns.lowerBound + c
                    let end = block.isDiagonal ? j : block.rows.upperBound
                    if block.rows.lowerBound < end { body(j, block.rows.lowerBound..<end, UnsafePointer(out.value + c * block.ldc)) }
                }
            }
        }
    }
}
