/// A convolution as one sgemm per output row, over a copy of each image
/// unfolded along its width only: `u[row, c, kj, ow] = x[c, row - padTop, ow sw + kj - padLeft]`
/// (zero outside), `[rows, in, kw, ow]`. Output row `oh` reads the kh x in x kw
/// consecutive rows of `u` from row `oh sh`, which are that row's patches: what
/// im2col copies kh times over, read in place. With the weight permuted to
/// `[out, kh, in, kw]`, `y[:, oh, :] = W u[oh sh ..< oh sh + kh]`.
///
/// For few input channels and large kernels, where the products are thin and
/// im2col's patch matrix (kh kw copies of the input) is most of the time:
/// Koch's first layer (1 -> 64, 10 x 10 on 105 x 105).
///
/// ```swift
/// let conv = try Conv2d(1, 64, kernel: Size2D(square: 10))
/// try conv.algorithm(forInputShape: [96, 1, 105, 105])   // "row unfold + sgemm"
/// ```
struct RowUnfoldConvolution: ConvolutionAlgorithm {
    /// Per group of images, the unfolded image `[rows, in, kw, ow]`; in backward also its
    /// gradient and a block of output rows' patches.
    nonisolated(unsafe) private static let unfolded = Workspace<Float>()
    /// The permuted weight `[out, kh, in, kw]`, then each group's weight gradient in that layout.
    nonisolated(unsafe) private static let weights = Workspace<Float>()
    /// Images split into this many contiguous groups, whatever the core count, so the
    /// weight gradient's sums (group by group, in order) do not depend on the machine.
    static let groupCount = 8
    /// Cap on all groups' buffers together, in floats (64 MB): large images take fewer groups.
    static let maximumWorkspaceSize = 16 << 20
    /// Columns (output pixels) of the weight gradient's products: one output row's
    /// (96 on Koch's first layer) made them too thin to run at speed.
    static let patchColumns = 768

    var description: String { "row unfold + sgemm" }
    var isExactOnNonFiniteValues: Bool { true }

    /// Groups for a batch whose groups need `perGroup` floats each: up to `groupCount`,
    /// fewer to stay under `maximumWorkspaceSize`, but two (both cores) whatever the size.
    /// A function of the sizes alone, never of the machine.
    static func groups(batch: Int, perGroup: Int) -> Int {
        Swift.min(batch, Swift.max(2, Swift.min(groupCount, maximumWorkspaceSize / Swift.max(perGroup, 1))))
    }

    /// Sizes of the unfolded image for one geometry.
    struct Shape {
        /// Padded rows read, the last output row's patch included.
        let rows: Int
        /// Floats per unfolded row: `in * kw * ow`.
        let rowLength: Int
        /// Rows of one output row's product: `kh * in * kw`.
        let depth: Int

        init(_ g: ConvolutionGeometry) {
            rows = (g.outputHeight - 1) * g.stride.height + g.kernel.height
            rowLength = g.channels * g.kernel.width * g.outputWidth
            depth = g.kernel.height * g.channels * g.kernel.width
        }

        var size: Int { rows * rowLength }
    }

    func forward(_ x: UnsafePointer<Float>, batch: Int, geometry g: ConvolutionGeometry, outputChannels: Int,
                 weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) throws {
        let shape = Shape(g), groups = Self.groups(batch: batch, perGroup: shape.size), plane = g.outputPlane
        let u = try Self.unfolded.reserve(groups * shape.size)
        let w = try Self.weights.reserve(outputChannels * shape.depth)
        Self.permute(weight, outputs: outputChannels, geometry: g, into: w)
        Self.forEachGroup(groups, batch: batch) { group, images in
            let buffer = u + group * shape.size
            for i in images {
                g.unfoldRows(x + i * g.channels * g.inputPlane, into: buffer)
                let image = y + i * outputChannels * plane
                for oh in 0..<g.outputHeight {
                    BLAS.sgemm(m: outputChannels, n: g.outputWidth, k: shape.depth, a: w, lda: shape.depth,
                               b: buffer + oh * g.stride.height * shape.rowLength, ldb: g.outputWidth,
                               c: image + oh * g.outputWidth, ldc: plane)
                }
                guard let bias else { continue }
                for o in 0..<outputChannels {
                    let values = image + o * plane, b = bias[o]
                    for p in 0..<plane { values[p] += b }
                }
            }
        }
    }

