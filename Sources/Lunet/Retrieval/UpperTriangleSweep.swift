/// Walks the Gram matrix `A A^T` of `[n, dimension]` rows one block of its
/// upper triangle at a time: off-diagonal blocks by sgemm, diagonal ones by
/// ssyrk, so the whole costs about half a full product and memory stays at
/// one `[blockSize, blockSize]` block. Stops between blocks on Ctrl-C.
struct UpperTriangleSweep {
    var blockSize: Int

    /// One block: rows and columns (positions in `A`), inner products `[rows, ldc]`;
    /// on a diagonal block only entries with column > row are set.
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

        /// Calls `body(i, columns)` for every row `i` of the block, in parallel over
        /// rows, with the columns `j > i` of that row that the block holds.
        func forEachRow(_ body: (Int, Range<Int>) -> Void) {
            let block = self
            ParallelLoop.forEach(rows.count, grain: 16) { range in
                for r in range {
                    let i = block.rows.lowerBound + r
                    let start = block.isDiagonal ? i + 1 : block.columns.lowerBound
                    body(i, start..<block.columns.upperBound)
                }
            }
        }

        /// Calls `body(j, rows)` for every column `j`, in parallel over columns,
        /// with the rows `i < j` of that column that the block holds.
        func forEachColumn(_ body: (Int, Range<Int>) -> Void) {
            let block = self
            ParallelLoop.forEach(columns.count, grain: 16) { range in
                for c in range {
                    let j = block.columns.lowerBound + c
                    let end = block.isDiagonal ? j : block.rows.upperBound
                    body(j, block.rows.lowerBound..<end)
                }
            }
        }
    }

    func callAsFunction(_ a: UnsafePointer<Float>, rows n: Int, dimension d: Int, _ visit: (Block) -> Void) throws {
        let b = Swift.max(1, Swift.min(blockSize, n))
        guard n > 1 else { return }
        var products = [Float](repeating: 0, count: b * b)
        try products.withUnsafeMutableBufferPointer { p in
            let out = p.baseAddress!
            for r0 in stride(from: 0, to: n, by: b) {
                let r1 = Swift.min(r0 + b, n)
                for c0 in stride(from: r0, to: n, by: b) {
                    try Interruption.check()
                    let c1 = Swift.min(c0 + b, n)
                    if d == 0 {
                        out.update(repeating: 0, count: b * b)
                    } else if c0 == r0 {
                        BLAS.ssyrkUpper(n: r1 - r0, k: d, a: a + r0 * d, lda: d, c: out, ldc: b)
                    } else {
                        BLAS.sgemm(transposeB: true, m: r1 - r0, n: c1 - c0, k: d, a: a + r0 * d, lda: d,
                                   b: a + c0 * d, ldb: d, c: out, ldc: b)
                    }
                    visit(Block(rows: r0..<r1, columns: c0..<c1, products: UnsafePointer(out), ldc: b))
                }
            }
        }
    }
}
