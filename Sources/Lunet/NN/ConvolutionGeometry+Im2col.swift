extension ConvolutionGeometry {
    /// Writes row `r` (channel `c`, kernel cell `ki, kj`) of one image's patch
    /// matrix: `col[oh * outputWidth + ow] = image[c, oh*s - padTop + ki, ow*s - padLeft + kj]`,
    /// zero where that falls in the padding. `image` is `[channels, height, width]`.
    @inline(__always)
    func im2colRow(_ r: Int, image: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>) {
        let kw = kernel.width, kh = kernel.height
        let c = r / (kh * kw), ki = (r / kw) % kh, kj = r % kw
        let rows = validRows(ki), columns = validColumns(kj)
        let plane = image + c * inputPlane
        (col).update(repeating: 0, count: rows.lowerBound * outputWidth)
        for oh in rows {
            let dst = col + oh * outputWidth
            let src = plane + (oh * stride.height - padTop + ki) * width - padLeft + kj
            if columns.lowerBound > 0 { dst.update(repeating: 0, count: columns.lowerBound) }
            if stride.width == 1 {
                (dst + columns.lowerBound).update(from: src + columns.lowerBound, count: columns.count)
            } else {
                let step = stride.width
                for ow in columns { dst[ow] = src[ow * step] }
            }
            if columns.upperBound < outputWidth {
                (dst + columns.upperBound).update(repeating: 0, count: outputWidth - columns.upperBound)
            }
        }
        (col + rows.upperBound * outputWidth).update(repeating: 0, count: (outputHeight - rows.upperBound) * outputWidth)
    }

    /// The patch matrices of `count` images `[count, channels, height, width]`,
    /// side by side: `col[r, i * outputPlane + p]`, rows `rowStride` long.
    func im2col(images: UnsafePointer<Float>, count: Int, col: UnsafeMutablePointer<Float>, rowStride: Int) {
        let rows = patchSize
        ParallelLoop.forEach(count * rows, grain: 8) { range in
            for item in range {
                let i = item / rows, r = item % rows
                im2colRow(r, image: images + i * channels * inputPlane, col: col + r * rowStride + i * outputPlane)
            }
        }
    }

    /// Adds the patch-matrix gradient back onto the images it came from (the
    /// transpose of `im2col`): `gradImages` is `[count, channels, height, width]`.
    func col2im(col: UnsafePointer<Float>, rowStride: Int, count: Int, gradImages: UnsafeMutablePointer<Float>) {
        let kh = kernel.height, kw = kernel.width
        ParallelLoop.forEach(count * channels) { range in
            for item in range {
                let i = item / channels, c = item % channels
                let plane = gradImages + (i * channels + c) * inputPlane
                for ki in 0..<kh {
                    let rows = validRows(ki)
                    for kj in 0..<kw {
                        let r = (c * kh + ki) * kw + kj
                        let source = col + r * rowStride + i * outputPlane
                        let columns = validColumns(kj)
                        for oh in rows {
                            let dst = plane + (oh * stride.height - padTop + ki) * width - padLeft + kj
                            let src = source + oh * outputWidth
                            let step = stride.width
                            for ow in columns { dst[ow * step] += src[ow] }
                        }
                    }
                }
            }
        }
    }
}
