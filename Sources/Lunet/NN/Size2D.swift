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

    init(configuration value: ConfigurationValue, key: String, owner: String) throws {
        switch value {
        case .int(let n): self.init(square: n)
        case .list(let items):
            guard items.count == 2, case .int(let h) = items[0], case .int(let w) = items[1] else {
                throw LunetError("\(owner) configuration: '\(key)' must be a number or a pair of numbers")
            }
            self.init(h, w)
        default:
            throw LunetError("\(owner) configuration: '\(key)' must be a number or a pair of numbers")
        }
    }
}
