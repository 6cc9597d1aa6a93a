import Foundation

/// A decoded dataset on disk, to skip decoding next time: a folder with
/// `images.npy` (UInt8 `[N, C, H, W]`), `labels.npy` (Int32 `[N]`, 0-based,
/// as NumPy code expects) and `dataset.json` (class names, descriptions,
/// groups). NumPy reads the arrays as they are.
///
/// ```lua
/// tin:save("cache/tin-train")
/// local tin = data.load("cache/tin-train")
/// ```
public enum DatasetCache {
    static let format = "lunet.Dataset"
    static let version = 1

    public static func save(_ dataset: Dataset, to folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw LunetError("cannot create folder '\(folder)': \(error.localizedDescription)")
        }
        try NumpyFile.save(.byte(dataset.images), to: folder + "/images.npy")
        try NumpyFile.save(.int(dataset.labels), to: folder + "/labels.npy")
        var index: [String: Any] = ["format": format, "version": version, "count": dataset.count,
                                    "classes": dataset.classes, "groups": dataset.groups]
        if let descriptions = dataset.descriptions { index["descriptions"] = descriptions }
        if let classGroups = dataset.classGroups { index["classGroups"] = classGroups }
        let json = try JSONSerialization.data(withJSONObject: index, options: [.prettyPrinted, .sortedKeys])
        // Written last: a folder with an index is complete.
        try AtomicFile.write(json, to: folder + "/dataset.json")
    }

    public static func load(_ folder: String) throws -> Dataset {
        let indexPath = folder + "/dataset.json"
        guard FileManager.default.fileExists(atPath: indexPath) else {
            throw LunetError("'\(folder)' is not a saved dataset: missing '\(indexPath)' (write one with ds:save(path))")
        }
        let raw = try AtomicFile.read(indexPath)
        guard let index = try? JSONSerialization.jsonObject(with: raw) as? [String: Any],
              index["format"] as? String == format else {
            throw LunetError("'\(indexPath)' is not a lunet dataset index")
        }
        guard let version = index["version"] as? Int, version <= self.version else {
            throw LunetError("'\(indexPath)': unsupported dataset index version \(index["version"] ?? "none")")
        }
        guard let classes = index["classes"] as? [String] else { throw LunetError("'\(indexPath)' has no class list") }
        guard case .byte(let images) = try NumpyFile.load(folder + "/images.npy") else {
            throw LunetError("'\(folder)/images.npy': expected uint8 images")
        }
        guard case .int(let labels) = try NumpyFile.load(folder + "/labels.npy") else {
            throw LunetError("'\(folder)/labels.npy': expected int32 labels")
        }
        do {
            return try Dataset(images: images, labels: labels, classes: classes,
                               descriptions: index["descriptions"] as? [String],
                               groups: index["groups"] as? [String] ?? [], classGroups: index["classGroups"] as? [Int])
        } catch let error as LunetError {
            throw LunetError("'\(folder)' is inconsistent: \(error.message)")
        }
    }
}
