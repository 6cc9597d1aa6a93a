/// Any convolution, through the batch in chunks: the chunk's patches are
/// unfolded into one matrix (im2col) and multiplied by the weight in one
/// `sgemm`; backward unfolds again for the weight gradient and folds the
/// patch gradient back (col2im) for the input gradient.
///
/// ```swift
/// let conv = try Conv2d(3, 96, kernel: Size2D(square: 4), stride: Size2D(square: 2))
/// try conv.algorithm(forInputShape: [100, 3, 64, 64])   // "im2col + sgemm"
/// ```
struct Im2colConvolution: ConvolutionAlgorithm {
    /// Patch matrix of a chunk, `[in * kh * kw, chunk * oh * ow]`; in backward also its gradient.
    /// Shared by every convolution: one buffer serves a whole network (150 MB
    /// less on the Babenko network than one per layer).
    nonisolated(unsafe) private static let columns = Workspace<Float>()
    /// Product of a chunk, `[out, chunk * oh * ow]` (forward output, backward gathered gradient).
    nonisolated(unsafe) private static let product = Workspace<Float>()
    /// Images per chunk aim for this many product columns, so small outputs still make wide products.
    static let targetColumns = 2048
    /// Cap on the patch matrix, in floats (32 MB).
    static let maximumColumnsSize = 8 << 20

    var description: String { "im2col + sgemm" }
    var isExactOnNonFiniteValues: Bool { true }

    /// Images per chunk for this geometry and batch.
    func chunkSize(_ g: ConvolutionGeometry, batch: Int) -> Int {
        let wanted = (Self.targetColumns + g.outputPlane - 1) / g.outputPlane
        let fitting = Self.maximumColumnsSize / Swift.max(g.patchSize * g.outputPlane, 1)
        return Swift.max(1, Swift.min(batch, wanted, fitting))
    }

    func forward(_ x: UnsafePointer<Float>, batch: Int, geometry g: ConvolutionGeometry, outputChannels: Int,
                 weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) throws {
        let chunk = chunkSize(g, batch: batch)
        let col = try Self.columns.reserve(g.patchSize * chunk * g.outputPlane)
        let out = try Self.product.reserve(outputChannels * chunk * g.outputPlane)
        for start in Swift.stride(from: 0, to: batch, by: chunk) {
            let count = Swift.min(chunk, batch - start)
            let width = count * g.outputPlane
            g.im2col(images: x + start * g.channels * g.inputPlane, count: count, col: col, rowStride: width)
            // A single image's product is already in output layout: write it in place.
            let target = count == 1 ? y + start * outputChannels * g.outputPlane : out
            BLAS.sgemm(m: outputChannels, n: width, k: g.patchSize, a: w, lda: g.patchSize, b: col, ldb: width, c: target, ldc: width)
            Self.scatter(target, into: y + start * outputChannels * g.outputPlane, count: count, channels: outputChannels,
                         plane: g.outputPlane, bias: bias)
        }
    }

    /// Per chunk: unfold the input again, `dW += dY col^T`, and with `dx`,
    /// `dcol = W^T dY` folded back into the input gradient.
    func backward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, batch: Int, geometry g: ConvolutionGeometry,
                  outputChannels: Int, weight w: UnsafePointer<Float>, weightGradient dw: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?) throws {
        let chunk = chunkSize(g, batch: batch)
        let col = try Self.columns.reserve(g.patchSize * chunk * g.outputPlane)
        let gathered = try Self.product.reserve(outputChannels * chunk * g.outputPlane)
        dx?.update(repeating: 0, count: batch * g.channels * g.inputPlane)  // col2im adds
        for start in Swift.stride(from: 0, to: batch, by: chunk) {
            let count = Swift.min(chunk, batch - start)
            let width = count * g.outputPlane
            let dyChunk = dy + start * outputChannels * g.outputPlane
            g.im2col(images: x + start * g.channels * g.inputPlane, count: count, col: col, rowStride: width)
            let grad: UnsafePointer<Float>
            if count == 1 {
                grad = dyChunk
            } else {
                Self.gather(dyChunk, into: gathered, count: count, channels: outputChannels, plane: g.outputPlane)
                grad = UnsafePointer(gathered)
            }
            BLAS.sgemm(transposeB: true, m: outputChannels, n: g.patchSize, k: width,
                       a: grad, lda: width, b: col, ldb: width, beta: 1, c: dw, ldc: g.patchSize)
            guard let dx else { continue }
            BLAS.sgemm(transposeA: true, m: g.patchSize, n: width, k: outputChannels,
                       a: w, lda: g.patchSize, b: grad, ldb: width, c: col, ldc: width)
            g.col2im(col: col, rowStride: width, count: count, gradImages: dx + start * g.channels * g.inputPlane)
        }
    }

    /// `[out, count * plane]` -> `[count, out, plane]`, adding the bias (in place when
    /// source and destination are the same single image).
    private static func scatter(_ source: UnsafeMutablePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                                count: Int, channels: Int, plane: Int, bias: UnsafePointer<Float>?) {
        ParallelLoop.forEach(count * channels, grain: 4) { range in
            for item in range {
                let i = item / channels, o = item % channels
                let src = source + o * count * plane + i * plane, dst = destination + (i * channels + o) * plane
                let b = bias?[o] ?? 0
                for p in 0..<plane { dst[p] = src[p] + b }
            }
        }
    }

    /// `[count, out, plane]` -> `[out, count * plane]`.
    private static func gather(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                               count: Int, channels: Int, plane: Int) {
        ParallelLoop.forEach(count * channels, grain: 4) { range in
            for item in range {
                let i = item / channels, o = item % channels
                (destination + o * count * plane + i * plane).update(from: source + (i * channels + o) * plane, count: plane)
            }
        }
    }
}
