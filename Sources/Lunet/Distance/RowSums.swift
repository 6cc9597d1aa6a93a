/// The one accumulation rule for the sums lunet computes itself over rows
/// (norms, inner products and distances outside BLAS): every Float is widened
/// to Double first, products and differences are taken and summed in Double,
/// in sixteen lanes added in a fixed order (so a row gives the same sum
/// wherever it is computed), and the caller rounds the result once.
///
/// Why Double: on 5,000 rows of 16,384 values (Gaussian, and |Gaussian| + 3),
/// against an exact sum, squared norms rounded to Float are off by at most
/// 6e-8 relative (the final rounding alone); Float accumulation is off by
/// 4.4e-7 in eight lanes and 6.7e-6 in one. Double lanes cost 1.7x Float lanes
/// (60 against 35 ms for those rows on one core), about 1% of an mAP over
/// them, which is dominated by sgemm. And a square of a Float cannot overflow
/// Double, so a row's sum is finite exactly when its values are: that is how
/// rows holding NaN or an infinity are found (`RowNorms.firstNonFinite`).
///
/// Products that BLAS computes (Gram matrices, pairwise inner products) keep
/// OpenBLAS's Float accumulation; only what lunet sums itself follows this rule.
enum RowSums {
    /// `sum_j x[j]^2`.
    @inline(__always)
    static func squares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        accumulate(count) { j in
            let (low, high) = widened(x, j)
            return (low * low, high * high)
        } tail: { j in Double(x[j]) * Double(x[j]) }
    }

    /// `sum_j x[j]` (a tensor's sum along its last dimension).
    @inline(__always)
    static func values(_ x: UnsafePointer<Float>, count: Int) -> Double {
        accumulate(count) { j in widened(x, j) } tail: { j in Double(x[j]) }
    }

    /// `sum_j x[j] y[j]`.
    @inline(__always)
    static func products(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Double {
        accumulate(count) { j in
            let (xl, xh) = widened(x, j), (yl, yh) = widened(y, j)
            return (xl * yl, xh * yh)
        } tail: { j in Double(x[j]) * Double(y[j]) }
    }

    /// `sum_j (x[j] - y[j])^2`, the differences taken in Double (exact for Floats of similar size).
    @inline(__always)
    static func squaredDifferences(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Double {
        accumulate(count) { j in
            let (xl, xh) = widened(x, j), (yl, yh) = widened(y, j)
            let (dl, dh) = (xl - yl, xh - yh)
            return (dl * dl, dh * dh)
        } tail: { j in
            let d = Double(x[j]) - Double(y[j])
            return d * d
        }
    }

    /// Eight Floats from `p + j`, widened: lanes 0-3 and 4-7.
    @inline(__always)
    private static func widened(_ p: UnsafePointer<Float>, _ j: Int) -> (SIMD4<Double>, SIMD4<Double>) {
        let v = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Float>.self)
        return (SIMD4<Double>(v.lowHalf), SIMD4<Double>(v.highHalf))
    }

    /// Sums `terms(j)` (the eight terms from `j`) over blocks of sixteen in
    /// four accumulators, then `tail(j)` over the last `count % 8` terms.
    @inline(__always)
    private static func accumulate(_ count: Int, _ terms: (Int) -> (SIMD4<Double>, SIMD4<Double>),
                                   tail: (Int) -> Double) -> Double {
        var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>(), a3 = SIMD4<Double>()
        var j = 0
        while j + 16 <= count {
            let (t0, t1) = terms(j), (t2, t3) = terms(j + 8)
            a0 += t0
            a1 += t1
            a2 += t2
            a3 += t3
            j += 16
        }
        if j + 8 <= count {
            let (t0, t1) = terms(j)
            a0 += t0
            a1 += t1
            j += 8
        }
        var sum = ((a0 + a2) + (a1 + a3)).sum()
        while j < count {
            sum += tail(j)
            j += 1
        }
        return sum
    }
}
