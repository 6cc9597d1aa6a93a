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

        /// The products of row `i` with the columns from `j` on.
        @inline(__always)
        func line(_ i: Int, from j: Int) -> UnsafePointer<Float> {
            products + (i - rows.lowerBound) * ldc + (j - columns.lowerBound)
        }

        /// Calls `body(i, js)` for each row `i`, with the columns `js` of the
        /// block that pair with it (`j > i`); in parallel over rows: `body`
        /// may write what belongs to row `i`.
        func forEachRow(_ body: (Int, Range<Int>) -> Void) {
            let block = self
            GramBlocks.forEachInterleaved(rows.count) { r in
                let i = block.rows.lowerBound + r
                let start = block.isDiagonal ? i + 1 : block.columns.lowerBound
                if start < block.columns.upperBound { body(i, start..<block.columns.upperBound) }
            }
        }

        /// The same pairs seen from the columns, without transposing the block:
        /// calls `body(js, is)` for each tile `js` of up to `width` columns
        /// with the rows `is` that pair with some of them (`i < j`); in
        /// parallel over tiles: `body` may write what belongs to the tile's columns.
        func forEachColumnTile(width: Int, _ body: (Range<Int>, Range<Int>) -> Void) {
            let block = self
            GramBlocks.forEachInterleaved((columns.count + width - 1) / width) { t in
                let first = block.columns.lowerBound + t * width
                let tile = first..<Swift.min(first + width, block.columns.upperBound)
                let end = block.isDiagonal ? tile.upperBound - 1 : block.rows.upperBound
                if block.rows.lowerBound < end { body(tile, block.rows.lowerBound..<end) }
            }
        }
    }

    /// `body(k)` for every `k` in `0..<count`, in parallel, each task taking
    /// every few items in turn, so that work growing with `k` (the triangle
    /// of a diagonal block) is shared evenly.
    static func forEachInterleaved(_ count: Int, _ body: (Int) -> Void) {
        let stripes = 4 * ParallelLoop.workers
        ParallelLoop.forEach(Swift.min(stripes, count)) { range in
            for stripe in range {
                for k in stride(from: stripe, to: count, by: stripes) { body(k) }
            }
        }
    }
}
