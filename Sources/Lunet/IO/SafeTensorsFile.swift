import Foundation

/// The `.safetensors` format of Hugging Face, which PyTorch, NumPy and JAX
/// read: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to `{dtype, shape, data_offsets}` (byte offsets into the data
/// that follows) plus an optional `__metadata__` of strings, then the raw
/// little-endian, row-major data.
///
/// ```lua
/// tensor.saveSafetensors({w = tensor.randn({2, 3})}, "w.safetensors")
/// local tensors, metadata = tensor.loadSafetensors("w.safetensors")
/// ```
public struct SafeTensorsFile {
    /// Tensors in file order (the writer sorts them by name).
    public var tensors: [(name: String, tensor: AnyTensor)]
    public var metadata: [String: String]

    public init(tensors: [(name: String, tensor: AnyTensor)], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public subscript(name: String) -> AnyTensor? {
        tensors.first { $0.name == name }?.tensor
    }

    // MARK: Writing

    /// The file's bytes; tensors are laid out in name order, the header is
    /// padded with spaces to a multiple of 8 bytes as the reference writer does.
    public func encoded() throws -> Data {
        let ordered = tensors.sorted { $0.name < $1.name }
        var header: [String: JSONValue] = [:]
        var offset = 0
        for (name, tensor) in ordered {
            guard name != "__metadata__", header[name] == nil else {
                throw LunetError("safetensors: tensor name '\(name)' is used twice or reserved")
            }
            header[name] = .object([
                "dtype": .string(SafeTensorsFile.dtype(of: tensor)),
                "shape": .array(tensor.shape.map { .int($0) }),
                "data_offsets": .array([.int(offset), .int(offset + tensor.byteCount)]),
            ])
            offset += tensor.byteCount
        }
        if !metadata.isEmpty { header["__metadata__"] = .object(metadata.mapValues { .string($0) }) }
        var json = Array(try JSONValue.object(header).encoded().utf8)
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        for (_, tensor) in ordered { SafeTensorsFile.appendBytes(of: tensor, to: &data) }
        return data
    }

    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    static func dtype(of tensor: AnyTensor) -> String {
        switch tensor {
        case .float: "F32"
        case .byte: "U8"
        case .int: "I32"
        }
    }

    private static func appendBytes(of tensor: AnyTensor, to data: inout Data) {
        func append<E>(_ t: Tensor<E>) {
            t.withUnsafeBufferPointer { data.append(contentsOf: UnsafeRawBufferPointer($0)) }
        }
        switch tensor {
        case .float(let t): append(t)
        case .byte(let t): append(t)
        case .int(let t): append(t)
        }
    }

    // MARK: Reading

    /// Reads and checks a whole file; errors name the file and what was wrong.
    /// Reading a file as a dictionary of tensors, declared so that front ends
    /// document it and messages can name it.
    public static let readDeclaration = Declaration("SafeTensorsFile.read",
        doc: "Reads a .safetensors file: returns a table {name = tensor} and the metadata table.")

    public static func read(_ path: String) throws -> SafeTensorsFile {
        let data = try AtomicFile.read(path)
        do {
            return try SafeTensorsFile(decoding: data)
        } catch let error as LunetError {
            throw LunetError("'\(path)' is not a readable .safetensors file: \(error)")
        }
    }

    /// Parses the bytes of a file, checking that every tensor lies within the data.
    public init(decoding data: Data) throws {
        let (header, dataStart) = try SafeTensorsFile.header(of: data)
        metadata = try SafeTensorsFile.metadata(in: header)
        var entries: [(name: String, tensor: AnyTensor, start: Int)] = []
        for (name, entry) in header where name != "__metadata__" {
            let (tensor, start) = try SafeTensorsFile.tensor(named: name, entry, data: data, dataStart: dataStart)
            entries.append((name, tensor, start))
        }
        entries.sort { ($0.start, $0.name) < ($1.start, $1.name) }
        try SafeTensorsFile.checkLayout(entries.map { ($0.name, $0.start, $0.tensor.byteCount) }, dataCount: data.count - dataStart)
        tensors = entries.map { ($0.name, $0.tensor) }
    }

    /// As the reference reader: the tensors, in the order of their offsets,
    /// cover the data exactly, each starting where the one before ends (no
    /// overlap that would let two tensors share bytes, no gap, no tail).
    static func checkLayout(_ spans: [(name: String, start: Int, byteCount: Int)], dataCount: Int) throws {
        var end = 0
        var previous: String?
        for span in spans {
            guard span.start == end else {
                let before = previous.map { "tensor '\($0)' ends at byte \(end)" } ?? "the data starts at byte 0"
                throw LunetError("tensor '\(span.name)' starts at byte \(span.start) of the data, but \(before) (data_offsets must cover the data in order, without overlaps or gaps)")
            }
            end = span.start + span.byteCount
            previous = span.name
        }
        guard end == dataCount else {
            throw LunetError("the data has \(dataCount) bytes but its tensors cover \(end)")
        }
    }

    /// The parsed JSON header and the offset where tensor data begins.
    static func header(of data: Data) throws -> ([String: JSONValue], Int) {
        guard data.count >= 8 else {
            throw LunetError("file is truncated: 8-byte header length expected, found \(data.count) bytes")
        }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(data.count - 8) else {
            throw LunetError("file is truncated or not safetensors: header of \(length) bytes expected, found \(data.count - 8)")
        }
        let headerBytes = data.subdata(in: data.startIndex + 8..<data.startIndex + 8 + Int(length))
        guard headerBytes.first == UInt8(ascii: "{"), let text = String(data: headerBytes, encoding: .utf8) else {
            throw LunetError("header is not a JSON object")
        }
        guard case .object(let header) = try JSONValue.parse(text) else { throw LunetError("header is not a JSON object") }
        return (header, 8 + Int(length))
    }

    private static func metadata(in header: [String: JSONValue]) throws -> [String: String] {
        guard let value = header["__metadata__"] else { return [:] }
        guard case .object(let fields) = value else { throw LunetError("'__metadata__' must be an object of strings") }
        return try fields.mapValues {
            guard case .string(let s) = $0 else { throw LunetError("'__metadata__' must be an object of strings") }
            return s
        }
    }

    private static func tensor(named name: String, _ entry: JSONValue, data: Data, dataStart: Int) throws -> (AnyTensor, Int) {
        guard let dtype = entry["dtype"]?.stringValue,
              let shape = entry["shape"]?.arrayValue?.compactMap(\.intValue), shape.count == entry["shape"]?.arrayValue?.count,
              let offsets = entry["data_offsets"]?.arrayValue?.compactMap(\.intValue), offsets.count == 2
        else { throw LunetError("tensor '\(name)' needs dtype, shape and data_offsets") }
        let available = data.count - dataStart
        let (start, end) = (offsets[0], offsets[1])
        guard start >= 0, start <= end else { throw LunetError("tensor '\(name)' has invalid data_offsets [\(start), \(end)]") }
        guard end <= available else {
            throw LunetError("file is truncated: tensor '\(name)' needs bytes \(start)..<\(end) of the data, which has \(available)")
        }
        let bytes = data.subdata(in: data.startIndex + dataStart + start..<data.startIndex + dataStart + end)
        func make<E: TensorElement>(_: E.Type) throws -> Tensor<E> {
            let count = try Tensor<E>.elementCount(of: shape)
            guard count * MemoryLayout<E>.stride == bytes.count else {
                throw LunetError("tensor '\(name)' of shape \(formatShape(shape)) and dtype \(dtype) needs \(count * MemoryLayout<E>.stride) bytes, its data_offsets give \(bytes.count)")
            }
            return try Tensor<E>(unsafeUninitializedShape: shape) { dst in
                bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(dst).copyMemory(from: $0) }
            }
        }
        switch dtype {
        case "F32": return (.float(try make(Float.self)), start)
        case "U8": return (.byte(try make(UInt8.self)), start)
        case "I32": return (.int(try make(Int32.self)), start)
        default:
            throw LunetError("tensor '\(name)' has dtype \(dtype); lunet reads F32, U8 and I32")
        }
    }
}
