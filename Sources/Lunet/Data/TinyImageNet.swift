/// Tiny ImageNet in its official layout (folder or `tiny-imagenet-200.zip`):
/// `wnids.txt`, `words.txt`, `train/<wnid>/images/*.JPEG`,
/// `val/images/*.JPEG` with `val/val_annotations.txt`.
///
/// Classes come in sorted wnid order and images in sorted file order, as the
/// course's solution reads them, so results compare. Grayscale JPEGs become
/// 3 equal channels.
///
/// ```lua
/// local tin = data.tinyimagenet("tiny-imagenet-200")            -- 100000 images 3x64x64
/// local val = data.tinyimagenet("tiny-imagenet-200", {split = "val"})
/// ```
public enum TinyImageNet {
    public enum Split: String, CaseIterable, Sendable {
        case train, val
    }

    public static let imageSize = 64

    public static func load(_ path: String, split: Split = .train, parallel: Bool = true) throws -> Dataset {
        let source = try openDataSource(path)
        let wnids = try classIDs(source)
        let words = try descriptions(source, for: wnids)
        let (files, labels) = split == .train ? try trainFiles(source, wnids) : try valFiles(source, wnids)
        var loader = ImageLoader(channels: 3, height: imageSize, width: imageSize)
        loader.parallel = parallel
        let images = try loader.load(files, from: source)
        return try Dataset(images: images, labels: Tensor(shape: [labels.count], scalars: labels),
                           classes: wnids, descriptions: words)
    }

    /// The wnids of `wnids.txt`, sorted, checked for duplicates.
    static func classIDs(_ source: any DataSource) throws -> [String] {
        guard source.isFile("wnids.txt") else {
            throw LunetError("'\(source.location)' is not a Tiny ImageNet folder: missing '\(source.describe("wnids.txt"))'")
        }
        let wnids = codePointSorted(try source.lines("wnids.txt").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty })
        guard !wnids.isEmpty else { throw LunetError("'\(source.describe("wnids.txt"))' lists no classes") }
        if let twice = zip(wnids, wnids.dropFirst()).first(where: { $0 == $1 }) {
            throw LunetError("'\(source.describe("wnids.txt"))' lists class '\(twice.0)' twice")
        }
        return wnids
    }

    /// The words of each wnid from `words.txt` (`wnid<TAB>words`); nil without the file.
    static func descriptions(_ source: any DataSource, for wnids: [String]) throws -> [String]? {
        guard source.isFile("words.txt") else { return nil }
        let wanted = Set(wnids)
        var words: [String: String] = [:]
        for line in try source.lines("words.txt") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            let wnid = String(parts[0]).trimmingWhitespace()
            if parts.count == 2, wanted.contains(wnid) { words[wnid] = String(parts[1]).trimmingWhitespace() }
        }
        return wnids.map { words[$0] ?? "" }
    }

    static func isJPEG(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".jpeg") || lower.hasSuffix(".jpg")
    }

    static func trainFiles(_ source: any DataSource, _ wnids: [String]) throws -> ([String], [Int32]) {
        var files: [String] = [], labels: [Int32] = []
        for (label, wnid) in wnids.enumerated() {
            let folder = "train/\(wnid)/images"
            try source.requireFolder(folder, "the training images of class '\(wnid)' listed in wnids.txt")
            let names = try source.files(in: folder).filter(isJPEG)
            guard !names.isEmpty else {
                throw LunetError("class '\(wnid)' has no images: no .JPEG file in '\(source.describe(folder))'")
            }
            files += names.map { "\(folder)/\($0)" }
            labels += Array(repeating: Int32(label), count: names.count)
        }
        return (files, labels)
    }

    /// `val/images` in sorted file order, labelled by `val_annotations.txt`
    /// (`file<TAB>wnid<TAB>box`).
    static func valFiles(_ source: any DataSource, _ wnids: [String]) throws -> ([String], [Int32]) {
        let annotationsPath = "val/val_annotations.txt"
        try source.requireFolder("val/images", "the validation images")
        let labelOf = Dictionary(uniqueKeysWithValues: wnids.enumerated().map { ($1, Int32($0)) })
        var annotated: [String: Int32] = [:]
        for line in try source.lines(annotationsPath) {
            let fields = line.split(separator: "\t")
            guard fields.count >= 2 else {
                throw LunetError("'\(source.describe(annotationsPath))': expected 'file<TAB>wnid<TAB>box', got '\(line)'")
            }
            let wnid = String(fields[1])
            guard let label = labelOf[wnid] else {
                throw LunetError("'\(source.describe(annotationsPath))': '\(fields[0])' has class '\(wnid)', which wnids.txt does not list")
            }
            annotated[String(fields[0])] = label
        }
        let names = try source.files(in: "val/images").filter(isJPEG)
        guard !names.isEmpty else { throw LunetError("no .JPEG file in '\(source.describe("val/images"))'") }
        let labels = try names.map { name in
            guard let label = annotated[name] else {
                throw LunetError("labels do not match the images: '\(source.describe("val/images/" + name))' has no line in '\(source.describe(annotationsPath))'")
            }
            return label
        }
        if annotated.count != names.count {
            let present = Set(names)
            let missing = annotated.keys.sorted().first { !present.contains($0) } ?? "?"
            throw LunetError("labels do not match the images: '\(source.describe(annotationsPath))' names '\(missing)', which is not in '\(source.describe("val/images"))'")
        }
        return (names.map { "val/images/\($0)" }, labels)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line ends.
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
