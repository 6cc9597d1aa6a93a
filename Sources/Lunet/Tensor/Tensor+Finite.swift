extension UnsafeBufferPointer where Element == Float {
    /// Whether no element is NaN or infinite, in one vectorised pass over the
    /// cores: `x * 0` is 0 for every finite `x` and NaN for NaN and both infinities.
    public var allFinite: Bool {
        guard let base = baseAddress else { return true }
        // A convolution's input is tens of MB: a pass per core keeps the check near 1% of the layer.
        return ParallelLoop.allSatisfy(count, grain: 1 << 18) { range in
            Self.allFinite(base + range.lowerBound, count: range.count)
        }
    }

    private static func allFinite(_ base: UnsafePointer<Float>, count: Int) -> Bool {
        let raw = UnsafeRawPointer(base)
        var lanes = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= count {
            lanes.addProduct(raw.loadUnaligned(fromByteOffset: i * MemoryLayout<Float>.stride, as: SIMD16<Float>.self), 0)
            i += 16
        }
        var total = lanes.sum()
        while i < count {
            total += base[i] * 0
            i += 1
        }
        return total == 0
    }
}

extension Tensor where Element == Float {
    /// Whether no element is NaN or infinite.
    public var allFinite: Bool { withUnsafeBufferPointer { $0.allFinite } }
}
