import Foundation

/// A tree of files a loader reads: a folder on disk or a zip archive (read
/// in place, as distributed). Paths inside are relative, joined with `/`;
/// `""` is the root.
public protocol DataSource: AnyObject, Sendable {
    /// The folder or archive, as given.
    var location: String { get }
    /// Names of the files directly in `folder`, sorted by code point (Python's `sorted`).
    func files(in folder: String) throws -> [String]
    /// Names of the subfolders of `folder`, sorted.
    func folders(in folder: String) throws -> [String]
    func isFile(_ path: String) -> Bool
    func isFolder(_ path: String) -> Bool
    /// The whole file; safe to call from several threads.
    func read(_ path: String) throws -> [UInt8]
    /// Entries `files(in:)` passed over because they are not regular files
    /// (a FIFO, a device, a broken link), with why: `'cats/a' (FIFO)`.
    var skippedEntries: [String] { get }
}

extension DataSource {
    public var skippedEntries: [String] { [] }

    /// Says, in one line, which entries were passed over (if any).
    public func noteSkippedEntries() {
        let skipped = skippedEntries
        guard !skipped.isEmpty else { return }
        let shown = skipped.prefix(5).joined(separator: ", ") + (skipped.count > 5 ? ", ..." : "")
        Notice.write("skipped \(skipped.count) entr\(skipped.count == 1 ? "y" : "ies") of '\(location)' that "
                     + "\(skipped.count == 1 ? "is not a regular file" : "are not regular files"): \(shown)")
    }

    /// How error messages name a file of this source.
    public func describe(_ path: String) -> String {
        path.isEmpty ? location : location.hasSuffix("/") ? location + path : location + "/" + path
    }

    /// Text of a file, lines without their end (`\r\n` or `\n`), empty lines dropped.
    public func lines(_ path: String) throws -> [Substring] {
        guard isFile(path) else { throw LunetError("missing file '\(describe(path))'") }
        let bytes = try read(path)
        return String(decoding: bytes, as: UTF8.self)
            .split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }

    /// Fails with a message naming `what` when `folder` is absent.
    public func requireFolder(_ folder: String, _ what: String) throws {
        guard isFolder(folder) else { throw LunetError("missing folder '\(describe(folder))' (\(what))") }
    }
}

/// Opens `path` as a folder, or as a zip archive when it is a file.
public func openDataSource(_ path: String) throws -> any DataSource {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw LunetError("no such folder or zip file '\(path)'")
    }
    if isDirectory.boolValue { return FolderSource(path) }
    guard FilePath.isRegularFile(path) else { throw LunetError("'\(path)' is neither a folder nor a regular file") }
    return try ZipSource(path)
}

/// Sorted by UTF-8 bytes, as Python's `sorted` orders ASCII names.
func codePointSorted(_ names: [String]) -> [String] {
    names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
}
