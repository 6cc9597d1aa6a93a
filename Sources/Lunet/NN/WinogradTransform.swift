/// Winograd minimal filtering F(m, r) on tiles of n = m + r - 1 points (Lavin &
/// Gray 2016): m outputs of an r-tap correlation from n inputs with n
/// multiplications, `y = Aᵀ [(G g) ⊙ (Bᵀ d)]`, and in 2-d
/// `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`.
///
/// Tiles of 6 interpolate at 0, ±1, ±2 and ∞; tiles of 8 add ±1/2. The three
/// matrices are built from the points (Cook-Toom with the point at ∞), so any
/// split of a tile into m and r comes from the same code. Float32 error against
/// a float64 reference stays near 1e-5 relative for both tile sizes on the
/// seed networks' layers (`WinogradConvolutionTests`).
struct WinogradTransform: Equatable {
    /// n, inputs per tile side.
    let tileSize: Int
    /// r, taps of the filter.
    let filterSize: Int
    /// m, outputs per tile side.
    let outputSize: Int
    /// Filter transform `[n, r]`: `G[j, k] = p_j^k / prod_{l != j}(p_j - p_l)`, last row picks the top tap.
    let g: CoefficientMatrix
    /// Input transform `[n, n]`: row j holds the coefficients of `M(x) / (x - p_j)`, the last row those of `M(x)`,
    /// `M(x) = prod_j (x - p_j)` over the finite points.
    let bt: CoefficientMatrix
    /// Output transform `[m, n]`: `Aᵀ[i, j] = p_j^i`, last column picks the top output.
    let at: CoefficientMatrix
    /// `A` `[n, m]`: takes an output gradient tile to the transformed domain, `A dY Aᵀ`.
    let a: CoefficientMatrix
    /// `B` `[n, n]`: takes a transformed gradient back to an input tile, `B dV Bᵀ`.
    let b: CoefficientMatrix

    /// The finite interpolation points of a tile of `n`; the last point is ∞.
    static func points(tileSize n: Int) -> [Double] {
        precondition(n == 6 || n == 8, "Winograd tiles have 6 or 8 points")
        return n == 6 ? [0, 1, -1, 2, -2] : [0, 1, -1, 2, -2, 0.5, -0.5]
    }

    init(tileSize n: Int, filterSize r: Int) {
        precondition(r >= 2 && r <= n - 1, "a tile of \(n) takes filters of 2 to \(n - 1) taps")
        let m = n + 1 - r
        let points = Self.points(tileSize: n)
        var g = [Double](repeating: 0, count: n * r), at = [Double](repeating: 0, count: m * n)
        var bt = [Double](repeating: 0, count: n * n)
        let full = points.reduce([1.0]) { Self.multiply($0, by: $1) }
        for (j, p) in points.enumerated() {
            let scale = points.indices.filter { $0 != j }.reduce(1.0) { $0 * (p - points[$1]) }
            for k in 0..<r { g[j * r + k] = Self.power(p, k) / scale }
            for i in 0..<m { at[i * n + j] = Self.power(p, i) }
            let quotient = points.indices.filter { $0 != j }.reduce([1.0]) { Self.multiply($0, by: points[$1]) }
            for (l, c) in quotient.enumerated() { bt[j * n + l] = c }
        }
        g[(n - 1) * r + r - 1] = 1
        at[(m - 1) * n + n - 1] = 1
        for (l, c) in full.enumerated() { bt[(n - 1) * n + l] = c }
        tileSize = n
        filterSize = r
        outputSize = m
        self.g = CoefficientMatrix(rows: n, columns: r, values: g)
        self.bt = CoefficientMatrix(rows: n, columns: n, values: bt)
        self.at = CoefficientMatrix(rows: m, columns: n, values: at)
        a = self.at.transposed()
        b = self.bt.transposed()
    }

    /// Coefficients (lowest power first) of `polynomial * (x - root)`.
    private static func multiply(_ polynomial: [Double], by root: Double) -> [Double] {
        var result = [0] + polynomial
        for (k, c) in polynomial.enumerated() { result[k] -= root * c }
        return result
    }

