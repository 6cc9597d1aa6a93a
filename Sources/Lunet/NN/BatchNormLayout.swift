/// The loops of batch normalization over an input seen as
/// `[batch, features, spatial]` (spatial = 1 for `BatchNorm1d`, h*w for 2d),
/// split over features across the cores. Each feature's passes run one after
/// the other, so the second and third read its values from cache, not memory
/// (a Koch-network feature is 96 blocks of 96x96 floats, 3.5 MB).
struct BatchNormLayout {
    let batch: Int
    let features: Int
    let spatial: Int

    /// Values per feature that a statistic runs over.
    var reduced: Int { batch * spatial }

    /// Per feature, what the forward pass found and the backward pass needs.
    struct Statistics {
        var mean: [Float]
        /// Biased (divided by `reduced`).
        var variance: [Float]
        var inverseStd: [Float]
    }

    /// Per feature: the sum of `dy` and of `dy * xhat`.
    struct GradientSums {
        var dy: [Float]
        var dyXhat: [Float]
    }

    /// Calls `body(offset)` with the offset of each `spatial`-long block of feature `c`.
    @inline(__always)
    private func forEachBlock(of c: Int, _ body: (Int) -> Void) {
        for n in 0..<batch { body((n &* features &+ c) &* spatial) }
    }

    /// Feature `c`'s mean and biased variance: two passes, sums in Double across runs.
    @inline(__always)
    private func featureStatistics(_ c: Int, _ x: UnsafePointer<Float>, epsilon: Float) -> (mean: Float, variance: Float, inverseStd: Float) {
        let count = Double(reduced)
        var sum = 0.0
        forEachBlock(of: c) { sum += BatchNormKernels.sum(x + $0, spatial) }
        let mean = Float(sum / count)
        var squares = 0.0
        forEachBlock(of: c) { squares += BatchNormKernels.squaredDeviations(x + $0, spatial, from: mean) }
        let variance = Float(squares / count)
        return (mean, variance, 1 / (variance + epsilon).squareRoot())
    }

    /// Per-feature statistics of an input, without normalizing it.
    func statistics(_ input: Tensor<Float>, epsilon: Float) -> Statistics {
        var statistics = Statistics(mean: .init(repeating: 0, count: features),
                                    variance: .init(repeating: 0, count: features),
                                    inverseStd: .init(repeating: 0, count: features))
        input.withUnsafeBufferPointer { x in
            statistics.mean.withUnsafeMutableBufferPointer { meanOut in
                statistics.variance.withUnsafeMutableBufferPointer { varianceOut in
                    statistics.inverseStd.withUnsafeMutableBufferPointer { inverseOut in
                        ParallelLoop.forEach(features) { range in
                            for c in range {
                                (meanOut[c], varianceOut[c], inverseOut[c]) = featureStatistics(c, x.baseAddress!, epsilon: epsilon)
                            }
                        }
                    }
                }
            }
        }
        return statistics
    }

    /// Training forward: per feature its statistics, then
    /// `y = (x - mean) * inverseStd * weight + bias`.
    func normalizeWithBatchStatistics(_ input: Tensor<Float>, epsilon: Float, weight: Tensor<Float>,
                                      bias: Tensor<Float>) throws -> (Tensor<Float>, Statistics) {
        var statistics = Statistics(mean: .init(repeating: 0, count: features),
                                    variance: .init(repeating: 0, count: features),
                                    inverseStd: .init(repeating: 0, count: features))
        let w = weight.scalars, b = bias.scalars
        let output = try input.withUnsafeBufferPointer { x in
            try Tensor(unsafeUninitializedShape: input.shape) { y in
                statistics.mean.withUnsafeMutableBufferPointer { meanOut in
                    statistics.variance.withUnsafeMutableBufferPointer { varianceOut in
                        statistics.inverseStd.withUnsafeMutableBufferPointer { inverseOut in
                            ParallelLoop.forEach(features) { range in
                                for c in range {
                                    let (mean, variance, inverseStd) = featureStatistics(c, x.baseAddress!, epsilon: epsilon)
                                    (meanOut[c], varianceOut[c], inverseOut[c]) = (mean, variance, inverseStd)
                                    let scale = inverseStd * w[c], shift = b[c] - mean * scale
                                    forEachBlock(of: c) {
                                        BatchNormKernels.scaleShift(x.baseAddress! + $0, y.baseAddress! + $0, spatial, scale: scale, shift: shift)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (output, statistics)
    }

    /// `y = (x - mean) * inverseStd * weight + bias` with given statistics (evaluation).
    func normalize(_ input: Tensor<Float>, mean: [Float], inverseStd: [Float],
                   weight: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float> {
        let w = weight.scalars, b = bias.scalars
        return try input.withUnsafeBufferPointer { x in
            try Tensor(unsafeUninitializedShape: input.shape) { y in
                ParallelLoop.forEach(features) { range in
                    for c in range {
                        let scale = inverseStd[c] * w[c], shift = b[c] - mean[c] * scale
                        forEachBlock(of: c) {
                            BatchNormKernels.scaleShift(x.baseAddress! + $0, y.baseAddress! + $0, spatial, scale: scale, shift: shift)
                        }
                    }
                }
            }
        }
    }

    /// Per feature, the sums of `dy` and `dy * xhat`, then the input gradient from cache:
    /// training: `dx = w * istd * (dy - mean(dy) - xhat * mean(dy * xhat))`;
    /// evaluation (`training` false): `dx = w * istd * dy`.
    func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>, mean: [Float], inverseStd: [Float],
                  weight: Tensor<Float>, training: Bool) throws -> (Tensor<Float>, GradientSums) {
        var sums = GradientSums(dy: .init(repeating: 0, count: features), dyXhat: .init(repeating: 0, count: features))
        let w = weight.scalars, m = Float(reduced)
        let inputGradient = try input.withUnsafeBufferPointer { x in
            try gradOutput.withUnsafeBufferPointer { g in
                try Tensor(unsafeUninitializedShape: input.shape) { dx in
                    sums.dy.withUnsafeMutableBufferPointer { dyOut in
                        sums.dyXhat.withUnsafeMutableBufferPointer { dyXhatOut in
                            ParallelLoop.forEach(features) { range in
                                for c in range {
                                    let (x, g, mu, istd) = (x.baseAddress!, g.baseAddress!, mean[c], inverseStd[c])
                                    var sumDy = 0.0, sumDyCentered = 0.0
                                    forEachBlock(of: c) {
                                        let (a, b) = BatchNormKernels.gradientSums(x + $0, g + $0, spatial, mean: mu)
                                        sumDy += a
                                        sumDyCentered += b
                                    }
                                    dyOut[c] = Float(sumDy)
                                    dyXhatOut[c] = Float(sumDyCentered) * istd
                                    let meanDy = training ? dyOut[c] / m : 0, meanDyXhat = training ? dyXhatOut[c] / m : 0
                                    let step = BatchNormKernels.GradientStep(k: w[c] * istd, meanDy: meanDy, mean: mu,
                                                                             inverseStd: istd, meanDyXhat: meanDyXhat)
                                    forEachBlock(of: c) { step.apply(x + $0, g + $0, dx.baseAddress! + $0, spatial) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (inputGradient, sums)
    }
}
