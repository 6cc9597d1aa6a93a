/// A height and a width: kernel sizes and strides of 2-d layers.
///
/// ```lua
/// nn.Conv2d(3, 96, {5, 3})   -- kernel 5 high, 3 wide
/// ```
public struct Size2D: Equatable, Sendable {
    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    public init(square size: Int) {
        self.init(size, size)
    }

    /// `4x4`
    public var text: String { "\(height)x\(width)" }

    /// A square size saves as one number, a rectangle as `[h, w]`.
    var configurationValue: ConfigurationValue {
        height == width ? .int(height) : .list([.int(height), .int(width)])
    }

    init(configuration value: ConfigurationValue, key: String, owner: Subject) throws {
        switch value {
        case .int(let n): self.init(square: n)
        case .list(let items):
            guard items.count == 2, case .int(let h) = items[0], case .int(let w) = items[1] else {
                throw LunetError("\(subject: owner) configuration: '\(key)' must be a number or a pair of numbers")
            }
            self.init(h, w)
        default:
            throw LunetError("\(subject: owner) configuration: '\(key)' must be a number or a pair of numbers")
        }
    }

    /// Largest kernel, stride or padding a 2-d layer takes: far beyond any
    /// image, and small enough that no size computed from it overflows.
    public static let maximumWindow = 1 << 15

    static func checkWindow(kernel: Size2D, stride: Size2D, padding: Padding, layer: String) throws {
        var largest = Swift.max(kernel.height, kernel.width, stride.height, stride.width)
        if case .explicit(let n) = padding {
            guard n >= 0 else { throw LunetError("\(layer): padding must be non-negative, got \(n)") }
            largest = Swift.max(largest, n)
        }
        guard largest <= maximumWindow else {
            throw LunetError("\(layer): kernel, stride and padding must be at most \(maximumWindow), got \(largest)")
        }
    }
}
