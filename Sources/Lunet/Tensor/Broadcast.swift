/// NumPy broadcasting of two shapes: sizes are matched from the right and a
/// size of 1 stretches to the other's.
struct Broadcast {
    let shape: [Int]
    /// Per output dimension, the element step in each operand (0 where stretched).
    let stridesA: [Int]
    let stridesB: [Int]

    init(_ a: [Int], _ b: [Int], operation: String) throws {
        let rank = Swift.max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var shape = [Int](repeating: 0, count: rank)
        for d in 0..<rank {
            guard pa[d] == pb[d] || pa[d] == 1 || pb[d] == 1 else {
                throw LunetError.shapeMismatch(operation, a, b)
            }
            shape[d] = pa[d] == 1 ? pb[d] : pa[d]
        }
        self.shape = shape
        stridesA = Broadcast.strides(pa, shape)
        stridesB = Broadcast.strides(pb, shape)
    }

    private static func strides(_ padded: [Int], _ shape: [Int]) -> [Int] {
        var result = [Int](repeating: 0, count: shape.count)
        var step = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            result[d] = padded[d] == 1 && shape[d] != 1 ? 0 : step
            step *= padded[d]
        }
        return result
    }

    /// Calls `body(out, a, b, stepA, stepB, length)` for each run along the last
    /// dimension, so the caller's inner loop is a plain strided loop.
    func forEachRun(_ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let rank = shape.count
        guard rank > 0 else { body(0, 0, 0, 0, 0, 1); return }
        let length = shape[rank - 1]
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        var index = [Int](repeating: 0, count: rank - 1)
        var offsetA = 0, offsetB = 0, out = 0
        while out < total {
            body(out, offsetA, offsetB, stridesA[rank - 1], stridesB[rank - 1], length)
            out += length
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                offsetA += stridesA[d]
                offsetB += stridesB[d]
                if index[d] < shape[d] { break }
                offsetA -= stridesA[d] * shape[d]
                offsetB -= stridesB[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}
