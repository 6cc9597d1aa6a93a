import Foundation

/// Resampling of one image `[channels, height, width]` under an affine map,
/// and the colour changes of augmentation, on raw buffers (the batch's
/// images are disjoint slices, warped in parallel).
enum ImageWarp {
    /// What a sample outside the image reads: a constant, or the nearest edge pixel.
    enum Border: Equatable, Sendable {
        case constant(Float)
        case edge
    }

    /// `dst` is `src` moved by `map`: the output pixel at `p` is the input
    /// sampled bilinearly at `inverse(p)`. Whole-pixel shifts and flips copy
    /// finite values exactly (the bilinear weights are then 0 and 1).
    static func warp(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, channels: Int, height: Int, width: Int,
                     inverse: AffineMap, border: Border) {
        let plane = height * width
        if inverse.isIdentity {
            dst.update(from: src, count: channels * plane)
            return
        }
        for y in 0..<height {
            // Source coordinates of pixel (0, y), and their step along the row.
            var sx = inverse.b * Double(y) + inverse.tx
            var sy = inverse.d * Double(y) + inverse.ty
            let row = dst + y * width
            for x in 0..<width {
                // All four neighbours inside: the common case, without border checks. The
                // coordinates are then non-negative, so truncation is floor (no libm call).
                if sx >= 0, sy >= 0, sx < Double(width - 1), sy < Double(height - 1) {
                    let x0 = Int(sx), y0 = Int(sy)
                    let wx = Float(sx - Double(x0)), wy = Float(sy - Double(y0))
                    let p = src + (y0 &* width &+ x0), out = row + x
                    if channels == 1 {
                        out.pointee = bilinear(p, width, wx, wy)
                    } else {
                        for k in 0..<channels { out[k &* plane] = bilinear(p + k &* plane, width, wx, wy) }
                    }
                } else {
                    sample(src, row + x, channels: channels, height: height, width: width, at: (sx, sy), border: border)
                }
                sx += inverse.a
                sy += inverse.c
            }
        }
    }

    /// The bilinear blend of `p[0]`, `p[1]`, `p[width]`, `p[width + 1]`; exact for weights 0.
    @inline(__always)
    private static func bilinear(_ p: UnsafePointer<Float>, _ width: Int, _ wx: Float, _ wy: Float) -> Float {
        let top = p[0] + wx * (p[1] - p[0])
        let bottom = p[width] + wx * (p[width &+ 1] - p[width])
        return top + wy * (bottom - top)
    }

    /// Writes, for each channel, the bilinear sample of `src` at `point` to
    /// `out[channel * height * width]`. With `.edge` the point is clamped
    /// into the image, which is the bilinear sample of the edge-extended image.
    @inline(__always)
    private static func sample(_ src: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, channels: Int, height: Int, width: Int,
                               at point: (x: Double, y: Double), border: Border) {
        let plane = height * width
        var (px, py) = point
        var fill: Float = 0
        switch border {
        case .edge:
            px = Swift.min(Swift.max(px, 0), Double(width - 1))
            py = Swift.min(Swift.max(py, 0), Double(height - 1))
        case .constant(let value):
            fill = value
        }
        guard px > -1, py > -1, px < Double(width), py < Double(height) else {
            for k in 0..<channels { out[k * plane] = fill }
            return
        }
        // floor, for coordinates in (-1, size)
        let x0 = px < 0 ? -1 : Int(px), y0 = py < 0 ? -1 : Int(py)
        let wx = Float(px - Double(x0)), wy = Float(py - Double(y0))
        let inX = (x0 >= 0, x0 + 1 < width), inY = (y0 >= 0, y0 + 1 < height)
        for k in 0..<channels {
            let p = src + k * plane
            // A neighbour of zero weight is never read (it may lie past the last row or column).
            @inline(__always) func at(_ x: Int, _ y: Int, _ weight: Float, _ isInside: Bool) -> Float {
                weight == 0 ? 0 : weight * (isInside ? p[y * width + x] : fill)
            }
            out[k * plane] = at(x0, y0, (1 - wx) * (1 - wy), inX.0 && inY.0) + at(x0 + 1, y0, wx * (1 - wy), inX.1 && inY.0)
                + at(x0, y0 + 1, (1 - wx) * wy, inX.0 && inY.1) + at(x0 + 1, y0 + 1, wx * wy, inX.1 && inY.1)
        }
    }

    /// Torchvision's brightness then contrast on one image, clamped to
    /// `[0, 1]` as images are: `x * brightness`, then blended with its mean
    /// grey level (luma for three channels) by `contrast`.
    static func adjustColour(_ image: UnsafeMutablePointer<Float>, channels: Int, plane: Int, brightness: Float, contrast: Float) {
        let count = channels * plane
        if brightness != 1 {
            for i in 0..<count { image[i] = Swift.min(Swift.max(image[i] * brightness, 0), 1) }
        }
        guard contrast != 1 else { return }
        let luma = { (k: Int) -> Float in channels != 3 ? 1 / Float(channels) : k == 0 ? 0.299 : k == 1 ? 0.587 : 0.114 }
        var mean: Float = 0
        for k in 0..<channels {
            var sum: Float = 0
            for i in 0..<plane { sum += image[k * plane + i] }
            mean += luma(k) * sum / Float(plane)
        }
        let offset = (1 - contrast) * mean
        for i in 0..<count { image[i] = Swift.min(Swift.max(image[i] * contrast + offset, 0), 1) }
    }
}
