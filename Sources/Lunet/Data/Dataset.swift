/// Images with their labels and class names: what every loader returns and
/// what training, retrieval and triplet mining read.
///
/// Images stay as bytes (`[N, C, H, W]`, UInt8); they become Float32 in
/// `[0, 1]` one batch at a time. Labels are 0-based here and 1-based in Lua.
///
/// ```lua
/// local ds = data.tinyimagenet("tiny-imagenet-200")
/// print(ds)   -- [Dataset: 100000 images 3x64x64, 200 classes]
/// ```
public struct Dataset: Sendable {
    /// `[N, C, H, W]`.
    public private(set) var images: Tensor<UInt8>
    /// `[N]`, each in `0..<classes.count`.
    public private(set) var labels: Tensor<Int32>
    /// Class names in label order (Tiny ImageNet: wnids; Omniglot: `Alphabet/characterNN`).
    public private(set) var classes: [String]
    /// A longer text per class where the collection has one (Tiny ImageNet's words).
    public private(set) var descriptions: [String]?
    /// Names of the groups classes belong to (Omniglot: alphabets), and the
    /// 0-based group of each class.
    public private(set) var groups: [String]
    public private(set) var classGroups: [Int]?

    /// Checks that images, labels and classes agree.
    public init(images: Tensor<UInt8>, labels: Tensor<Int32>, classes: [String],
                descriptions: [String]? = nil, groups: [String] = [], classGroups: [Int]? = nil) throws {
        guard images.rank == 4 else {
            throw LunetError("dataset images must be [N, C, H, W], got \(images.summary)")
        }
        guard labels.rank == 1, labels.shape[0] == images.shape[0] else {
            throw LunetError("labels do not match the images: \(labels.summary) for \(images.shape[0]) images")
        }
        if let wrong = labels.scalars.first(where: { $0 < 0 || Int($0) >= classes.count }) {
            throw LunetError("label \(position: Int(wrong)) out of range for \(classes.count) classes")
        }
        if let descriptions, descriptions.count != classes.count {
            throw LunetError("\(descriptions.count) class descriptions for \(classes.count) classes")
        }
        if let classGroups {
            guard classGroups.count == classes.count, classGroups.allSatisfy({ $0 >= 0 && $0 < groups.count }) else {
                throw LunetError("class groups do not match \(classes.count) classes and \(groups.count) groups")
            }
        }
        self.images = images
        self.labels = labels
        self.classes = classes
        self.descriptions = descriptions
        self.groups = groups
        self.classGroups = classGroups
    }

    public var count: Int { images.shape[0] }
    public var classCount: Int { classes.count }
    /// `[C, H, W]` of one image.
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }

    /// `[Dataset: 7500 images 3x64x64, 30 classes]`
    public var summary: String {
        var text = "[Dataset: \(count) image\(count == 1 ? "" : "s") \(formatShape(imageShape)), \(classCount) class\(classCount == 1 ? "" : "es")"
        if classGroups != nil { text += ", \(groups.count) group\(groups.count == 1 ? "" : "s")" }
        return text + "]"
    }

    /// Image `i` (0-based) as `[C, H, W]`.
    public func image(_ i: Int) throws -> Tensor<UInt8> {
        guard i >= 0, i < count else { throw LunetError("image \(oneBased(i)) out of range for a dataset of \(count) images") }
        return try images.row(i)
    }

    /// 0-based label of image `i`.
    public func label(_ i: Int) -> Int {
        labels.withUnsafeBufferPointer { Int($0[i]) }
    }

    /// Positions (0-based, ascending) of the images of class `label`.
    public func indices(ofClass label: Int) throws -> [Int] {
        guard label >= 0, label < classCount else {
            throw LunetError("class \(position: label) out of range for \(classCount) classes")
        }
        return labels.withUnsafeBufferPointer { buffer in
            buffer.indices.filter { buffer[$0] == Int32(label) }
        }
    }

    /// Positions (0-based, ascending) of every class's images, by class: one
    /// pass over the labels, for samplers and tasks that draw by class.
    public var indicesByClass: [[Int]] {
        var members = [[Int]](repeating: [], count: classCount)
        labels.withUnsafeBufferPointer { labels in
            for (i, label) in labels.enumerated() { members[Int(label)].append(i) }
        }
        return members
    }

    /// The 0-based label of a class given by name.
    public func classIndex(named name: String) throws -> Int {
        guard let index = classes.firstIndex(of: name) else {
            throw LunetError("no class named '\(name)' among \(classCount) classes")
        }
        return index
    }

    /// The same images and labels with other class metadata (used when classes are selected).
    func replacingClasses(labels: Tensor<Int32>, images: Tensor<UInt8>, keeping kept: [Int]) throws -> Dataset {
        var keptGroups: [Int] = []
        for c in kept { if let g = classGroups?[c], !keptGroups.contains(g) { keptGroups.append(g) } }
        keptGroups.sort()
        return try Dataset(
            images: images, labels: labels, classes: kept.map { classes[$0] },
            descriptions: descriptions.map { d in kept.map { d[$0] } },
            groups: keptGroups.map { groups[$0] },
            classGroups: classGroups.map { cg in kept.map { keptGroups.firstIndex(of: cg[$0])! } })
    }
}
