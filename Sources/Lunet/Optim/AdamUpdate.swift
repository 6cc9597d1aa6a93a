/// One Adam update of one parameter's elements, in one pass over the weights,
/// gradients and moments (see `Adam` for the formulas). Eight elements at a
/// time with the same operations in the same order as the scalar tail, so
/// every element gets the same result whichever path it takes.
struct AdamUpdate {
    let beta1: Float
    let beta2: Float
    let epsilon: Float
    /// `weightDecay + 2 l2`.
    let decay: Float
    /// `lr / (1 - beta1^t)`.
    let stepSize: Float
    /// `sqrt(1 - beta2^t)`.
    let correction2: Float

    /// Pointers to one parameter's arrays, each `[count]`; `vmax` only with amsgrad.
    struct Arrays {
        let w: UnsafeMutablePointer<Float>
        let g: UnsafePointer<Float>
        let m: UnsafeMutablePointer<Float>
        let v: UnsafeMutablePointer<Float>
        let vmax: UnsafeMutablePointer<Float>?
    }

    /// Updates `w`, `m`, `v` (and `vmax`) over `range` in place, as torch.optim.Adam.
    func apply(_ a: Arrays, _ range: Range<Int>) {
        if let vmax = a.vmax { _ = run(a, range, vmax: vmax, into: a.w, guarded: false) } else { _ = run(a, range, vmax: nil, into: a.w, guarded: false) }
    }

    /// The guarded step's pass (`Optimizer.step(ifFinite:)`): the new weights go
    /// to `out` (the gradient's storage, each element read before it is
    /// written) and `w` is left as it is. True when every new weight and
    /// second moment over `range` is finite (a non-finite first moment makes
    /// its weight non-finite).
    func applyDeferred(_ a: Arrays, _ range: Range<Int>, into out: UnsafeMutablePointer<Float>) -> Bool {
        if let vmax = a.vmax { run(a, range, vmax: vmax, into: out, guarded: true) } else { run(a, range, vmax: nil, into: out, guarded: true) }
    }

    /// Specialized by inlining on `vmax` and `guarded`, so the loops test them once.
    /// `x - x` is 0 for a finite `x` and NaN otherwise: summed, it flags any
    /// non-finite value, for two operations per eight elements.
    @inline(__always)
    private func run(_ a: Arrays, _ range: Range<Int>, vmax: UnsafeMutablePointer<Float>?,
                     into out: UnsafeMutablePointer<Float>, guarded: Bool) -> Bool {
        let (b1, b2, c1, c2) = (beta1, beta2, 1 - beta1, 1 - beta2)
        var flags = FloatVector(repeating: 0)
        var i = range.lowerBound
        while i &+ 8 <= range.upperBound {
            let w = a.w.vector(at: i)
            let g = a.g.vector(at: i) + decay * w
            let m = b1 * a.m.vector(at: i) + c1 * g
            let v = b2 * a.v.vector(at: i) + c2 * g * g
            var vhat = v
            if let vmax {
                let old = vmax.vector(at: i)
                vhat = old.replacing(with: v, where: v .>= old)  // Swift.max(old, v), NaN included
                vmax.store(vhat, at: i)
            }
            let next = w - stepSize * m / (vhat.laneSquareRoots / correction2 + epsilon)
            if guarded { flags += (next - next) + (v - v) }
            a.m.store(m, at: i)
            a.v.store(v, at: i)
            out.store(next, at: i)
            i &+= 8
        }
        var flag = flags.laneSum
        while i < range.upperBound {
            let w = a.w[i]
            let g = a.g[i] + decay * w
            let m = b1 * a.m[i] + c1 * g
            let v = b2 * a.v[i] + c2 * g * g
            var vhat = v
            if let vmax {
                vhat = Swift.max(vmax[i], v)
                vmax[i] = vhat
            }
            let next = w - stepSize * m / (vhat.squareRoot() / correction2 + epsilon)
            if guarded { flag += (next - next) + (v - v) }
            a.m[i] = m
            a.v[i] = v
            out[i] = next
            i &+= 1
        }
        return !flag.isNaN
    }
}
