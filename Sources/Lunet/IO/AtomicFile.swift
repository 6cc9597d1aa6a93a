import Foundation

/// Writes files whole or not at all: data goes to a temporary file beside the
/// target, is flushed, then renamed over it.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw LunetError("cannot write '\(path)': it is a folder; give a file name")
        }
        guard !path.hasSuffix("/") else { throw LunetError("cannot write '\(path)': a file name cannot end with '/'") }
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LunetError("cannot write '\(path)': folder '\(directory)' does not exist")
        }
        let temporary = temporaryPath(for: path)
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw LunetError("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else {
                throw LunetError("cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary)
            if let error = error as? LunetError { throw error }
            throw LunetError("cannot write '\(path)': \(error.localizedDescription)")
        }
        removeStaleTemporaries(of: path)
    }

    /// `<folder>/.<name>.tmp-<pid>-<random>`: beside the target (so renaming
    /// it over the target stays on one file system), hidden, and telling
    /// which process wrote it.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path + "/." + url.lastPathComponent
            + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Removes temporaries of `path` left by writers that were interrupted
    /// (kill -9, a full disk): those whose process is gone. Called once a
    /// write of `path` has succeeded; a writer still running keeps its file.
    static func removeStaleTemporaries(of path: String) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = name.dropFirst(prefix.count).split(separator: "-").first.flatMap({ pid_t($0) }),
                  pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// Puts the complete folder `temporary` at `folder`, replacing what was
    /// there in one step where the kernel can (renameat2's exchange), so an
    /// interruption leaves the old folder or the new one, never neither.
    static func replaceFolder(_ folder: String, with temporary: String) throws {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard rename(temporary, folder) == 0 else {
                throw LunetError("cannot write '\(folder)': \(String(cString: strerror(errno)))")
            }
        } else if exchange(temporary, folder) {
            try? FileManager.default.removeItem(atPath: temporary)
        } else {
            // No exchange on this file system: move the old folder aside first.
            let old = temporaryPath(for: folder)
            guard rename(folder, old) == 0 else { throw LunetError("cannot replace '\(folder)': \(String(cString: strerror(errno)))") }
            guard rename(temporary, folder) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = rename(old, folder)
                throw LunetError("cannot replace '\(folder)': \(reason)")
            }
            try? FileManager.default.removeItem(atPath: old)
        }
        removeStaleTemporaries(of: folder)
    }

    /// Swaps two paths atomically with Linux's renameat2(RENAME_EXCHANGE)
    /// (looked up at run time: Glibc's Swift module does not declare it).
    private static func exchange(_ a: String, _ b: String) -> Bool {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }

    /// The whole file, or an error naming it.
    public static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LunetError("cannot read '\(path)': no such file")
        }
        guard !isDirectory.boolValue else { throw LunetError("cannot read '\(path)': it is a folder") }
        guard FilePath.isRegularFile(path) else { throw LunetError("cannot read '\(path)': not a regular file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw LunetError("cannot read '\(path)': \(error.localizedDescription)")
        }
    }
}
