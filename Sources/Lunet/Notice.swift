import Foundation

/// What a user should know that is not an error (files a loader passed
/// over): one line, written to standard error unless a front end or a test
/// routes it elsewhere.
///
/// ```swift
/// Notice.write("skipped 2 entries of 'cats' that are not regular files: 'a' (FIFO), 'b' (broken link)")
/// ```
public enum Notice {
    nonisolated(unsafe) public static var write: (String) -> Void = { line in
        FileHandle.standardError.write(Data(("lunet: note: " + line + "\n").utf8))
    }
}
