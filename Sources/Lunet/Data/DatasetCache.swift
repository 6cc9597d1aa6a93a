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

    /// The files a saved dataset's folder holds; saving replaces only such a folder.
    static let fileNames: Set<String> = ["dataset.json", "images.npy", "labels.npy"]

    /// Writes the dataset whole into a hidden sibling folder, then puts that
    /// folder at `folder` in one step: an interruption (kill -9, a full disk)
    /// leaves the old dataset or the new one, never a mix or nothing.
    public static func save(_ dataset: Dataset, to folder: String) throws {
        let manager = FileManager.default
        let target = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: target, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw LunetError("cannot save dataset to '\(folder)': it is a file") }
            let names = (try? manager.contentsOfDirectory(atPath: target)) ?? []
            guard names.allSatisfy(fileNames.contains) else {
                throw LunetError("cannot save dataset to '\(folder)': the folder holds other files than a saved dataset's (dataset.json, images.npy, labels.npy)")
            }
        }
        let parent = URL(fileURLWithPath: target).deletingLastPathComponent().path
        let temporary = AtomicFile.temporaryPath(for: target)
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        } catch {
            throw LunetError("cannot create folder '\(folder)': \(error.localizedDescription)")
        }
        do {
            try write(dataset, into: temporary)
            try AtomicFile.replaceFolder(target, with: temporary)
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
    }

    /// The three files of a saved dataset, in a folder of its own.
    private static func write(_ dataset: Dataset, into folder: String) throws {
        try NumpyFile.save(.byte(dataset.images), to: folder + "/images.npy")
        try NumpyFile.save(.int(dataset.labels), to: folder + "/labels.npy")
        var index: [String: JSONValue] = [
            "format": .string(format), "version": .int(version), "count": .int(dataset.count),
            "classes": .array(dataset.classes.map(JSONValue.string)), "groups": .array(dataset.groups.map(JSONValue.string)),
        ]
        if let descriptions = dataset.descriptions { index["descriptions"] = .array(descriptions.map(JSONValue.string)) }
        if let classGroups = dataset.classGroups { index["classGroups"] = .array(classGroups.map(JSONValue.int)) }
        try AtomicFile.write(Data(try JSONValue.object(index).encoded().utf8), to: folder + "/dataset.json")
    }

    public static func load(_ folder: String) throws -> Dataset {
        let indexPath = folder + "/dataset.json"
        guard FileManager.default.fileExists(atPath: indexPath) else {
            throw LunetError("'\(folder)' is not a saved dataset: missing '\(indexPath)' (write one with ds:save(path))")
        }
        let index: JSONValue
        do {
            index = try JSONValue.parse(try AtomicFile.read(indexPath))
        } catch let error as LunetError {
            throw LunetError("'\(indexPath)' is not a lunet dataset index: \(error)")
        }
        guard index["format"]?.stringValue == format else {
            throw LunetError("'\(indexPath)' is not a lunet dataset index")
        }
        guard let version = index["version"]?.intValue, version <= self.version else {
            throw LunetError("'\(indexPath)': unsupported dataset index version \(index["version"].map { (try? $0.encoded()) ?? "" } ?? "none")")
        }
        func list<T>(_ key: String, _ read: (JSONValue) -> T?) throws -> [T]? {
            guard let value = index[key] else { return nil }
            guard let items = value.arrayValue?.compactMap(read), items.count == value.arrayValue?.count else {
                throw LunetError("'\(indexPath)': '\(key)' must be a list of \(T.self == String.self ? "strings" : "integers")")
            }
            return items
        }
        guard let classes = try list("classes", \.stringValue) else { throw LunetError("'\(indexPath)' has no class list") }
        let descriptions = try list("descriptions", \.stringValue)
        let groups = try list("groups", \.stringValue) ?? []
        let classGroups = try list("classGroups", \.intValue)
        guard case .byte(let images) = try NumpyFile.load(folder + "/images.npy") else {
            throw LunetError("'\(folder)/images.npy': expected uint8 images")
        }
        guard case .int(let labels) = try NumpyFile.load(folder + "/labels.npy") else {
            throw LunetError("'\(folder)/labels.npy': expected int32 labels")
        }
        guard let count = index["count"]?.intValue else { throw LunetError("'\(indexPath)': 'count' must be an integer") }
        guard count == images.shape.first, count == labels.shape.first else {
            throw LunetError("'\(folder)' is inconsistent: dataset.json counts \(count) items, images.npy holds \(images.shape.first ?? 0) and labels.npy \(labels.shape.first ?? 0)")
        }
        do {
            return try Dataset(images: images, labels: labels, classes: classes, descriptions: descriptions,
                               groups: groups, classGroups: classGroups)
        } catch let error as LunetError {
            throw LunetError("'\(folder)' is inconsistent: \(error)")
        }
    }
}
