/// Batch normalization's loops over one contiguous block of `count` floats,
/// eight at a time. Sums run in Float over runs of at most `run` elements
/// (two eight-lane accumulators: 64 values per lane at most) and in Double
/// across runs, so long blocks lose no more precision than short ones.
enum BatchNormKernels {
    static let run = 1024

    /// `sum(x)`.
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Double {
        var total = 0.0
        var i = 0
        while i < count {
            let end = Swift.min(i &+ run, count)
            var a = FloatVector(), b = FloatVector()
            while i &+ 16 <= end {
                a += x.vector(at: i)
                b += x.vector(at: i &+ 8)
                i &+= 16
            }
            var partial = (a + b).laneSum
            while i < end { partial += x[i]; i &+= 1 }
            total += Double(partial)
        }
        return total
    }

    /// `sum((x - mean)^2)`.
    static func squaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, from mean: Float) -> Double {
        var total = 0.0
        var i = 0
        while i < count {
            let end = Swift.min(i &+ run, count)
            var a = FloatVector(), b = FloatVector()
            while i &+ 16 <= end {
                let d0 = x.vector(at: i) - mean, d1 = x.vector(at: i &+ 8) - mean
                a += d0 * d0
                b += d1 * d1
                i &+= 16
            }
            var partial = (a + b).laneSum
            while i < end { let d = x[i] - mean; partial += d * d; i &+= 1 }
            total += Double(partial)
        }
        return total
    }

    /// `(sum(dy), sum(dy * (x - mean)))`.
    static func gradientSums(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ count: Int,
                             mean: Float) -> (Double, Double) {
        var totalDy = 0.0, totalCentered = 0.0
        var i = 0
        while i < count {
            let end = Swift.min(i &+ run, count)
            var a = FloatVector(), b = FloatVector()
            while i &+ 8 <= end {
                let g = dy.vector(at: i)
                a += g
                b += g * (x.vector(at: i) - mean)
                i &+= 8
            }
            var partialDy = a.laneSum, partialCentered = b.laneSum
            while i < end { partialDy += dy[i]; partialCentered += dy[i] * (x[i] - mean); i &+= 1 }
            totalDy += Double(partialDy)
            totalCentered += Double(partialCentered)
        }
        return (totalDy, totalCentered)
    }

    /// `y = x * scale + shift`.
    static func scaleShift(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int,
                           scale: Float, shift: Float) {
        var i = 0
        while i &+ 8 <= count {
            y.store(x.vector(at: i) * scale + shift, at: i)
            i &+= 8
        }
        while i < count { y[i] = x[i] * scale + shift; i &+= 1 }
    }

    /// `dx = k * (dy - meanDy - (x - mean) * inverseStd * meanDyXhat)` for one feature.
    struct GradientStep {
        let k: Float
        let meanDy: Float
        let mean: Float
        let inverseStd: Float
        let meanDyXhat: Float

        func apply(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ count: Int) {
            var i = 0
            while i &+ 8 <= count {
                dx.store(k * (dy.vector(at: i) - meanDy - (x.vector(at: i) - mean) * inverseStd * meanDyXhat), at: i)
                i &+= 8
            }
            while i < count { dx[i] = k * (dy[i] - meanDy - (x[i] - mean) * inverseStd * meanDyXhat); i &+= 1 }
        }
    }
}
