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
}
