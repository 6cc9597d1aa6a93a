/// A stride-1 convolution with a square k x k kernel by Winograd F(m x m, r x r)
/// (Lavin & Gray 2016): n² multiplications per m x m output tile instead of m²k²,
/// on tiles of n = 6 or 8 points.
///
/// The kernel is cut into q x q pieces of r x r (zero past k); piece (a, b) reads
/// the input shifted by (a r, b r). The pieces join the channels of one product,
/// so for each of the n² tile positions ξ one sgemm `M[ξ] = U[ξ] V[ξ]` sums them:
/// `U` `[n², out, pieces * in]` (transformed filter), `V` `[n², pieces * in, tiles]`
/// (transformed input). The input gradient is the same correlation of the output
/// gradient's transform run backwards; the weight gradient is F(r, m), the output
/// gradient's tiles taking the filter's place.
///
/// Callers hold `Conv2d.workspaceLock`: the buffers are shared by every layer.
struct WinogradConvolution: ConvolutionAlgorithm, Equatable {
    let kernel: Int
    /// F(m, r) for the forward pass and the input gradient.
    let transform: WinogradTransform
    /// F(r, m) for the weight gradient: the output gradient tile (m) is the filter.
    let dual: WinogradTransform
    /// Pieces per side, `ceil(kernel / r)`.
    let pieces: Int
    /// Per ξ, the factor turning the input gradient's transform of dY into the weight gradient's (`backward`).
    let gradientScales: [Float]
    /// Cap on a chunk's transformed inputs or products, in floats (tests lower it to split small batches).
    var maximumChunkSize = Self.defaultChunkSize

    /// Transformed inputs of a chunk, `[n², pieces * channels, tiles]`.
    nonisolated(unsafe) private static let inputs = Workspace<Float>()
    /// Products of a chunk `[n², out, tiles]`, or transformed output gradients.
    nonisolated(unsafe) private static let products = Workspace<Float>()
    /// Transformed filter `[n², out, pieces * in]`.
    nonisolated(unsafe) private static let filters = Workspace<Float>()
    /// The weight gradient's sums `[n², out, pieces * in]`.
    nonisolated(unsafe) private static let weights = Workspace<Float>()
    /// 16 MB per chunk buffer: products of a few hundred columns (time per layer the same as with 32 MB, within noise).
    static let defaultChunkSize = 4 << 20

    /// F(m, r) on tiles of `tileSize` for a k x k kernel, in pieces of r.
    init(kernel: Int, tileSize: Int, filterSize r: Int) {
        precondition(kernel >= 2 && r >= 2 && r <= kernel)
        self.kernel = kernel
        transform = WinogradTransform(tileSize: tileSize, filterSize: r)
        dual = WinogradTransform(tileSize: tileSize, filterSize: transform.outputSize)
        pieces = (kernel + r - 1) / r
        gradientScales = Self.scales(of: dual.g, over: transform.a)
    }

    /// `s_j s_l` for each ξ = (j, l), where `G = diag(s) A` (both `[n, m]`): the dual
    /// filter transform is A with its rows scaled, by `1 / prod_{l != j}(p_j - p_l)`.
    private static func scales(of g: CoefficientMatrix, over a: CoefficientMatrix) -> [Float] {
        let s = (0..<a.rows).map { j in
            let k = (0..<a.columns).first { a[j, $0] != 0 }!
            return g[j, k] / a[j, k]
        }
        for j in 0..<a.rows {
            for k in 0..<a.columns {
                precondition(abs(g[j, k] - s[j] * a[j, k]) <= 1e-6 * Swift.max(1, abs(g[j, k])), "G = diag(s) A")
            }
        }
        return s.flatMap { sj in s.map { sj * $0 } }
    }

    /// The Winograd form with the fewest multiplications for a k x k kernel and
    /// an output of `height` x `width` (tiles past the edge count as work);
    /// 8-point tiles only when they save more than 5%, their transforms costing more.
    init(kernel: Int, outputHeight height: Int, outputWidth width: Int) {
        var best: (cost: Double, tile: Int, r: Int)?
        for n in [6, 8] {
            for r in 2...Swift.min(kernel, n - 1) {
                let m = n + 1 - r, q = (kernel + r - 1) / r
                let tiles = Double(((height + m - 1) / m) * ((width + m - 1) / m))
                var cost = Double(q * q * n * n) * tiles / Double(height * width)
                if n == 8 { cost /= 0.95 }
                if best == nil || cost < best!.cost { best = (cost, n, r) }
            }
        }
        self.init(kernel: kernel, tileSize: best!.tile, filterSize: best!.r)
    }