    /// Per group of images: the weight gradient summed image by image into the group's sum
    /// (`addWeightGradient`), and with `dx` each image's input gradient; then the groups' sums
    /// added to `dw` in order.
    func backward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, batch: Int, geometry g: ConvolutionGeometry,
                  outputChannels: Int, weight: UnsafePointer<Float>, weightGradient dw: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?) throws {
        let shape = Shape(g), plane = g.outputPlane, filters = outputChannels * shape.depth
        let blockRows = Swift.max(1, Swift.min(g.outputHeight, Self.patchColumns / g.outputWidth))
        let patchSize = shape.depth * blockRows * g.outputWidth
        let perGroup = shape.size + patchSize + (dx == nil ? 0 : shape.size)
        let groups = Self.groups(batch: batch, perGroup: perGroup)
        let u = try Self.unfolded.reserve(groups * perGroup)
        let w = try Self.weights.reserve(filters * (1 + groups)), sums = w + filters
        if dx != nil { Self.permute(weight, outputs: outputChannels, geometry: g, into: w) }
        Self.forEachGroup(groups, batch: batch) { group, images in
            let buffer = u + group * perGroup, patches = buffer + shape.size, gradient = patches + patchSize
            let sum = sums + group * filters
            sum.update(repeating: 0, count: filters)
            for i in images {
                g.unfoldRows(x + i * g.channels * g.inputPlane, into: buffer)
                let image = dy + i * outputChannels * plane
                Self.addWeightGradient(image, unfolded: buffer, geometry: g, outputChannels: outputChannels,
                                       blockRows: blockRows, patches: patches, into: sum)
                guard let dx else { continue }
                Self.inputGradient(image, weight: w, geometry: g, outputChannels: outputChannels, scratch: gradient,
                                   into: dx + i * g.channels * g.inputPlane)
            }
        }
        for group in 0..<groups {
            Self.addPermuted(sums + group * filters, outputs: outputChannels, geometry: g, into: dw)
        }
    }

    /// `sum [out, depth] += dY P ᵀ` for one image's output gradient `dY [out, oh, ow]`, P its
    /// patches `[depth, oh * ow]` copied from the unfolded image `blockRows` output rows at a time
    /// into `patches`: one row's product (ow columns) was too thin to run at speed.
    private static func addWeightGradient(_ dy: UnsafePointer<Float>, unfolded u: UnsafePointer<Float>,
                                          geometry g: ConvolutionGeometry, outputChannels: Int, blockRows: Int,
                                          patches: UnsafeMutablePointer<Float>, into sum: UnsafeMutablePointer<Float>) {
        let shape = Shape(g), ow = g.outputWidth
        for first in Swift.stride(from: 0, to: g.outputHeight, by: blockRows) {
            let rows = Swift.min(blockRows, g.outputHeight - first), width = rows * ow
            // patches[j, r * ow + w] = u[(first + r) sh rows + j, w].
            for r in 0..<rows {
                let source = u + (first + r) * g.stride.height * shape.rowLength
                for j in 0..<shape.depth { (patches + j * width + r * ow).update(from: source + j * ow, count: ow) }
            }
            BLAS.sgemm(transposeB: true, m: outputChannels, n: shape.depth, k: width, a: dy + first * ow,
                       lda: g.outputPlane, b: patches, ldb: width, beta: 1, c: sum, ldc: shape.depth)
        }
    }

    /// One image's input gradient `dx [in, h, w]` from its output gradient `dY [out, oh, ow]`:
    /// `du[oh rows] += Wᵀ dY[:, oh, :]` row by row into `scratch` (an unfolded image), folded back.
    private static func inputGradient(_ dy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, geometry g: ConvolutionGeometry,
                                      outputChannels: Int, scratch du: UnsafeMutablePointer<Float>,
                                      into dx: UnsafeMutablePointer<Float>) {
        let shape = Shape(g)
        du.update(repeating: 0, count: shape.size)
        for oh in 0..<g.outputHeight {
            BLAS.sgemm(transposeA: true, m: shape.depth, n: g.outputWidth, k: outputChannels,
                       a: w, lda: shape.depth, b: dy + oh * g.outputWidth, ldb: g.outputPlane,
                       beta: 1, c: du + oh * g.stride.height * shape.rowLength, ldc: g.outputWidth)
        }
        g.foldRows(du, into: dx)
    }

    /// `body(group, images)` for `groups` contiguous groups of the batch, over the
    /// cores, each product a single-threaded sgemm (they are small: one output row).
    private static func forEachGroup(_ groups: Int, batch: Int, _ body: (Int, Range<Int>) -> Void) {
        BLAS.singleThreaded {
            ParallelLoop.forEach(groups) { range in
                for group in range { body(group, batch * group / groups..<batch * (group + 1) / groups) }
            }
        }
    }

    /// `w [out, in, kh, kw]` -> `[out, kh, in, kw]`.
    private static func permute(_ weight: UnsafePointer<Float>, outputs: Int, geometry g: ConvolutionGeometry,
                                into w: UnsafeMutablePointer<Float>) {
        forEachKernelRow(outputs: outputs, geometry: g) { permuted, original in
            (w + permuted).update(from: weight + original, count: g.kernel.width)
        }
    }

    /// `dw [out, in, kh, kw] +=` a gradient in the permuted layout `[out, kh, in, kw]`.
    private static func addPermuted(_ sum: UnsafePointer<Float>, outputs: Int, geometry g: ConvolutionGeometry,
                                    into dw: UnsafeMutablePointer<Float>) {
        forEachKernelRow(outputs: outputs, geometry: g) { permuted, original in
            for kj in 0..<g.kernel.width { dw[original + kj] += sum[permuted + kj] }
        }
    }

    /// `body(permuted, original)`: the offsets of each kernel row (kw values) in the
    /// permuted layout `[out, kh, in, kw]` and in the weight's `[out, in, kh, kw]`.
    private static func forEachKernelRow(outputs: Int, geometry g: ConvolutionGeometry, _ body: (Int, Int) -> Void) {
        let kh = g.kernel.height, kw = g.kernel.width, c = g.channels
        for o in 0..<outputs {
            for ki in 0..<kh {
                for ci in 0..<c { body(((o * kh + ki) * c + ci) * kw, ((o * c + ci) * kh + ki) * kw) }
            }
        }
    }
}

