extension Tensor where Element == Float {
    /// Sums a broadcast result's gradient back to an operand's `shape`: over
    /// the leading dimensions the operand lacks and where it had size 1.
    func summed(toShape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let plan = try Broadcast(target, shape, operation: "gradient")
        guard plan.shape == shape else { throw LunetError.shapeMismatch("gradient", target, shape) }
        var result = try Tensor(shape: target, repeating: 0)
        withUnsafeBufferPointer { g in
            result.withUnsafeMutableBufferPointer { out in
                plan.forEachRun { o, ia, _, sa, _, n in
                    for j in 0..<n { out[ia + j * sa] += g[o + j] }
                }
            }
        }
        return result
    }

    /// This gradient of a reduction along `dim` spread back over `shape`
    /// (the reduced dimension restored and repeated).
    func expanded(along dim: Int, to target: [Int]) throws -> Tensor {
        let size = target[dim]
        let outer = target[..<dim].reduce(1, *), inner = target[(dim + 1)...].reduce(1, *)
        guard count == outer * inner else { throw LunetError.shapeMismatch("gradient", target, shape) }
        return try withUnsafeBufferPointer { g in
            try Tensor(unsafeUninitializedShape: target) { out in
                if inner == 1 {
                    // Along the last dimension: each row is one value repeated.
                    for o in 0..<outer { (out.baseAddress! + o * size).update(repeating: g[o], count: size) }
                    return
                }
                for o in 0..<outer {
                    for k in 0..<size {
                        let to = (o * size + k) * inner, from = o * inner
                        for i in 0..<inner { out[to + i] = g[from + i] }
                    }
                }
            }
        }
    }

    /// A tensor of `shape` holding zeros except this block, placed at `start`
    /// along `dim` (the gradient of a narrow).
    func padded(to target: [Int], dimension dim: Int, start: Int) throws -> Tensor {
        var result = try Tensor(shape: target, repeating: 0)
        let (outer, inner) = outerInner(dim)
        let length = shape[dim], size = target[dim]
        withUnsafeBufferPointer { g in
            result.withUnsafeMutableBufferPointer { out in
                for o in 0..<outer {
                    let from = o * length * inner, to = (o * size + start) * inner
                    for j in 0..<(length * inner) { out[to + j] = g[from + j] }
                }
            }
        }
        return result
    }

    /// Adds the blocks of this gradient back at `indices` along `dim` of a
    /// tensor of `target` shape (the gradient of `selecting`; repeats add up).
    func scattered(to target: [Int], indices: [Int], dimension dim: Int) throws -> Tensor {
        var result = try Tensor(shape: target, repeating: 0)
        let (outer, inner) = outerInner(dim)
        let count = indices.count, size = target[dim]
        withUnsafeBufferPointer { g in
            result.withUnsafeMutableBufferPointer { out in
                for o in 0..<outer {
                    for (k, index) in indices.enumerated() {
                        let from = (o * count + k) * inner, to = (o * size + index) * inner
                        for j in 0..<inner { out[to + j] += g[from + j] }
                    }
                }
            }
        }
        return result
    }
}
