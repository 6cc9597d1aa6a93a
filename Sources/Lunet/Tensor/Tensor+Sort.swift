extension Tensor {
    /// The `k` largest (or smallest) entries of each row along the last dimension,
    /// sorted, with their 0-based positions. Ties keep the earlier position first.
    /// NaN ranks above every number, as in NumPy and PyTorch: first among the
    /// largest, last in an ascending sort.
    public func topk(_ k: Int, largest: Bool = true) throws -> (values: Tensor, indices: Tensor<Int32>) {
        guard rank >= 1 else { throw LunetError("topk: expected at least one dimension, got \(summary)") }
        let n = shape[rank - 1]
        guard k >= 0, k <= n else { throw LunetError("topk: k = \(k) out of range for a last dimension of size \(n)") }
        let rows = n == 0 ? 0 : count / n
        var outShape = shape
        outShape[rank - 1] = k
        var values = try Tensor(unsafeUninitializedShape: outShape) { _ in }
        var indices = try Tensor<Int32>(unsafeUninitializedShape: outShape) { _ in }
        let outranks: (Element, Element) -> Bool = largest ? { Tensor.ranksAbove($0, $1) } : { Tensor.ranksBelow($0, $1) }
        withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { vals in
                indices.withUnsafeMutableBufferPointer { idx in
                    var order = [Int](repeating: 0, count: n)
                    for r in 0..<rows {
                        let row = src.baseAddress! + r * n
                        for j in 0..<n { order[j] = j }
                        let before: (Int, Int) -> Bool = {
                            outranks(row[$0], row[$1]) || (!outranks(row[$1], row[$0]) && $0 < $1)
                        }
                        if k < n / 8 {
                            partialSelect(&order, k, before)
                        } else {
                            order.sort(by: before)
                        }
                        for j in 0..<k {
                            vals[r * k + j] = row[order[j]]
                            idx[r * k + j] = Int32(order[j])
                        }
                    }
                }
            }
        }
        return (values, indices)
    }

    /// `a` before `b` in descending order: NaN (the one value unequal to itself) first.
    @inline(__always)
    static func ranksAbove(_ a: Element, _ b: Element) -> Bool { a != a ? b == b : a > b }

    /// `a` before `b` in ascending order: NaN last.
    @inline(__always)
    static func ranksBelow(_ a: Element, _ b: Element) -> Bool { b != b ? a == a : a < b }

    /// All entries of the last dimension sorted, with their 0-based positions.
    public func sorted(descending: Bool = false) throws -> (values: Tensor, indices: Tensor<Int32>) {
        try topk(rank >= 1 ? shape[rank - 1] : 0, largest: descending)
    }
}

/// Moves the `k` first elements under `before` to the front of `order`, sorted.
private func partialSelect(_ order: inout [Int], _ k: Int, _ before: (Int, Int) -> Bool) {
    guard k > 0 else { return }
    // A sorted window of the best k, replaced into as better candidates appear.
    var best = Array(order[0..<k]).sorted(by: before)
    for j in k..<order.count where before(order[j], best[k - 1]) {
        var p = k - 1
        while p > 0 && before(order[j], best[p - 1]) {
            best[p] = best[p - 1]
            p -= 1
        }
        best[p] = order[j]
    }
    for j in 0..<k { order[j] = best[j] }
}
