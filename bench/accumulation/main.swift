// The measurement behind RowSums' accumulation rule (Sources/Lunet/Distance/RowSums.swift):
// squared norms of 5,000 rows of 16,384 Float values (half Gaussian, half |Gaussian| + 3),
// summed six ways, against an exact (compensated Double) sum; the error is measured after
// rounding to Float, the time is CPU time on one core.
//
//   swiftc -O bench/accumulation/main.swift -o /tmp/accumulation && /tmp/accumulation
//
// Measured on the 2-core development machine (load average about 3):
//   float sequential             max rel err 6.71e-06  mean 1.45e-06   65.1 ms
//   float simd8x2                max rel err 4.44e-07  mean 9.30e-08   34.9 ms
//   float blocked 256            max rel err 4.07e-07  mean 8.48e-08   44.8 ms
//   double sequential            max rel err 5.91e-08  mean 1.92e-08   75.6 ms
//   double simd4x4               max rel err 5.91e-08  mean 1.92e-08   59.6 ms   <- the rule
//   float products, double sums  max rel err 6.02e-08  mean 1.92e-08   56.3 ms
import Foundation

@inline(never) func seqFloat(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var s: Float = 0
    for j in 0..<n { s += p[j] * p[j] }
    return s
}
@inline(never) func seqDouble(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    var s = 0.0
    for j in 0..<n { s += Double(p[j]) * Double(p[j]) }
    return s
}
@inline(never) func simdFloat(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
    var j = 0
    let raw = UnsafeRawPointer(p)
    while j + 16 <= n {
        let x = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
        let y = raw.loadUnaligned(fromByteOffset: (j + 8) * 4, as: SIMD8<Float>.self)
        a0 += x * x; a1 += y * y
        j += 16
    }
    var s = (a0 + a1).sum()
    while j < n { s += p[j] * p[j]; j += 1 }
    return s
}
// Float lanes, blocked: partial sums of 256 elements added into a Double-free float total
@inline(never) func blockedFloat(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var total: Float = 0
    var start = 0
    while start < n {
        let len = min(256, n - start)
        total += simdFloat(p + start, len)
        start += len
    }
    return total
}
@inline(never) func simdDouble(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>(), a3 = SIMD4<Double>()
    var j = 0
    let raw = UnsafeRawPointer(p)
    while j + 16 <= n {
        let x = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
        let y = raw.loadUnaligned(fromByteOffset: (j + 8) * 4, as: SIMD8<Float>.self)
        let x0 = SIMD4<Double>(x.lowHalf), x1 = SIMD4<Double>(x.highHalf)
        let y0 = SIMD4<Double>(y.lowHalf), y1 = SIMD4<Double>(y.highHalf)
        a0 += x0 * x0; a1 += x1 * x1; a2 += y0 * y0; a3 += y1 * y1
        j += 16
    }
    var s = ((a0 + a1) + (a2 + a3)).sum()
    while j < n { s += Double(p[j]) * Double(p[j]); j += 1 }
    return s
}
// Float products of two floats are exact in Double: x*x in float then widened loses; widen first.
@inline(never) func simdDoubleFromFloatProducts(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    var a0 = SIMD4<Double>(), a1 = SIMD4<Double>()
    var j = 0
    let raw = UnsafeRawPointer(p)
    while j + 8 <= n {
        let x = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
        let sq = x * x
        a0 += SIMD4<Double>(sq.lowHalf); a1 += SIMD4<Double>(sq.highHalf)
        j += 8
    }
    var s = (a0 + a1).sum()
    while j < n { s += Double(p[j] * p[j]); j += 1 }
    return s
}

let rows = 5000, d = 16384
var rng = SystemRandomNumberGenerator()
var data = [Float](repeating: 0, count: rows * d)
// Box-Muller randn
for i in stride(from: 0, to: data.count, by: 2) {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
    let r = (-2 * log(u1)).squareRoot()
    data[i] = Float(r * cos(2 * .pi * u2)); data[i + 1] = Float(r * sin(2 * .pi * u2))
}
// Add an offset to half the rows: all-positive, like ReLU codes, mean 3
for r in 0..<rows/2 { for j in 0..<d { data[r*d+j] = abs(data[r*d+j]) + 3 } }

func reference(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    // Double with Kahan: essentially exact
    var s = 0.0, c = 0.0
    for j in 0..<n { let y = Double(p[j]) * Double(p[j]) - c; let t = s + y; c = (t - s) - y; s = t }
    return s
}

func cpuClock() -> Double { var ts = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9 }

data.withUnsafeBufferPointer { buf in
    let base = buf.baseAddress!
    let refs = (0..<rows).map { reference(base + $0 * d, d) }
    let kernels: [(String, (UnsafePointer<Float>, Int) -> Double)] = [
        ("float sequential", { Double(seqFloat($0, $1)) }),
        ("float simd8x2", { Double(simdFloat($0, $1)) }),
        ("float blocked 256", { Double(blockedFloat($0, $1)) }),
        ("double sequential", { seqDouble($0, $1) }),
        ("double simd4x4", { simdDouble($0, $1) }),
        ("float products, double sums", { simdDoubleFromFloatProducts($0, $1) }),
    ]
    for (name, k) in kernels {
        var maxRel = 0.0, sumRel = 0.0, sink = 0.0
        for r in 0..<rows {
            let v = k(base + r * d, d)
            let rel = abs(Double(Float(v)) - refs[r]) / refs[r]
            maxRel = max(maxRel, rel); sumRel += rel
        }
        let t0 = cpuClock()
        for _ in 0..<3 { for r in 0..<rows { sink += k(base + r * d, d) } }
        let t = (cpuClock() - t0) / 3
        print(String(format: "%-30@ max rel err %.2e  mean %.2e   %.1f ms per 5000x16384 (%.2f GFLOP/s)  (%g)", name as NSString, maxRel, sumRel / Double(rows), t * 1000, 2.0 * Double(rows * d) / t / 1e9, sink))
    }
}