    /// Winograd for stride 1, square kernels of 3 to 8 and at least 8 input
    /// channels (fewer make products too thin to pay for the transforms); nil for im2col.
    static func choose(kernel: Size2D, stride: Size2D, inputChannels: Int, outputHeight: Int,
                       outputWidth: Int) -> WinogradConvolution? {
        guard stride == Size2D(square: 1), kernel.height == kernel.width, (3...8).contains(kernel.height),
              inputChannels >= 8 else { return nil }
        return WinogradConvolution(kernel: kernel.height, outputHeight: outputHeight, outputWidth: outputWidth)
    }

    /// A tile's transform mixes its values: one NaN spreads over the tile.
    var isExactOnNonFiniteValues: Bool { false }

    var description: String {
        let m = transform.outputSize, r = transform.filterSize
        return "Winograd F(\(m)x\(m), \(r)x\(r))" + (pieces > 1 ? " x \(pieces * pieces) pieces" : "")
    }

    var pieceCount: Int { pieces * pieces }
    var r: Int { transform.filterSize }
    var m: Int { transform.outputSize }
    var tileArea: Int { transform.tileArea }

    /// Tiles of m x m covering an output plane.
    struct Tiling {
        let high: Int
        let wide: Int
        var perImage: Int { high * wide }
        init(height: Int, width: Int, tile: Int) {
            high = (height + tile - 1) / tile
            wide = (width + tile - 1) / tile
        }
    }

    /// Images per chunk so the widest transformed buffer stays under the cap.
    func chunkSize(batch: Int, rows: Int, tiles: Tiling) -> Int {
        Swift.max(1, Swift.min(batch, maximumChunkSize / Swift.max(tileArea * rows * tiles.perImage, 1)))
    }

    // MARK: - Passes

    /// `y [batch, out, oh, ow]` of `x [batch, in, h, w]`, weight `[out, in, k, k]`.
    func forward(_ x: UnsafePointer<Float>, batch: Int, geometry g: ConvolutionGeometry, outputChannels: Int,
                 weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) throws {
        let filter = try Self.filters.reserve(tileArea * outputChannels * pieceCount * g.channels)
        transformFilter(weight, outputs: outputChannels, inputs: g.channels, into: filter)
        try correlate(x, batch: batch, channels: g.channels, height: g.height, width: g.width,
                  padTop: g.padTop, padLeft: g.padLeft, filter: filter, bias: bias,
                  into: y, outputChannels: outputChannels, outputHeight: g.outputHeight, outputWidth: g.outputWidth)
    }

