extension Parameter {
    /// A bias's gradient, `gradient[c] += sum over n and p of dy[n, c, p]`, for
    /// an output gradient laid out `[batch, channels, plane]` (a linear layer's
    /// `[batch, out]` has planes of 1). Linear and every convolution path use it.
    ///
    /// Planes are summed eight lanes at a time (in Double across runs), channels
    /// split over the cores: one float addition after another was a serial
    /// 40-75 ms on the seed networks' first layers. Each channel's sum is made
    /// in one order whatever the core count.
    func accumulateBiasGradient(_ dy: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int) {
        gradient.withUnsafeMutableBufferPointer { db in
            let db = db.baseAddress!
            guard plane >= 16 else {
                for n in 0..<batch {
                    for c in 0..<channels {
                        let row = dy + (n * channels + c) * plane
                        var sum: Float = 0
                        for p in 0..<plane { sum += row[p] }
                        db[c] += sum
                    }
                }
                return
            }
            ParallelLoop.forEach(channels, grain: Swift.max(1, (1 << 15) / Swift.max(1, batch * plane))) { range in
                for c in range {
                    var total = 0.0
                    for n in 0..<batch { total += BatchNormKernels.sum(dy + (n * channels + c) * plane, plane) }
                    db[c] += Float(total)
                }
            }
        }
    }
}
