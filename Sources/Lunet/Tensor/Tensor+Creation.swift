extension Tensor {
    public static func zeros(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, repeating: .zero) }
    public static func ones(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, repeating: 1) }
    public static func full(_ shape: [Int], _ value: Element) throws -> Tensor { try Tensor(shape: shape, repeating: value) }

    /// `[0, 1, ..., n-1]` as a rank-1 tensor.
    public static func arange(_ n: Int) throws -> Tensor {
        guard n >= 0 else { throw LunetError("arange: expected a non-negative count, got \(n)") }
        _ = try elementCount(of: [n])
        return try Tensor(unsafeUninitializedShape: [n]) { buffer in
            for i in 0..<n { buffer[i] = Element(converting: Double(i)) }
        }
    }
}

extension Tensor where Element == Float {
    /// Uniform in `[low, high)`; from the global generator unless one is given.
    public static func rand(_ shape: [Int], low: Float = 0, high: Float = 1, generator: inout RandomGenerator) throws -> Tensor {
        guard low <= high, low.isFinite, high.isFinite else { throw LunetError("rand: expected finite low <= high, got \(low) and \(high)") }
        _ = try elementCount(of: shape)
        return try Tensor(unsafeUninitializedShape: shape) { buffer in
            let width = high - low
            for i in buffer.indices { buffer[i] = low + width * generator.nextUniform() }
        }
    }

    /// Normal with the given mean and standard deviation.
    public static func randn(_ shape: [Int], mean: Float = 0, std: Float = 1, generator: inout RandomGenerator) throws -> Tensor {
        _ = try elementCount(of: shape)
        return try Tensor(unsafeUninitializedShape: shape) { buffer in
            for i in buffer.indices { buffer[i] = mean + std * generator.nextNormal() }
        }
    }

    public static func rand(_ shape: [Int], seed: UInt64? = nil) throws -> Tensor {
        var generator = seed.map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
        return try rand(shape, generator: &generator)
    }

    public static func randn(_ shape: [Int], seed: UInt64? = nil) throws -> Tensor {
        var generator = seed.map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
        return try randn(shape, generator: &generator)
    }
}