extension ConvolutionGeometry {
    /// One image `[channels, height, width]` unfolded along its width,
    /// `u[row, c, kj, ow] = image[c, row - padTop, ow * stride + kj - padLeft]`, zero outside.
    func unfoldRows(_ image: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let shape = RowUnfoldConvolution.Shape(self), kw = kernel.width, step = stride.width
        for row in 0..<shape.rows {
            let y = row - padTop
            guard y >= 0, y < height else {
                (u + row * shape.rowLength).update(repeating: 0, count: shape.rowLength)
                continue
            }
            for c in 0..<channels {
                for kj in 0..<kw {
                    let target = u + ((row * channels + c) * kw + kj) * outputWidth
                    let columns = validColumns(kj)
                    target.update(repeating: 0, count: columns.lowerBound)
                    let source = image + (c * height + y) * width + kj - padLeft
                    if step == 1 {
                        (target + columns.lowerBound).update(from: source + columns.lowerBound, count: columns.count)
                    } else {
                        for ow in columns { target[ow] = source[ow * step] }
                    }
                    (target + columns.upperBound).update(repeating: 0, count: outputWidth - columns.upperBound)
                }
            }
        }
    }

    /// The transpose of `unfoldRows`: `image [channels, height, width] =` the sum of
    /// the unfolded gradient's values over the places each pixel was copied to.
    func foldRows(_ u: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let shape = RowUnfoldConvolution.Shape(self), kw = kernel.width, step = stride.width
        image.update(repeating: 0, count: channels * inputPlane)
        for row in 0..<shape.rows {
            let y = row - padTop
            guard y >= 0, y < height else { continue }
            for c in 0..<channels {
                for kj in 0..<kw {
                    let source = u + ((row * channels + c) * kw + kj) * outputWidth
                    let target = image + (c * height + y) * width + kj - padLeft
                    for ow in validColumns(kj) { target[ow * step] += source[ow] }
                }
            }
        }
    }
}
