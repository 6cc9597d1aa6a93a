/// Winograd minimal filtering F(m, r) on 6-point tiles (Lavin & Gray 2016):
/// `m` outputs of an `r`-tap correlation from `m + r - 1 = 6` inputs with 6
/// multiplications, `y = Aᵀ [(G g) ⊙ (Bᵀ d)]`, and in 2-d
/// `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`.
///
/// The points are 0, ±1, ±2 and ∞, so the input transform `Bᵀ` is the same for
/// every `r` (F(4, 3), F(3, 4), and their duals F(3, 4), F(4, 3) of the weight
/// gradient); `G` (6 x r) and `Aᵀ` (m x 6) are built from the points.
struct WinogradTransform: Equatable {
    /// Inputs per tile side, `m + r - 1`.
    static let tile = 6
    /// Values of a transformed 2-d tile.
    static let tileArea = 36
    /// The finite interpolation points; the sixth is ∞.
    static let points: [Double] = [0, 1, -1, 2, -2]

    /// `r`, taps of the filter.
    let filterSize: Int
    /// `m`, outputs per tile side.
    let outputSize: Int
    /// Filter transform `[6, r]`: `G[j, k] = p_j^k / prod_{l != j}(p_j - p_l)`, last row picks the top tap.
    let g: [Float]
    /// Output transform `[m, 6]`: `Aᵀ[i, j] = p_j^i`, last column picks the top output.
    let at: [Float]

    init(filterSize r: Int) {
        precondition(r >= 3 && r <= 5, "Winograd tiles of 6 here take filters of 3 to 5 taps (2 to 4 outputs)")
        let m = Self.tile + 1 - r
        let points = Self.points
        var g = [Float](repeating: 0, count: Self.tile * r)
        for (j, p) in points.enumerated() {
            let scale = points.indices.filter { $0 != j }.reduce(1.0) { $0 * (p - points[$1]) }
            for k in 0..<r { g[j * r + k] = Float(Self.power(p, k) / scale) }
        }
        g[(Self.tile - 1) * r + r - 1] = 1
        var at = [Float](repeating: 0, count: m * Self.tile)
        for i in 0..<m {
            for (j, p) in points.enumerated() { at[i * Self.tile + j] = Float(Self.power(p, i)) }
        }
        at[(m - 1) * Self.tile + Self.tile - 1] = 1
        filterSize = r
        outputSize = m
        self.g = g
        self.at = at
    }

    private static func power(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * x } }

    /// `Bᵀ d` along one axis: six values `stride` apart in, six values `outStride` apart out.
    @inline(__always)
    static func inputLine(_ d: UnsafePointer<Float>, _ stride: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        let d0 = d[0], d1 = d[stride], d2 = d[2 * stride], d3 = d[3 * stride], d4 = d[4 * stride], d5 = d[5 * stride]
        let a = d4 - d2, b = d3 - d1
        out[0] = 4 * d0 - 5 * d2 + d4
        out[outStride] = (d3 + d4) - 4 * (d1 + d2)
        out[2 * outStride] = (d4 - d3) + 4 * (d1 - d2)
        out[3 * outStride] = a + 2 * b
        out[4 * outStride] = a - 2 * b
        out[5 * outStride] = 4 * d1 - 5 * d3 + d5
    }

    /// `Bᵀ d B` of a 6x6 tile `d` (row-major, rows `rowStride` apart); the 36
    /// results go `outStride` apart. `scratch` holds 36 floats.
    @inline(__always)
    static func transformInput(_ d: UnsafePointer<Float>, rowStride: Int, scratch: UnsafeMutablePointer<Float>,
                               into out: UnsafeMutablePointer<Float>, outStride: Int) {
        for column in 0..<tile { inputLine(d + column, rowStride, scratch + column, tile) }
        for row in 0..<tile { inputLine(scratch + row * tile, 1, out + row * tile * outStride, outStride) }
    }

    /// `G f Gᵀ` of an r x r filter `f` (rows `rowStride` apart) into 36 values `outStride` apart.
    /// `scratch` holds 6 x r floats.
    @inline(__always)
    func transformFilter(_ f: UnsafePointer<Float>, rowStride: Int, g: UnsafePointer<Float>,
                         scratch: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, outStride: Int) {
        let r = filterSize, n = Self.tile
        for i in 0..<n {
            for j in 0..<r {
                var sum: Float = 0
                for k in 0..<r { sum += g[i * r + k] * f[k * rowStride + j] }
                scratch[i * r + j] = sum
            }
        }
        for i in 0..<n {
            for j in 0..<n {
                var sum: Float = 0
                for k in 0..<r { sum += scratch[i * r + k] * g[j * r + k] }
                out[(i * n + j) * outStride] = sum
            }
        }
    }

    /// `Bᵀ` across six rows of `count` values (rows `count` apart), for every column at once.
    static func inputRows(_ d: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        let d0 = d, d1 = d + count, d2 = d + 2 * count, d3 = d + 3 * count, d4 = d + 4 * count, d5 = d + 5 * count
        let o0 = out, o1 = out + count, o2 = out + 2 * count, o3 = out + 3 * count, o4 = out + 4 * count, o5 = out + 5 * count
        for x in 0..<count {
            let a = d4[x] - d2[x], b = d3[x] - d1[x]
            o0[x] = 4 * d0[x] - 5 * d2[x] + d4[x]
            o1[x] = (d3[x] + d4[x]) - 4 * (d1[x] + d2[x])
            o2[x] = (d4[x] - d3[x]) + 4 * (d1[x] - d2[x])
            o3[x] = a + 2 * b
            o4[x] = a - 2 * b
            o5[x] = 4 * d1[x] - 5 * d3[x] + d5[x]
        }
    }

    /// `Aᵀ d` along one axis for m = 2, 3 or 4: row i of Aᵀ is `p^i` at the finite
    /// points, and the ∞ column adds `d5` to the last output.
    @inline(__always)
    static func outputLine(_ d: UnsafePointer<Float>, _ stride: Int, _ out: UnsafeMutablePointer<Float>, _ outStride: Int,
                           outputs m: Int) {
        let d1 = d[stride], d2 = d[2 * stride], d3 = d[3 * stride], d4 = d[4 * stride], d5 = d[5 * stride]
        let s1 = d1 + d2, s2 = d3 + d4, t1 = d1 - d2, t2 = d3 - d4
        var y1 = t1 + 2 * t2, y2 = s1 + 4 * s2, y3 = t1 + 8 * t2
        switch m {
        case 4: y3 += d5
        case 3: y2 += d5
        default: y1 += d5
        }
        out[0] = d[0] + s1 + s2
        out[outStride] = y1
        if m > 2 { out[2 * outStride] = y2 }
        if m > 3 { out[3 * outStride] = y3 }
    }

    /// `Aᵀ M A` of 36 values `stride` apart into an m x m tile (row-major);
    /// `scratch` holds m x 6 floats.
    @inline(__always)
    func transformOutput(_ values: UnsafePointer<Float>, stride: Int, scratch: UnsafeMutablePointer<Float>,
                         into out: UnsafeMutablePointer<Float>) {
        let m = outputSize, n = Self.tile
        for j in 0..<n { Self.outputLine(values + j * stride, n * stride, scratch + j, n, outputs: m) }
        for i in 0..<m { Self.outputLine(scratch + i * n, 1, out + i * m, 1, outputs: m) }
    }
}
