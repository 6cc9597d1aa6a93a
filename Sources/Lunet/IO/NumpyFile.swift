import Foundation

/// NumPy's `.npy` format, version 1.0 to 3.0 on read, 1.0 on write: a magic
/// string, a Python-dict header, then the raw little-endian C-order data.
public enum NumpyFile {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    public static func encode(_ tensor: AnyTensor) -> Data {
        switch tensor {
        case .float(let t): encode(t)
        case .byte(let t): encode(t)
        case .int(let t): encode(t)
        }
    }

    public static func encode<E: TensorElement>(_ tensor: Tensor<E>) -> Data {
        let shapeText = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)"
            : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(E.numpyDescriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad with spaces so magic + 4 + header + newline is a multiple of 64.
        let unpadded = magic.count + 4 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        tensor.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: tensor.byteCount)) }
        return data
    }

    public static func save(_ tensor: AnyTensor, to path: String) throws {
        try AtomicFile.write(encode(tensor), to: path)
    }

    public static func load(_ path: String) throws -> AnyTensor {
        let data = try AtomicFile.read(path)
        do {
            return try decode(data)
        } catch let error as LunetError {
            throw LunetError("'\(path)' is not a readable .npy file: \(error)")
        }
    }

    public static func decode(_ data: Data) throws -> AnyTensor {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw LunetError("missing NumPy magic string") }
        let major = bytes[6]
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw LunetError("truncated header") }
            headerStart = 12
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        default:
            throw LunetError("unsupported format version \(major)")
        }
        guard data.count >= headerStart + headerLength,
              let header = String(data: data.subdata(in: headerStart..<headerStart + headerLength), encoding: .utf8)
        else { throw LunetError("truncated header") }
        let (descr, fortran, shape) = try parseHeader(header)
        guard !fortran else { throw LunetError("Fortran-order arrays are not supported; save with C order") }
        let payload = data.subdata(in: headerStart + headerLength..<data.count)
        switch descr {
        case "<f4", "=f4": return .float(try tensor(shape, payload))
        case "|u1", "<u1", "=u1": return .byte(try tensor(shape, payload))
        case "<i4", "=i4": return .int(try tensor(shape, payload))
        default:
            throw LunetError("dtype '\(descr)' is not supported; expected float32 (<f4), uint8 (|u1) or int32 (<i4)")
        }
    }

    private static func tensor<E: TensorElement>(_ shape: [Int], _ payload: Data) throws -> Tensor<E> {
        let count = try Tensor<E>.elementCount(of: shape)
        let needed = count * MemoryLayout<E>.stride
        guard payload.count >= needed else {
            throw LunetError("data is truncated: shape \(formatShape(shape)) needs \(needed) bytes, found \(payload.count)")
        }
        return try Tensor<E>(unsafeUninitializedShape: shape) { dst in
            payload.withUnsafeBytes { raw in
                UnsafeMutableRawPointer(dst.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: needed)
            }
        }
    }

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
    static func parseHeader(_ header: String) throws -> (String, Bool, [Int]) {
        func value(of key: String) throws -> Substring {
            guard let range = header.range(of: "'\(key)':") else { throw LunetError("header has no '\(key)'") }
            return header[range.upperBound...].drop { $0 == " " }
        }
        let descrText = try value(of: "descr")
        guard descrText.first == "'", let end = descrText.dropFirst().firstIndex(of: "'") else {
            throw LunetError("malformed 'descr'")
        }
        let descr = String(descrText[descrText.index(after: descrText.startIndex)..<end])
        let fortran = try value(of: "fortran_order").hasPrefix("True")
        let shapeText = try value(of: "shape")
        guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else { throw LunetError("malformed 'shape'") }
        let inside = shapeText[shapeText.index(after: shapeText.startIndex)..<close]
        let shape = try inside.split(separator: ",").map { part -> Int in
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            guard let n = Int(trimmed), n >= 0 else { throw LunetError("malformed 'shape'") }
            return n
        }
        return (descr, fortran, shape)
    }
}
