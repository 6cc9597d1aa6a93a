import Foundation

/// Fetches the official archives with curl and checks their MD5. The loaders
/// read the zips as they are, so nothing is unpacked. Without a network it
/// fails saying how to place the files by hand.
///
/// ```lua
/// local paths = data.download("omniglot", "datasets")   -- {".../images_background.zip", ...}
/// local bg = data.omniglot(paths[1])
/// ```
public enum DatasetDownload {
    public struct Item: Sendable {
        public let file: String
        public let url: String
        public let md5: String
    }

    /// Addresses and checksums as torchvision and the datasets' pages give them.
    public static let catalog: [String: [Item]] = [
        "tinyimagenet": [Item(file: "tiny-imagenet-200.zip", url: "http://cs231n.stanford.edu/tiny-imagenet-200.zip",
                              md5: "90528d7ca1a48142e341f4ef8d21d0de")],
        "omniglot": [
            Item(file: "images_background.zip",
                 url: "https://github.com/brendenlake/omniglot/raw/master/python/images_background.zip",
                 md5: "68d2efa1b9178cc56df9314c21c6e718"),
            Item(file: "images_evaluation.zip",
                 url: "https://github.com/brendenlake/omniglot/raw/master/python/images_evaluation.zip",
                 md5: "6b91aef0f799c5bb55b94e3f2daec811"),
            // The 20 one-shot runs of Lake et al. (oneshot.runs); the checksum is that of
            // the copy the tests read (no network here to check it against the original).
            Item(file: "all_runs.zip",
                 url: "https://github.com/brendenlake/omniglot/raw/master/python/one-shot-classification/all_runs.zip",
                 md5: "e8996daecdf12afeeb4a53a179f06b19"),
        ],
    ]

    /// Downloads `name`'s archives into `folder` (skipping those already there
    /// with the right checksum) and returns their paths. `url` replaces the
    /// official address (a mirror; tests use an unreachable one).
    public static func fetch(_ name: String, into folder: String, url: String? = nil) throws -> [String] {
        guard let items = catalog[name] else {
            throw LunetError("\(subject: DataDeclarations.download.subject): unknown dataset '\(name)'; expected one of \(catalog.keys.sorted().map { "'\($0)'" }.joined(separator: ", "))")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw LunetError("\(subject: DataDeclarations.download.subject): cannot create folder '\(folder)': \(error.localizedDescription)")
        }
        return try items.map { item in
            let target = folder + "/" + item.file
            if FileManager.default.fileExists(atPath: target), (try? md5(of: target)) == item.md5 { return target }
            try download(item, from: url ?? item.url, to: target, name: name, folder: folder)
            return target
        }
    }

    static func download(_ item: Item, from url: String, to target: String, name: String, folder: String) throws {
        let manual = manualSteps(name, folder)
        guard let curl = findExecutable("curl") else {
            throw LunetError("\(subject: Subject(DataDeclarations.download.name, detail: .text("'\(name)'"))): curl is not installed. \(manual)")
        }
        let partial = target + ".part"
        let (status, errorText) = try run(curl, ["-fsSL", "--retry", "2", "--connect-timeout", "20", "-o", partial, url])
        guard status == 0 else {
            unlink(partial)
            throw LunetError("\(subject: Subject(DataDeclarations.download.name, detail: .text("'\(name)'"))): cannot fetch \(url) (curl exit \(status): \(errorText)). \(manual)")
        }
        let sum = try md5(of: partial)
        guard sum == item.md5 else {
            unlink(partial)
            throw LunetError("\(subject: Subject(DataDeclarations.download.name, detail: .text("'\(name)'"))): \(item.file) from \(url) has MD5 \(sum), expected \(item.md5). \(manual)")
        }
        guard rename(partial, target) == 0 else {
            throw LunetError("\(subject: Subject(DataDeclarations.download.name, detail: .text("'\(name)'"))): cannot move the download to '\(target)': \(String(cString: strerror(errno)))")
        }
    }

    /// How to do by hand what the download would have done.
    static func manualSteps(_ name: String, _ folder: String) -> String {
        let items = catalog[name] ?? []
        let list = items.map { "\($0.url) (MD5 \($0.md5))" }.joined(separator: " and ")
        let loader = name == "tinyimagenet" ? "data.tinyimagenet('\(folder)/tiny-imagenet-200.zip')"
            : "data.omniglot('\(folder)/images_background.zip')"
        return "To place the files by hand, download \(list) into '\(folder)', then load with \(loader) (an unzipped folder works too)."
    }

    static func md5(of path: String) throws -> String {
        guard let tool = findExecutable("md5sum") else { throw LunetError("md5sum is not installed (coreutils)") }
        let (status, output) = try run(tool, [path], captureOutput: true)
        guard status == 0, let sum = output.split(separator: " ").first else {
            throw LunetError("cannot checksum '\(path)': \(output)")
        }
        return String(sum)
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a tool; returns its exit status and its standard error (or output).
    static func run(_ tool: String, _ arguments: [String], captureOutput: Bool = false) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        if captureOutput { process.standardOutput = pipe } else { process.standardError = pipe }
        do { try process.run() } catch { throw LunetError("cannot run \(tool): \(error.localizedDescription)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (process.terminationStatus, text)
    }
}
