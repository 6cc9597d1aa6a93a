/// A tensor of any element type, for code that handles all three (files, bindings).
public enum AnyTensor: Sendable {
    case float(Tensor<Float>)
    case byte(Tensor<UInt8>)
    case int(Tensor<Int32>)

    public var shape: [Int] {
        switch self {
        case .float(let t): t.shape
        case .byte(let t): t.shape
        case .int(let t): t.shape
        }
    }

    public var summary: String {
        switch self {
        case .float(let t): t.summary
        case .byte(let t): t.summary
        case .int(let t): t.summary
        }
    }

    public var byteCount: Int {
        switch self {
        case .float(let t): t.byteCount
        case .byte(let t): t.byteCount
        case .int(let t): t.byteCount
        }
    }

    public var typeName: String {
        switch self {
        case .float: Float.typeName
        case .byte: UInt8.typeName
        case .int: Int32.typeName
        }
    }

    public func asFloat() throws -> Tensor<Float> {
        switch self {
        case .float(let t): t
        case .byte(let t): try t.float()
        case .int(let t): try t.converted()
        }
    }

    public func asByte() throws -> Tensor<UInt8> {
        switch self {
        case .float(let t): try t.byte()
        case .byte(let t): t
        case .int(let t): try t.converted()
        }
    }

    public func asInt() throws -> Tensor<Int32> {
        switch self {
        case .float(let t): try t.converted()
        case .byte(let t): try t.converted()
        case .int(let t): t
        }
    }
}
