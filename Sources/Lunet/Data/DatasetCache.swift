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
        // The index goes first and comes back last: an interrupted overwrite
        // leaves a folder without index, never an old index over new arrays.
        let indexPath = folder + "/dataset.json"
        if FileManager.default.fileExists(atPath: indexPath) {
            do {
                try FileManager.default.removeItem(atPath: indexPath)
            } catch {
                throw LunetError("cannot replace '\(indexPath)': \(error.localizedDescription)")
            }
        }
        try NumpyFile.save(.byte(dataset.images), to: folder + "/images.npy")
        try NumpyFile.save(.int(dataset.labels), to: folder + "/labels.npy")
        var index: [String: JSONValue] = [
            "format": .string(format), "version": .int(version), "count": .int(dataset.count),
            "classes": .array(dataset.classes.map(JSONValue.string)), "groups": .array(dataset.groups.map(JSONValue.string)),
        ]
        if let descriptions = dataset.descriptions { index["descriptions"] = .array(descriptions.map(JSONValue.string)) }
        if let classGroups = dataset.classGroups { index["classGroups"] = .array(classGroups.map(JSONValue.int)) }
        try AtomicFile.write(Data(try JSONValue.object(index).encoded().utf8), to: indexPath)
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
            throw LunetError("'\(indexPath)' is not a lunet dataset index: \(error.message)")
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
            throw LunetError("'\(folder)' is inconsistent: \(error.message)")
        }
    }
}
