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

    /// Updates `w`, `m`, `v` (and `vmax`) over `range`.
    func apply(_ a: Arrays, _ range: Range<Int>) {
        if let vmax = a.vmax {
            apply(a, range, vmax: vmax)
        } else {
            apply(a, range, vmax: Optional<UnsafeMutablePointer<Float>>.none)
        }
    }

    /// Specialized by inlining on whether `vmax` exists, so the loops test it once.
    @inline(__always)
    private func apply(_ a: Arrays, _ range: Range<Int>, vmax: UnsafeMutablePointer<Float>?) {
        let (b1, b2, c1, c2) = (beta1, beta2, 1 - beta1, 1 - beta2)
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
            a.m.store(m, at: i)
            a.v.store(v, at: i)
            a.w.store(w - stepSize * m / (vhat.laneSquareRoots / correction2 + epsilon), at: i)
            i &+= 8
        }
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
            a.m[i] = m
            a.v[i] = v
            a.w[i] = w - stepSize * m / (vhat.squareRoot() / correction2 + epsilon)
            i &+= 1
        }
    }
}
