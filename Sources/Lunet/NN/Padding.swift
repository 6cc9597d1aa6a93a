/// How 2-d layers pad their input, with Keras' semantics for `same`.
///
/// ```lua
/// nn.Conv2d(3, 96, 4, {padding = "same"})   -- output size ceil(input / stride)
/// nn.Conv2d(3, 96, 3, {padding = 1})        -- one zero row/column on every side
/// ```
public enum Padding: Equatable, Sendable {
    /// No padding: only windows that fit in the input.
    case valid
    /// Output size `ceil(input / stride)`; the total padding is split with the
    /// extra cell at the bottom/right, as Keras and TensorFlow do.
    case same
    /// The same number of cells on every side.
    case explicit(Int)

    /// Padding before and after one dimension, and the output size (0 or less
    /// when the kernel does not fit).
    public func resolve(input: Int, kernel: Int, stride: Int) -> (before: Int, after: Int, output: Int) {
        switch self {
        case .valid:
            return (0, 0, input >= kernel ? (input - kernel) / stride + 1 : 0)
        case .same:
            let output = (input + stride - 1) / stride
            let total = Swift.max((output - 1) * stride + kernel - input, 0)
            return (total / 2, total - total / 2, output)
        case .explicit(let n):
            let padded = input + 2 * n
            return (n, n, padded >= kernel ? (padded - kernel) / stride + 1 : 0)
        }
    }

    /// `valid`, `same` or the number of cells.
    public var text: String {
        switch self {
        case .valid: "valid"
        case .same: "same"
        case .explicit(let n): "padding \(n)"
        }
    }

    var configurationValue: ConfigurationValue {
        switch self {
        case .valid: .string("valid")
        case .same: .string("same")
        case .explicit(let n): .int(n)
        }
    }

    init(configuration value: ConfigurationValue, owner: Subject) throws {
        switch value {
        case .string("valid"): self = .valid
        case .string("same"): self = .same
        case .int(let n) where n >= 0: self = .explicit(n)
        default: throw LunetError("\(subject: owner) configuration: padding must be 'valid', 'same' or a non-negative number")
        }
    }
}
