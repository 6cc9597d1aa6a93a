import Foundation

/// Files of a folder on disk.
public final class FolderSource: DataSource, @unchecked Sendable {
    public let location: String
    private let lock = NSLock()
    private var skipped: [String] = []

    public var skippedEntries: [String] { lock.withLock { skipped } }

    public init(_ location: String) {
        self.location = location
    }

    /// Names in `folder` that are folders (or regular files), from readdir's
    /// entry types: no stat per file, which matters for 100,000 images. FIFOs,
    /// sockets and devices are neither (reading one could block forever): when
    /// listing files they are recorded in `skippedEntries`, as are broken links.
    private func entries(_ folder: String, folders: Bool) throws -> [String] {
        let path = describe(folder)
        guard let directory = opendir(path) else { throw LunetError("missing folder '\(path)'") }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let type = entry.pointee.d_type
            let unknown = type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK)
            let relative = folder.isEmpty ? name : folder + "/" + name
            let wanted = folders
                ? type == UInt8(DT_DIR) || unknown && isFolder(relative)
                : type == UInt8(DT_REG) || unknown && isFile(relative)
            if wanted {
                names.append(name)
            } else if !folders, let kind = Self.skippedKind(type, isFolder(relative)) {
                lock.withLock { skipped.append("'\(relative)' (\(kind))") }
            }
        }
        return codePointSorted(names)
    }

    /// Why a file listing passes over an entry of readdir type `type`; nil
    /// for folders, which a listing of files passes over silently.
    private static func skippedKind(_ type: UInt8, _ isFolder: Bool) -> String? {
        switch Int32(type) {
        case Int32(DT_DIR): nil
        case Int32(DT_FIFO): "FIFO"
        case Int32(DT_SOCK): "socket"
        case Int32(DT_CHR), Int32(DT_BLK): "device"
        case Int32(DT_LNK): isFolder ? nil : "broken link or link to a special file"
        default: isFolder ? nil : "not a regular file"
        }
    }

    public func files(in folder: String) throws -> [String] { try entries(folder, folders: false) }
    public func folders(in folder: String) throws -> [String] { try entries(folder, folders: true) }

    public func isFile(_ path: String) -> Bool {
        FilePath.isRegularFile(describe(path))
    }

    public func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: describe(path), isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Reads with POSIX calls: thread-safe and one copy.
    public func read(_ path: String) throws -> [UInt8] {
        let full = describe(path)
        // Non-blocking, so that opening a FIFO returns at once and is refused below.
        let fd = open(full, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw LunetError("cannot read '\(full)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LunetError("cannot read '\(full)': \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw LunetError("cannot read '\(full)': not a regular file") }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw LunetError("cannot read '\(full)': \(n < 0 ? String(cString: strerror(errno)) : "file shrank while reading")") }
            done += n
        }
        return bytes
    }
}
