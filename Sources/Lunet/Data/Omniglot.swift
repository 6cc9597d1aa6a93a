/// Omniglot in its official layout, `<alphabet>/<character>/*.png` (105x105,
/// 1-bit), from the folder or the official zip (`images_background.zip`,
/// `images_evaluation.zip`, the `_small1`/`_small2` variants). One class per
/// character, named `Alphabet/characterNN`; alphabets are the groups; all in
/// sorted order.
///
/// ```lua
/// local bg = data.omniglot("images_background.zip")           -- 19280 images 1x105x105
/// local inked = data.omniglot("images_background.zip", {invert = true})
/// ```
public enum Omniglot {
    public static let imageSize = 105

    /// `invert` makes ink 255 and paper 0 (as distributed, paper is 255).
    public static func load(_ path: String, invert: Bool = false, parallel: Bool = true) throws -> Dataset {
        let source = try openDataSource(path)
        let alphabets = try source.folders(in: "")
        guard !alphabets.isEmpty else {
            throw LunetError("'\(source.location)' is not an Omniglot set: expected <alphabet>/<character>/*.png, found no alphabet folder")
        }
        if source.isFile("\(alphabets[0])/class_labels.txt") {
            throw LunetError("'\(source.location)' holds one-shot runs, not alphabets: read it with \(subject: DataDeclarations.omniglotRuns.subject)")
        }
        var files: [String] = [], labels: [Int32] = [], classes: [String] = [], classGroups: [Int] = []
        for (group, alphabet) in alphabets.enumerated() {
            let characters = try source.folders(in: alphabet)
            guard !characters.isEmpty else {
                throw LunetError("alphabet '\(source.describe(alphabet))' has no character folders")
            }
            for character in characters {
                let folder = "\(alphabet)/\(character)"
                let names = try source.files(in: folder).filter { $0.lowercased().hasSuffix(".png") }
                guard !names.isEmpty else { throw LunetError("class '\(folder)' has no images: no .png file in '\(source.describe(folder))'") }
                files += names.map { "\(folder)/\($0)" }
                labels += Array(repeating: Int32(classes.count), count: names.count)
                classes.append(folder)
                classGroups.append(group)
            }
        }
        let images = try loader(invert: invert, parallel: parallel).load(files, from: source)
        return try Dataset(images: images, labels: Tensor(shape: [labels.count], scalars: labels),
                           classes: classes, groups: alphabets, classGroups: classGroups)
    }

    static func loader(invert: Bool, parallel: Bool) -> ImageLoader {
        var loader = ImageLoader(channels: 1, height: imageSize, width: imageSize)
        loader.invert = invert
        loader.parallel = parallel
        return loader
    }

    /// The official 20-way one-shot benchmark (`all_runs.zip` or its folder):
    /// `runNN/training/classNN.png` (support), `runNN/test/itemNN.png`
    /// (queries), `runNN/class_labels.txt` (`runNN/test/itemNN.png runNN/training/classNN.png`).
    ///
    /// ```lua
    /// local runs = data.omniglotRuns("all_runs.zip")   -- runs[1].support, .query, .answers
    /// ```
    public static func loadRuns(_ path: String, invert: Bool = false) throws -> [OneShotRun] {
        let source = try openDataSource(path)
        let names = try source.folders(in: "").filter { $0.hasPrefix("run") }
        guard !names.isEmpty else {
            throw LunetError("'\(source.location)' holds no one-shot runs: expected folders run01, run02, ... as in all_runs.zip")
        }
        var layouts: [(support: [String], query: [String], answers: [Int])] = []
        for name in names { layouts.append(try runLayout(source, name)) }
        let all = layouts.flatMap { $0.support + $0.query }
        let images = try loader(invert: invert, parallel: true).load(all, from: source)
        var offset = 0
        return try zip(names, layouts).map { name, layout in
            let support = try images.narrowed(dimension: 0, start: offset, length: layout.support.count)
            offset += layout.support.count
            let query = try images.narrowed(dimension: 0, start: offset, length: layout.query.count)
            offset += layout.query.count
            return OneShotRun(name: name, support: support, query: query, answers: layout.answers)
        }
    }

    /// Support and query files of one run and, per query, the 0-based support image it matches.
    static func runLayout(_ source: any DataSource, _ run: String) throws -> (support: [String], query: [String], answers: [Int]) {
        let support = try source.files(in: "\(run)/training").filter { $0.hasSuffix(".png") }.map { "\(run)/training/\($0)" }
        let query = try source.files(in: "\(run)/test").filter { $0.hasSuffix(".png") }.map { "\(run)/test/\($0)" }
        guard !support.isEmpty, !query.isEmpty else {
            throw LunetError("run '\(source.describe(run))' has \(support.count) training and \(query.count) test images")
        }
        let labelsPath = "\(run)/class_labels.txt"
        var answerOf: [String: Int] = [:]
        for line in try source.lines(labelsPath) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count == 2, let answer = support.firstIndex(of: fields[1]) else {
                throw LunetError("'\(source.describe(labelsPath))': expected '<test image> <training image>' naming files of the run, got '\(line)'")
            }
            answerOf[fields[0]] = answer
        }
        let answers = try query.map { file in
            guard let answer = answerOf[file] else {
                throw LunetError("labels do not match the images: '\(source.describe(file))' has no line in '\(source.describe(labelsPath))'")
            }
            return answer
        }
        return (support, query, answers)
    }
}
