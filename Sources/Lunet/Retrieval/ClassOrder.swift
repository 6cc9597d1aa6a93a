/// Codes put in class order: `order[p]` is the code at position `p`, and the
/// class of position `p` spans positions `start[p]..<end[p]`.
struct ClassOrder {
    let order: [Int]
    let start: [Int]
    let end: [Int]

    init(_ members: [[Int]]) {
        var order: [Int] = [], start: [Int] = [], end: [Int] = []
        for list in members {
            let first = order.count
            order += list
            start += Array(repeating: first, count: list.count)
            end += Array(repeating: first + list.count, count: list.count)
        }
        self.order = order
        self.start = start
        self.end = end
    }

    /// The rows of `x` (`[order.count, dimension]`) in class order, copied in
    /// parallel into a tensor (whose memory the buffer cache hands back on the
    /// next call); nil when they already are in class order.
    func gathered(_ x: UnsafePointer<Float>, dimension d: Int) throws -> Tensor<Float>? {
        if order.elementsEqual(0..<order.count) { return nil }
        let order = self.order
        return try Tensor(unsafeUninitializedShape: [order.count, d]) { buffer in
            let out = UncheckedSendable(buffer.baseAddress!)
            ParallelLoop.forEach(order.count, grain: Swift.max(1, (1 << 14) / Swift.max(d, 1))) { range in
                for p in range { (out.value + p * d).initialize(from: x + order[p] * d, count: d) }
            }
        }
    }
}
