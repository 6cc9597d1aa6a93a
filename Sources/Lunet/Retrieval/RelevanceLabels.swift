/// The labels of a set of codes, checked against the codes, with the size of
/// each label's class: what the precision metrics need to know who is relevant.
struct RelevanceLabels {
    let values: [Int32]
    let classSizes: [Int32: Int]

    init(_ labels: Tensor<Int32>, codes: Tensor<Float>) throws {
        guard codes.rank == 2 else { throw LunetError("codes must be a matrix [N, D], got \(codes.summary)") }
        guard labels.rank == 1, labels.shape[0] == codes.shape[0] else {
            throw LunetError("labels must be a vector of \(codes.shape[0]) (one per code), got \(labels.summary)")
        }
        values = labels.scalars
        var sizes: [Int32: Int] = [:]
        for label in values { sizes[label, default: 0] += 1 }
        classSizes = sizes
    }

    /// Items relevant to a query with this label (the query itself left out).
    func relevantCount(_ label: Int32) -> Int { classSizes[label]! - 1 }

    /// Positions (ascending) of each class's members, classes in order of first appearance.
    var members: [[Int]] {
        var slot: [Int32: Int] = [:]
        var lists: [[Int]] = []
        for (i, label) in values.enumerated() {
            if let s = slot[label] {
                lists[s].append(i)
            } else {
                slot[label] = lists.count
                lists.append([i])
            }
        }
        return lists
    }
}