    /// `dw [out, in, k, k] +=` the weight gradient and, with `dx`, `dx [batch, in, h, w] =`
    /// the input gradient, from `x [batch, in, h, w]` and `dy [batch, out, oh, ow]`.
    ///
    /// Both come from one transform of the output gradient per chunk, `Z = A dY Aᵀ`:
    /// - the weight gradient is F(r, m) with dY's tiles as the filter, and the dual
    ///   filter transform is `G = diag(s) A`, so its products are `s_j s_l Σ Z Vᵀ`
    ///   (one sgemm per ξ, summed over tiles);
    /// - the input gradient runs the forward transforms backwards: `dV = Uᵀ Z` per ξ,
    ///   then `B dV Bᵀ` added into the input patch of each tile and piece.
    func backward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, batch: Int, geometry g: ConvolutionGeometry,
                  outputChannels: Int, weight: UnsafePointer<Float>, weightGradient dw: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?) throws {
        let tiles = Tiling(height: g.outputHeight, width: g.outputWidth, tile: m)
        let rows = pieceCount * g.channels
        let chunk = chunkSize(batch: batch, rows: Swift.max(rows, outputChannels), tiles: tiles)
        let sums = try Self.weights.reserve(tileArea * outputChannels * rows)
        var filter: UnsafeMutablePointer<Float>?
        if dx != nil {
            filter = try Self.filters.reserve(tileArea * outputChannels * rows)
            transformFilter(weight, outputs: outputChannels, inputs: g.channels, into: filter!)
        }
        // v: the transformed input, then (ξ by ξ) the transformed input gradient.
        let v = try Self.inputs.reserve(tileArea * rows * chunk * tiles.perImage)
        let z = try Self.products.reserve(tileArea * outputChannels * chunk * tiles.perImage)
        let scales = gradientScales
        for start in Swift.stride(from: 0, to: batch, by: chunk) {
            let count = Swift.min(chunk, batch - start), columns = count * tiles.perImage
            transformGradient(dy + start * outputChannels * g.outputPlane, count: count, channels: outputChannels,
                              height: g.outputHeight, width: g.outputWidth, tiles: tiles, into: z)
            transformInput(x + start * g.channels * g.inputPlane, count: count, channels: g.channels,
                           height: g.height, width: g.width, padTop: g.padTop, padLeft: g.padLeft, tiles: tiles, into: v)
            forEachTilePosition { xi in
                let zx = z + xi * outputChannels * columns, vx = v + xi * rows * columns
                BLAS.sgemm(transposeB: true, m: outputChannels, n: rows, k: columns, alpha: scales[xi],
                           a: zx, lda: columns, b: vx, ldb: columns,
                           beta: start == 0 ? 0 : 1, c: sums + xi * outputChannels * rows, ldc: rows)
                guard let filter else { return }
                BLAS.sgemm(transposeA: true, m: rows, n: columns, k: outputChannels, a: filter + xi * outputChannels * rows,
                           lda: rows, b: zx, ldb: columns, c: vx, ldc: columns)
            }
            if let dx {
                foldInputGradient(v, count: count, channels: g.channels, height: g.height, width: g.width,
                                  padTop: g.padTop, padLeft: g.padLeft, tiles: tiles, into: dx + start * g.channels * g.inputPlane)
            }
        }
        foldWeightGradient(sums, outputs: outputChannels, inputs: g.channels, into: dw)
    }

    /// Runs `product(ξ)` for the n² tile positions, split over the cores, each
    /// product a single-threaded sgemm: the products are small, and OpenBLAS's own
    /// threads would spin for the cores between them while the transforms run.
    func forEachTilePosition(_ product: (Int) -> Void) {
        BLAS.singleThreaded {
            ParallelLoop.forEach(tileArea) { range in
                for xi in range { product(xi) }
            }
        }
    }

    // MARK: - Correlation in tiles

    /// `y [batch, outputChannels, outputHeight, outputWidth]` (overwritten) from
    /// `x [batch, channels, height, width]`, zero outside, output (0, 0) over input (-padTop, -padLeft).
    private func correlate(_ x: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
                           padTop: Int, padLeft: Int, filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                           into y: UnsafeMutablePointer<Float>, outputChannels: Int, outputHeight: Int, outputWidth: Int) throws {
        let tiles = Tiling(height: outputHeight, width: outputWidth, tile: m)
        let rows = pieceCount * channels
        let chunk = chunkSize(batch: batch, rows: Swift.max(rows, outputChannels), tiles: tiles)
        let v = try Self.inputs.reserve(tileArea * rows * chunk * tiles.perImage)
        let product = try Self.products.reserve(tileArea * outputChannels * chunk * tiles.perImage)
        for start in Swift.stride(from: 0, to: batch, by: chunk) {
            let count = Swift.min(chunk, batch - start), columns = count * tiles.perImage
            transformInput(x + start * channels * height * width, count: count, channels: channels,
                           height: height, width: width, padTop: padTop, padLeft: padLeft, tiles: tiles, into: v)
            forEachTilePosition { xi in
                BLAS.sgemm(m: outputChannels, n: columns, k: rows, a: filter + xi * outputChannels * rows, lda: rows,
                           b: v + xi * rows * columns, ldb: columns, c: product + xi * outputChannels * columns, ldc: columns)
            }
            transformOutput(product, count: count, channels: outputChannels, height: outputHeight, width: outputWidth,
                            tiles: tiles, bias: bias, into: y + start * outputChannels * outputHeight * outputWidth)
        }
    }
}
