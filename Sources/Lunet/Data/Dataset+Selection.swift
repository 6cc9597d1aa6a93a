/// Subsets, class splits, shuffles and fractional splits. Each returns a new
/// dataset; images are copied out of the source (a subset owns its bytes).
extension Dataset {
    /// The images at 0-based `indices`, in that order, with every class kept.
    ///
    /// ```lua
    /// local first = ds:subset{1, 2, 3}
    /// ```
    public func subset(_ indices: [Int]) throws -> Dataset {
        for i in indices where i < 0 || i >= count {
            throw LunetError("subset: index \(oneBased(i)) out of range for a dataset of \(count) images")
        }
        return try Dataset(images: images.selecting(indices), labels: labels.selecting(indices), classes: classes,
                           descriptions: descriptions, groups: groups, classGroups: classGroups)
    }

    /// The images of the 0-based classes `chosen`, in dataset order, relabelled
    /// `0..<chosen.count` in the order given.
    ///
    /// ```lua
    /// local two = ds:classes{"n01443537", "n01629819"}
    /// ```
    public func selectingClasses(_ chosen: [Int]) throws -> Dataset {
        var newLabel = [Int32](repeating: -1, count: classCount)
        for (position, c) in chosen.enumerated() {
            guard c >= 0, c < classCount else { throw LunetError("class \(oneBased(c)) out of range for \(classCount) classes") }
            guard newLabel[c] < 0 else { throw LunetError("class '\(classes[c])' is chosen twice") }
            newLabel[c] = Int32(position)
        }
        let kept = labels.withUnsafeBufferPointer { buffer in buffer.indices.filter { newLabel[Int(buffer[$0])] >= 0 } }
        let relabelled = try Tensor<Int32>(shape: [kept.count], scalars: kept.map { newLabel[label($0)] })
        return try replacingClasses(labels: relabelled, images: images.selecting(kept), keeping: chosen)
    }

    /// The 190/10 split of the assignment: the first `classCount - last`
    /// classes and the last `last`, by class order.
    ///
    /// ```lua
    /// local indomain, ood = tin:splitClasses{last = 10}
    /// ```
    public func splittingClasses(last: Int) throws -> (Dataset, Dataset) {
        guard last >= 0, last <= classCount else {
            throw LunetError("splitClasses: cannot take the last \(last) of \(classCount) classes")
        }
        let cut = classCount - last
        return (try selectingClasses(Array(0..<cut)), try selectingClasses(Array(cut..<classCount)))
    }

    /// A random choice of `count` classes (second, in class order) and the rest (first).
    public func splittingClasses(count chosenCount: Int, generator: inout RandomGenerator) throws -> (Dataset, Dataset) {
        guard chosenCount >= 0, chosenCount <= classCount else {
            throw LunetError("splitClasses: cannot choose \(chosenCount) of \(classCount) classes")
        }
        let chosen = Set(Dataset.permutation(classCount, generator: &generator).prefix(chosenCount))
        let rest = (0..<classCount).filter { !chosen.contains($0) }
        return (try selectingClasses(rest), try selectingClasses(chosen.sorted()))
    }

    /// The images in a random order (Fisher-Yates on the given generator).
    ///
    /// ```lua
    /// local mixed = ds:shuffle{seed = 42}
    /// ```
    public func shuffled(generator: inout RandomGenerator) throws -> Dataset {
        try subset(Dataset.permutation(count, generator: &generator))
    }

    /// Consecutive parts of the given fractions, cut where NumPy slicing
    /// `x[int(a*n):int(b*n)]` cuts at the running sums; when the fractions add
    /// up to 1 the last part runs to the end.
    ///
    /// ```lua
    /// local train, val, test = ds:split{0.8, 0.1, 0.1}
    /// ```
    public func split(_ fractions: [Double]) throws -> [Dataset] {
        let bounds = try Dataset.splitBounds(fractions, count: count)
        return try zip(bounds.dropLast(), bounds.dropFirst()).map { try subset(Array($0..<$1)) }
    }

    /// `[0, cut1, cut2, ..., end]` for `split`.
    static func splitBounds(_ fractions: [Double], count: Int) throws -> [Int] {
        guard !fractions.isEmpty, fractions.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw LunetError("split: expected non-negative fractions, got \(fractions)")
        }
        var bounds = [0]
        var total = 0.0
        for fraction in fractions {
            total += fraction
            guard total <= 1 + 1e-9 else { throw LunetError("split: fractions add up to \(total), more than 1") }
            bounds.append(min(count, Int((total * Double(count)).rounded(.down))))
        }
        if abs(total - 1) < 1e-9 { bounds[bounds.count - 1] = count }
        return bounds
    }

    /// The first `n` images (all when fewer).
    public func take(_ n: Int) throws -> Dataset {
        guard n >= 0 else { throw LunetError("take: expected a non-negative count, got \(n)") }
        return try subset(Array(0..<min(n, count)))
    }

    /// The first `n` images of each class, in dataset order.
    ///
    /// ```lua
    /// local small = tin:perClass(50)   -- 50 images of each class
    /// ```
    public func perClass(_ n: Int) throws -> Dataset {
        guard n >= 0 else { throw LunetError("perClass: expected a non-negative count, got \(n)") }
        var seen = [Int](repeating: 0, count: classCount)
        let kept = (0..<count).filter { i in
            let c = label(i)
            seen[c] += 1
            return seen[c] <= n
        }
        return try subset(kept)
    }

    /// A random permutation of `0..<n`.
    public static func permutation(_ n: Int, generator: inout RandomGenerator) -> [Int] {
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            order.swapAt(i, generator.nextInt(below: i + 1))
        }
        return order
    }
}
