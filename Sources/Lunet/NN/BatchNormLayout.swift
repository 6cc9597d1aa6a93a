/// The loops of batch normalization over an input seen as
/// `[batch, features, spatial]` (spatial = 1 for `BatchNorm1d`, h*w for 2d),
/// split over features across the cores.
struct BatchNormLayout {
    let batch: Int
    let features: Int
    let spatial: Int

    /// Values per feature that a statistic runs over.
    var reduced: Int { batch * spatial }

    /// Calls `body(n, pointer)` for each `spatial`-long block of feature `c`.
    @inline(__always)
    private func blocks(_ base: UnsafePointer<Float>, _ c: Int, _ body: (Int, UnsafePointer<Float>) -> Void) {
        for n in 0..<batch { body(n, base + (n * features + c) * spatial) }
    }

    /// Per-feature mean and biased variance (two passes, Double sums).
    func statistics(_ input: Tensor<Float>) -> ([Float], [Float]) {
        var mean = [Float](repeating: 0, count: features), variance = mean
        input.withUnsafeBufferPointer { x in
            mean.withUnsafeMutableBufferPointer { meanOut in
                variance.withUnsafeMutableBufferPointer { varianceOut in
                    ParallelLoop.forEach(features) { range in
                        for c in range {
                            var sum = 0.0
                            blocks(x.baseAddress!, c) { _, p in for s in 0..<spatial { sum += Double(p[s]) } }
                            let m = sum / Double(reduced)
                            var squares = 0.0
                            blocks(x.baseAddress!, c) { _, p in
                                for s in 0..<spatial { let d = Double(p[s]) - m; squares += d * d }
                            }
                            meanOut[c] = Float(m)
                            varianceOut[c] = Float(squares / Double(reduced))
                        }
                    }
                }
            }
        }
        return (mean, variance)
    }

    /// `y = (x - mean) * inverseStd * weight + bias`, per feature.
    func normalize(_ input: Tensor<Float>, mean: [Float], inverseStd: [Float],
                   weight: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float> {
        let w = weight.scalars, b = bias.scalars
        return try input.withUnsafeBufferPointer { x in
            try Tensor(unsafeUninitializedShape: input.shape) { y in
                ParallelLoop.forEach(features) { range in
                    for c in range {
                        let scale = inverseStd[c] * w[c], shift = b[c] - mean[c] * scale
                        blocks(x.baseAddress!, c) { n, p in
                            let out = y.baseAddress! + (n * features + c) * spatial
                            for s in 0..<spatial { out[s] = p[s] * scale + shift }
                        }
                    }
                }
            }
        }
    }

    /// Per feature: the sum of `dy` and of `dy * xhat`.
    func gradientSums(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>,
                      mean: [Float], inverseStd: [Float]) -> (dy: [Float], dyXhat: [Float]) {
        var sumDy = [Float](repeating: 0, count: features), sumDyXhat = sumDy
        input.withUnsafeBufferPointer { x in
            gradOutput.withUnsafeBufferPointer { g in
                sumDy.withUnsafeMutableBufferPointer { dyOut in
                    sumDyXhat.withUnsafeMutableBufferPointer { dyXhatOut in
                        ParallelLoop.forEach(features) { range in
                            for c in range {
                                var a = 0.0, b = 0.0
                                blocks(x.baseAddress!, c) { n, p in
                                    let gp = g.baseAddress! + (n * features + c) * spatial
                                    var sa: Float = 0, sb: Float = 0
                                    for s in 0..<spatial { sa += gp[s]; sb += gp[s] * (p[s] - mean[c]) }
                                    a += Double(sa); b += Double(sb)
                                }
                                dyOut[c] = Float(a)
                                dyXhatOut[c] = Float(b) * inverseStd[c]
                            }
                        }
                    }
                }
            }
        }
        return (sumDy, sumDyXhat)
    }

    /// Training (`sums` given): `dx = w * istd * (dy - mean(dy) - xhat * mean(dy * xhat))`;
    /// evaluation: `dx = w * istd * dy`.
    func inputGradient(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>, mean: [Float], inverseStd: [Float],
                       weight: Tensor<Float>, sums: (dy: [Float], dyXhat: [Float])?) throws -> Tensor<Float> {
        let w = weight.scalars, m = Float(reduced)
        return try input.withUnsafeBufferPointer { x in
            try gradOutput.withUnsafeBufferPointer { g in
                try Tensor(unsafeUninitializedShape: input.shape) { dx in
                    ParallelLoop.forEach(features) { range in
                        for c in range {
                            let k = w[c] * inverseStd[c]
                            let meanDy = (sums?.dy[c] ?? 0) / m, meanDyXhat = (sums?.dyXhat[c] ?? 0) / m
                            let mu = mean[c], istd = inverseStd[c]
                            blocks(x.baseAddress!, c) { n, p in
                                let offset = (n * features + c) * spatial
                                let gp = g.baseAddress! + offset, out = dx.baseAddress! + offset
                                for s in 0..<spatial {
                                    out[s] = k * (gp[s] - meanDy - (p[s] - mu) * istd * meanDyXhat)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
