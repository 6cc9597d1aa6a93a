import Foundation

/// Checks on the paths users give: the one place that knows what a path may
/// hold and what counts as a file lunet reads.
public enum FilePath {
    /// `path` unchanged, or an error when it holds a NUL byte, which the C
    /// calls under every file operation would cut the path at
    /// (`x:save('b\0.npy')` would write `b`).
    ///
    /// ```lua
    /// x:save('b\0.npy')  -- bad argument #2 to 'save' (path 'b\0.npy' contains a NUL byte)
    /// ```
    public static func checked(_ path: String, _ what: String = "path") throws -> String {
        guard !path.utf8.contains(0) else { throw LunetError("\(what) '\(shown(path))' contains a NUL byte") }
        return path
    }

    /// The path as messages show it: NUL bytes visible as `\0`.
    public static func shown(_ path: String) -> String {
        path.replacingOccurrences(of: "\0", with: "\\0")
    }

    /// True for a regular file (after symbolic links); false for folders,
    /// FIFOs, sockets and devices, whose reads could block forever.
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
