/// The one error type of the engine. Its message is what a user reads at the
/// Lua prompt, so it says what was expected and what came.
public struct LunetError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// `Float32 tensor of shape 2x3 and Float32 tensor of shape 4x5` style shape mismatch.
    public static func shapeMismatch(_ operation: String, _ a: [Int], _ b: [Int]) -> LunetError {
        LunetError("\(operation): shapes \(formatShape(a)) and \(formatShape(b)) do not match")
    }
}

/// The 1-based position a user gave for a 0-based index, for messages. The
/// bindings make 0-based indices with `&- 1`, so `math.mininteger` wraps to
/// `Int.max` (out of every range); wrapping back shows the user's integer.
public func oneBased(_ index: Int) -> Int {
    index &+ 1
}

/// `[2, 3, 4]` -> `2x3x4`; a rank-0 shape says what it is: `scalar (0 dimensions)`.
public func formatShape(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar (0 dimensions)" : shape.map(String.init).joined(separator: "x")
}
