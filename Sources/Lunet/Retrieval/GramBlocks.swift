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

        /// The same pairs seen from the columns: `body(j, is, line)` for each
        /// column `j`, with the rows `is` that pair with it (`i < j`, and `i <
        /// rowEnd(j)`) and `line[i - rows.lowerBound]` their products. In
        /// parallel over tiles of `tile` columns, each tile first transposed
        /// into its task's scratch (`[tile, rows]`), so that a column is read in
        /// memory order while what `body` keeps for `j` stays in cache; `body`
        /// may write what belongs to column `j`. `rowEnd` must not decrease with `j`.
        func forEachColumn(tile: Int, rowEnd: (Int) -> Int, _ body: (Int, Range<Int>, UnsafePointer<Float>) -> Void) {
            let block = self, (top, height) = (rows.lowerBound, rows.count)
            // Rows (class-ordered) before this end pair with column j.
            func end(_ j: Int) -> Int { Swift.min(rowEnd(j), block.isDiagonal ? j : block.rows.upperBound) }
            GramBlocks.forEachInterleaved((columns.count + tile - 1) / tile, perTask: { [Float](repeating: 0, count: tile * height + 1) }) { t, scratch in
                let first = block.columns.lowerBound + t * tile
                let tileColumns = first..<Swift.min(first + tile, block.columns.upperBound)
                let used = Swift.max(0, end(tileColumns.upperBound - 1) - top)
                guard used > 0 else { return }
                scratch.withUnsafeMutableBufferPointer { scratch in
                    let out = scratch.baseAddress!
                    for r0 in stride(from: 0, to: used, by: 16) {
                        for j in tileColumns {
                            let column = block.products + (j - block.columns.lowerBound), line = out + (j - first) * height
                            for r in r0..<Swift.min(r0 + 16, used) { line[r] = column[r * block.ldc] }
                        }
                    }
                    for j in tileColumns where end(j) > top {
                        body(j, top..<end(j), out + (j - first) * height)
                    }
                }
            }
        }
    }

    /// `body(k)` for every `k` in `0..<count`, in parallel, each task taking
    /// every few items in turn, so that work growing with `k` (the triangle
    /// of a diagonal block) is shared evenly.
    static func forEachInterleaved(_ count: Int, _ body: (Int) -> Void) {
        forEachInterleaved(count, perTask: { () }) { k, _ in body(k) }
    }

    /// The same, with a value each task makes once (its scratch memory).
    static func forEachInterleaved<Local>(_ count: Int, perTask: () -> Local, _ body: (Int, inout Local) -> Void) {
        let stripes = 4 * ParallelLoop.workers
        ParallelLoop.forEach(Swift.min(stripes, count)) { range in
            var local = perTask()
            for stripe in range {
                for k in stride(from: stripe, to: count, by: stripes) { body(k, &local) }
            }
        }
    }
}
