import CZip
import Foundation

/// Files of a zip archive, read in place through libzip. When every entry
/// sits under one top folder (`images_background/...`, `tiny-imagenet-200/...`)
/// paths are taken relative to it, so the archive and its unzipped folder
/// read the same.
public final class ZipSource: DataSource, @unchecked Sendable {
    public let location: String
    private let archive: OpaquePointer
    /// libzip's handles are not thread-safe: reads take turns (decoding, the
    /// costly part, runs outside the lock).
    private let lock = NSLock()
    private var entryIndex: [String: UInt64] = [:]
    private var children: [String: (files: [String], folders: [String])] = [:]

    public init(_ location: String) throws {
        self.location = location
        var code: Int32 = 0
        guard let archive = zip_open(location, ZIP_RDONLY, &code) else {
            throw LunetError("'\(location)' is not a readable zip archive: \(ZipSource.message(code))")
        }
        self.archive = archive
        try indexEntries()
    }

    deinit {
        zip_discard(archive)
    }

    private static func message(_ code: Int32) -> String {
        var error = zip_error_t()
        zip_error_init_with_code(&error, code)
        defer { zip_error_fini(&error) }
        return String(cString: zip_error_strerror(&error))
    }

    private func indexEntries() throws {
        var names: [(String, UInt64)] = []
        for i in 0..<UInt64(max(0, zip_get_num_entries(archive, 0))) {
            guard let name = zip_get_name(archive, i, zip_flags_t(ZIP_FL_ENC_GUESS)) else { continue }
            let text = String(cString: name)
            if !text.hasSuffix("/"), !text.hasPrefix("__MACOSX/") { names.append((text, i)) }
        }
        let tops = Set(names.map { $0.0.split(separator: "/", maxSplits: 1).first.map(String.init) ?? "" })
        let prefix = tops.count == 1 && names.allSatisfy({ $0.0.contains("/") }) ? tops.first! + "/" : ""
        var files: [String: [String]] = [:], folders: [String: Set<String>] = [:]
        for (name, index) in names {
            let path = String(name.dropFirst(prefix.count))
            entryIndex[path] = index
            var parts = path.split(separator: "/").map(String.init)
            files[parts.dropLast().joined(separator: "/"), default: []].append(parts.removeLast())
            while !parts.isEmpty {
                let child = parts.removeLast()
                folders[parts.joined(separator: "/"), default: []].insert(child)
            }
        }
        for key in Set(files.keys).union(folders.keys) {
            children[key] = (codePointSorted(files[key] ?? []), codePointSorted(Array(folders[key] ?? [])))
        }
    }

    public func files(in folder: String) throws -> [String] {
        guard let entry = children[folder] else { throw LunetError("missing folder '\(describe(folder))'") }
        return entry.files
    }

    public func folders(in folder: String) throws -> [String] {
        guard let entry = children[folder] else { throw LunetError("missing folder '\(describe(folder))'") }
        return entry.folders
    }

    public func isFile(_ path: String) -> Bool { entryIndex[path] != nil }
    public func isFolder(_ path: String) -> Bool { children[path] != nil }

    public func describe(_ path: String) -> String { path.isEmpty ? location : location + ":" + path }

    public func read(_ path: String) throws -> [UInt8] {
        guard let index = entryIndex[path] else { throw LunetError("missing file '\(describe(path))'") }
        lock.lock()
        defer { lock.unlock() }
        var info = zip_stat_t()
        guard zip_stat_index(archive, index, 0, &info) == 0, let file = zip_fopen_index(archive, index, 0) else {
            throw LunetError("cannot read '\(describe(path))': \(String(cString: zip_strerror(archive)))")
        }
        defer { zip_fclose(file) }
        // The size comes from the archive's own header: check it before trusting it.
        guard info.size <= 1 << 31 else {
            throw LunetError("cannot read '\(describe(path))': the archive says it holds \(info.size) bytes, more than lunet reads from one entry")
        }
        try MemoryBudget.check(bytes: Int(info.size), for: "the \(info.size) bytes '\(describe(path))' says it holds")
        // Inflating stops one byte past the recorded size (below): memory stays bounded by it.
        var bytes = [UInt8](repeating: 0, count: Int(info.size))
        let size = bytes.count
        var done = 0
        // Read until libzip reports the end: its CRC check runs there.
        while true {
            var scratch: UInt8 = 0
            let n = done < size
                ? bytes.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress! + done, UInt64(size - done)) }
                : zip_fread(file, &scratch, 1)
            guard n >= 0 else {
                throw LunetError("'\(describe(path))' is corrupt: \(String(cString: zip_error_strerror(zip_file_get_error(file))))")
            }
            if n == 0 { break }
            guard done < size else { throw LunetError("'\(describe(path))' is corrupt: longer than its recorded size") }
            done += Int(n)
        }
        guard done == size else { throw LunetError("'\(describe(path))' is truncated: \(done) of \(size) bytes") }
        return bytes
    }
}
