import Foundation

/// Writes files whole or not at all: data goes to a temporary file beside the
/// target, is flushed, then renamed over it.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LunetError("cannot write '\(path)': folder '\(directory)' does not exist")
        }
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
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
    }

    /// The whole file, or an error naming it.
    public static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LunetError("cannot read '\(path)': no such file")
        }
        guard !isDirectory.boolValue else { throw LunetError("cannot read '\(path)': it is a folder") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw LunetError("cannot read '\(path)': \(error.localizedDescription)")
        }
    }
}
