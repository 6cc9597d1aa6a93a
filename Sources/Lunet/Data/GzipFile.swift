import CZlib

/// Reads a file through zlib's gz* calls: gzipped files are inflated, plain
/// files pass through unchanged (so `.gz` is optional wherever it is read).
public enum GzipFile {
    /// The inflated bytes. `expectedSize` is asked, with the bytes so far,
    /// for the whole size once a header tells it (nil until then): inflating
    /// stops as soon as the bytes pass it, so a small file that inflates to
    /// gigabytes never takes more memory than its header claims.
    public static func read(_ path: String, expectedSize: ([UInt8]) throws -> Int? = { _ in nil }) throws -> [UInt8] {
        guard FilePath.isRegularFile(path), let file = gzopen(path, "rb") else {
            throw LunetError("cannot read '\(path)': no such file or not readable")
        }
        defer { gzclose(file) }
        var result: [UInt8] = []
        var expected: Int?
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 || (n == 0 && gzeof(file) == 0) { throw LunetError("'\(path)' is corrupt: \(message(file))") }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<Int(n)])
            if expected == nil, let size = try expectedSize(result) {
                expected = size
                result.reserveCapacity(size)
            }
            if let expected, result.count > expected {
                throw LunetError("'\(path)' inflates past the \(expected) bytes its header gives")
            }
        }
        // zlib reports a stream cut short only through gzerror once reading stops.
        var code: Int32 = 0
        _ = gzerror(file, &code)
        guard code == Z_OK || code == Z_STREAM_END else {
            throw LunetError("'\(path)' is corrupt or truncated: \(message(file))")
        }
        return result
    }

    private static func message(_ file: gzFile) -> String {
        var code: Int32 = 0
        guard let text = gzerror(file, &code) else { return "unknown zlib error" }
        return String(cString: text)
    }
}
