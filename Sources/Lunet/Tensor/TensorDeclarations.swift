/// The options of tensor creation and of the tensor methods that take an
/// options table, declared once: the front end parses by them and prints
/// them as help.
public enum TensorDeclarations {
    /// The element types a tensor can be made with, as `dtype` names them.
    public static let dtypes = ["float32", "uint8", "int32"]

    static let dtype = OptionDeclaration("dtype", .choice(dtypes), default: .string("float32"), doc: "the element type")

    /// `zeros`, `ones`, `full`, `arange`, `from`: the element type.
    public static func creation(_ name: String, doc: String) -> Declaration {
        Declaration("Tensor.\(name)", options: [dtype], doc: doc)
    }

    public static let zeros = creation("zeros", doc: "A tensor of zeros; shape is a table {2, 3} or sizes 2, 3.")
    public static let ones = creation("ones", doc: "A tensor of ones; shape is a table {2, 3} or sizes 2, 3.")
    public static let full = creation("full", doc: "A tensor with every element equal to value.")
    public static let arange = creation("arange", doc: "The values 0, 1, ..., n-1 as a rank-1 tensor.")
    public static let from = creation("from", doc: "A tensor from nested tables of numbers ({{1, 2}, {3, 4}} is 2x2).")

    public static let rand = Declaration("Tensor.rand", options: [
        OptionDeclaration("seed", .seed, doc: "makes the values reproducible; none: the global stream (tensor.manualSeed)"),
        OptionDeclaration("low", .number(.finite), default: .double(0)),
        OptionDeclaration("high", .number(.finite), default: .double(1)),
    ], doc: "Float32 values drawn uniformly from [low, high).")

    public static let randn = Declaration("Tensor.randn", options: [
        OptionDeclaration("seed", .seed, doc: "makes the values reproducible; none: the global stream (tensor.manualSeed)"),
        OptionDeclaration("mean", .number(.finite), default: .double(0)),
        OptionDeclaration("std", .number(.nonNegative), default: .double(1)),
    ], doc: "Normally distributed Float32 values.")

    public static let topk = Declaration("Tensor.topk", options: [
        OptionDeclaration("largest", .boolean, default: .bool(true), doc: "false: the k smallest"),
    ], doc: "The k largest entries along the last dimension, sorted, and their positions (Int32).")

    public static let sort = Declaration("Tensor.sort", options: [
        OptionDeclaration("descending", .boolean, default: .bool(false)),
    ], doc: "Entries sorted along the last dimension, and their positions (Int32).")

    public static let float = Declaration("Tensor.float", options: [
        OptionDeclaration("scale", .boolean, default: .bool(false), doc: "bytes divided by 255 into [0, 1]"),
    ], doc: "A Float32 copy.")

    public static let byte = Declaration("Tensor.byte", options: [
        OptionDeclaration("scale", .boolean, default: .bool(false), doc: "[0, 1] mapped to [0, 255]"),
    ], doc: "A UInt8 copy (rounded, saturated).")
}
