extension Parameter {
    /// A bias's gradient, `gradient[c] += sum over n and p of dy[n, c, p]`, for
    /// an output gradient laid out `[batch, channels, plane]` (a linear layer's
    /// `[batch, out]` has planes of 1). Linear and both convolution paths use it.
    func accumulateBiasGradient(_ dy: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int) {
        gradient.withUnsafeMutableBufferPointer { db in
            for n in 0..<batch {
                for c in 0..<channels {
                    let row = dy + (n * channels + c) * plane
                    var sum: Float = 0
                    for p in 0..<plane { sum += row[p] }
                    db[c] += sum
                }
            }
        }
    }
}