    private static func power(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * x } }

    /// Values of a transformed 2-d tile, n².
    var tileArea: Int { tileSize * tileSize }
}

/// A small dense matrix kept as its nonzero terms, applied to whole rows of
/// values at once: `out[i][x] = Σ_j M[i, j] in[j][x]` for x < count, the
/// inner loop over contiguous x so the compiler vectorises it.
///
/// Rows for a pair of points ±p whose coefficients differ only in the sign of
/// the odd columns (the rows of `Bᵀ`) are computed together: `E + O` and
/// `E - O` from one pass over the inputs.
struct CoefficientMatrix: Equatable {
    let rows: Int
    let columns: Int
    /// Dense values `[rows, columns]`, in float.
    let values: [Float]
    private let groups: [Group]
    private let terms: [Term]

    struct Term: Equatable {
        let column: Int
        let coefficient: Float
    }

    /// A single row (`minus` nil, its terms `first`), or a pair: `plus = E + O`, `minus = E - O`,
    /// E over the terms `first` (even columns of `plus`), O over `second` (its odd columns).
    private struct Group: Equatable {
        let plus: Int
        let minus: Int?
        let first: Range<Int>
        let second: Range<Int>
    }

    init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns && columns <= 8, "at most 8 terms a row")
        self.rows = rows
        self.columns = columns
        self.values = values.map { Float($0) }
        func row(_ i: Int) -> ArraySlice<Double> { values[i * columns..<(i + 1) * columns] }
        func mirrored(_ i: Int) -> [Double] { row(i).enumerated().map { $0.offset % 2 == 1 ? -$0.element : $0.element } }
        var groups: [Group] = [], terms: [Term] = [], paired = Set<Int>()
        func append(_ i: Int, where keep: (Int) -> Bool) -> Range<Int> {
            let start = terms.count
            for j in 0..<columns where values[i * columns + j] != 0 && keep(j) {
                terms.append(Term(column: j, coefficient: Float(values[i * columns + j])))
            }
            return start..<terms.count
        }
        for i in 0..<rows where !paired.contains(i) {
            let parities = Set(row(i).enumerated().filter { $0.element != 0 }.map { $0.offset % 2 })
            if parities.count == 2, let partner = (i + 1..<rows).first(where: { !paired.contains($0) && Array(row($0)) == mirrored(i) }) {
                paired.insert(partner)
                groups.append(Group(plus: i, minus: partner, first: append(i) { $0 % 2 == 0 }, second: append(i) { $0 % 2 == 1 }))
            } else {
                groups.append(Group(plus: i, minus: nil, first: append(i) { _ in true }, second: 0..<0))
            }
        }
        self.groups = groups
        self.terms = terms
    }

    subscript(row: Int, column: Int) -> Float { values[row * columns + column] }

    func transposed() -> CoefficientMatrix {
        CoefficientMatrix(rows: columns, columns: rows,
                          values: (0..<rows * columns).map { Double(values[$0 % rows * columns + $0 / rows]) })
    }

    /// `M X Mᵀ` of `count` 2-d tiles side by side: tile t's value (a, b) at
    /// `input[(a * columns + b) * block + t]`, its result (i, j) at
    /// `output[(i * rows + j) * block + t]`, which may be `input`. `scratch` holds
    /// rows x columns rows `block` apart. Both passes combine whole rows of `count` values.
    func applyBothSides(_ input: UnsafePointer<Float>, block: Int, count: Int, scratch: UnsafeMutablePointer<Float>,
                        into output: UnsafeMutablePointer<Float>) {
        for b in 0..<columns {
            apply(input + b * block, inputStride: columns * block, into: scratch + b * block,
                  outputStride: columns * block, count: count)
        }
        for i in 0..<rows {
            apply(scratch + i * columns * block, inputStride: block, into: output + i * rows * block,
                  outputStride: block, count: count)
        }
    }

    /// Row j of the input at `input + j * inputStride`, row i of the output at
    /// `output + i * outputStride`, each `count` values long; the output must not overlap the input.
    @inline(__always)
    func apply(_ input: UnsafePointer<Float>, inputStride: Int, into output: UnsafeMutablePointer<Float>,
               outputStride: Int, count: Int) {
        terms.withUnsafeBufferPointer { terms in
            for group in groups {
                let plus = output + group.plus * outputStride
                if let minus = group.minus {
                    Self.combine(terms[group.first], terms[group.second], input, inputStride,
                                 plus, output + minus * outputStride, count)
                } else {
                    Self.combine(terms[group.first], input, inputStride, plus, count)
                }
            }
        }
    }

    /// Coefficients and input rows of up to 8 terms; unused slots read row 0 with coefficient 0.
    @inline(__always)
    private static func slots(_ terms: Slice<UnsafeBufferPointer<Term>>, _ input: UnsafePointer<Float>, _ stride: Int)
        -> (c: (Float, Float, Float, Float, Float, Float, Float, Float),
            p: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)) {
        var c = (Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0))
        var p = (input, input, input, input, input, input, input, input)
        withUnsafeMutableBytes(of: &c) { cs in
            withUnsafeMutableBytes(of: &p) { ps in
                for (slot, term) in terms.enumerated() {
                    cs.storeBytes(of: term.coefficient, toByteOffset: slot * 4, as: Float.self)
                    ps.storeBytes(of: input + term.column * stride, toByteOffset: slot * 8, as: UnsafePointer<Float>.self)
                }
            }
        }
        return (c, p)
    }

    /// `out[x] = Σ c in[column][x]` over the terms (at most 8), in one pass over `out`.
    @inline(__always)
    private static func combine(_ terms: Slice<UnsafeBufferPointer<Term>>, _ input: UnsafePointer<Float>, _ stride: Int,
                                _ out: UnsafeMutablePointer<Float>, _ count: Int) {
        let (c, p) = slots(terms, input, stride)
        switch terms.count {
        case 0:
            out.update(repeating: 0, count: count)
        case 1...2:
            for x in 0..<count { out[x] = c.0 * p.0[x] + c.1 * p.1[x] }
        case 3...4:
            for x in 0..<count { out[x] = c.0 * p.0[x] + c.1 * p.1[x] + c.2 * p.2[x] + c.3 * p.3[x] }
        case 5...6:
            for x in 0..<count {
                out[x] = c.0 * p.0[x] + c.1 * p.1[x] + c.2 * p.2[x] + c.3 * p.3[x] + c.4 * p.4[x] + c.5 * p.5[x]
            }
        default:
            for x in 0..<count {
                out[x] = c.0 * p.0[x] + c.1 * p.1[x] + c.2 * p.2[x] + c.3 * p.3[x] + c.4 * p.4[x] + c.5 * p.5[x]
                    + c.6 * p.6[x] + c.7 * p.7[x]
            }
        }
    }

    /// `plus[x] = E + O`, `minus[x] = E - O`, E the sum over `even`, O over `odd` (at most 4 terms each).
    @inline(__always)
    private static func combine(_ even: Slice<UnsafeBufferPointer<Term>>, _ odd: Slice<UnsafeBufferPointer<Term>>,
                                _ input: UnsafePointer<Float>, _ stride: Int, _ plus: UnsafeMutablePointer<Float>,
                                _ minus: UnsafeMutablePointer<Float>, _ count: Int) {
        let (a, p) = slots(even, input, stride), (b, q) = slots(odd, input, stride)
        if even.count <= 2, odd.count <= 2 {
            for x in 0..<count {
                let e = a.0 * p.0[x] + a.1 * p.1[x], o = b.0 * q.0[x] + b.1 * q.1[x]
                plus[x] = e + o
                minus[x] = e - o
            }
        } else {
            for x in 0..<count {
                let e = a.0 * p.0[x] + a.1 * p.1[x] + a.2 * p.2[x] + a.3 * p.3[x]
                let o = b.0 * q.0[x] + b.1 * q.1[x] + b.2 * q.2[x] + b.3 * q.3[x]
                plus[x] = e + o
                minus[x] = e - o
            }
        }
    }
}
