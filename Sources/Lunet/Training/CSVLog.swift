import Foundation

/// One row per epoch (round) in a CSV file, as Keras' `CSVLogger`: a header
/// (`epoch` or `round`, then every logged value, then `lr`), each row
/// written by one `write` as the epoch ends, so a run that crashes or is
/// interrupted keeps the rows of its finished epochs.
///
/// An existing log with the same header is continued: rows go after the
/// existing ones, numbered by this run's epochs (1, 2, ...), as Keras'
/// `append=True` does. One with other columns is an error naming both
/// header lines, raised before training starts.
///
/// Numbers are written in their shortest form that reads back to the same
/// Double (Swift's `description`: `0.5`, `0.6931471824645996`, `1e-05`,
/// `nan`): exact, with no digits beyond the value's own (`%.17g` would
/// print `0.5` as itself but `0.1` as `0.10000000000000001`).
///
/// ```lua
/// train.fit(net, tr, {epochs = 10, csv = "log.csv"})   -- epoch,loss,accuracy,val_loss,val_accuracy,lr
/// ```
public final class CSVLog {
    public let path: String
    public let columns: [String]
    private let descriptor: Int32

    /// Opens (creates, or continues) the log at `path` for `columns`.
    public init(path: String, columns: [String]) throws {
        self.path = try FilePath.checked(path)
        self.columns = columns
        let header = columns.joined(separator: ",")
        if let existing = try Self.header(of: path), existing != header {
            throw LunetError("csv: '\(path)' has the columns \(existing); this run logs \(header) (give another file)")
        }
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LunetError("csv: cannot write '\(path)': \(String(cString: strerror(errno)))") }
        if try Self.header(of: path) == nil { try write(header + "\n") }
    }

    deinit { close(descriptor) }

    /// Writes one row: `index` (1-based epoch) then one value per further column.
    public func write(index: Int, values: [Double]) throws {
        guard values.count == columns.count - 1 else {
            throw LunetError("csv: \(values.count + 1) values for the \(columns.count) columns of '\(path)'")
        }
        try write(([String(index)] + values.map(Self.format)).joined(separator: ",") + "\n")
    }

    /// The shortest text that reads back as `value`.
    static func format(_ value: Double) -> String { "\(value)" }

    private func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw LunetError("csv: cannot write '\(path)': \(written < 0 ? String(cString: strerror(errno)) : "short write")")
        }
    }

    /// The first line of an existing non-empty file, nil when there is none.
    static func header(of path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard FilePath.isRegularFile(path), let handle = FileHandle(forReadingAtPath: path) else {
            throw LunetError("csv: cannot read '\(path)' (not a regular file, or unreadable)")
        }
        defer { try? handle.close() }
        var line = Data()
        while let chunk = try handle.read(upToCount: 4096), !chunk.isEmpty {
            if let end = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                line.append(chunk[chunk.startIndex..<end])
                break
            }
            line.append(chunk)
        }
        return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
    }
}
