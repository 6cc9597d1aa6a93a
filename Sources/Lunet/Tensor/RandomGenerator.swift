import Foundation

/// A seeded generator (xoshiro256**), reproducible across runs and machines.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        // SplitMix64 spreads the seed over the whole state, as the xoshiro authors advise.
        var x = seed
        func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits, as a Float32 holds them.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Standard normal by Box-Muller (one of the pair is used, keeping streams simple).
    public mutating func nextNormal() -> Float {
        let u1 = 1.0 - nextDouble()
        let u2 = nextDouble()
        return Float((-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2))
    }

    /// Uniform integer in `0..<bound`.
    public mutating func nextInt(below bound: Int) -> Int {
        Int(next(upperBound: UInt64(bound)))
    }

    /// A new generator seeded from this one, for independent streams (layers, samplers).
    public mutating func split() -> RandomGenerator {
        RandomGenerator(seed: next())
    }
}

/// The process-wide generator behind `tensor.manualSeed` and unseeded calls.
public enum GlobalRandom {
    nonisolated(unsafe) private static var generator = RandomGenerator(seed: 0x5EED)

    public static func seed(_ seed: UInt64) {
        generator = RandomGenerator(seed: seed)
    }

    /// A fresh generator drawn from the global stream.
    public static func makeGenerator() -> RandomGenerator {
        generator.split()
    }

    /// A seed drawn from the global stream, for an unseeded call to an engine
    /// that takes a seed (`triplet.fit` without `seed`).
    public static func makeSeed() -> UInt64 {
        var fresh = makeGenerator()
        return fresh.next()
    }
}
