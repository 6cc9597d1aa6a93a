/// The element types a tensor can hold: Float32 for compute, UInt8 for stored
/// images, Int32 for labels and indices.
public protocol TensorElement: Numeric, Comparable, Sendable {
    /// Name shown to users, as in `Float32 tensor of shape 2x3`.
    static var typeName: String { get }
    /// NumPy's dtype descriptor for `.npy` files (little-endian).
    static var numpyDescriptor: String { get }
    init(converting value: Double)
    var doubleValue: Double { get }
}

extension Float: TensorElement {
    public static var typeName: String { "Float32" }
    public static var numpyDescriptor: String { "<f4" }
    public init(converting value: Double) { self = Float(value) }
    public var doubleValue: Double { Double(self) }
}

extension UInt8: TensorElement {
    public static var typeName: String { "UInt8" }
    public static var numpyDescriptor: String { "|u1" }
    /// Saturates and rounds, so 255.7 becomes 255 and -3 becomes 0.
    public init(converting value: Double) {
        self = value.isNaN ? 0 : UInt8(Swift.min(255, Swift.max(0, value.rounded())))
    }
    public var doubleValue: Double { Double(self) }
}

extension Int32: TensorElement {
    public static var typeName: String { "Int32" }
    public static var numpyDescriptor: String { "<i4" }
    /// Truncates toward zero and saturates at Int32's range.
    public init(converting value: Double) {
        if value.isNaN { self = 0; return }
        self = Int32(Swift.min(Double(Int32.max), Swift.max(Double(Int32.min), value.rounded(.towardZero))))
    }
    public var doubleValue: Double { Double(self) }
}
