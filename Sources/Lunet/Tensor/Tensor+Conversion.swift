extension Tensor {
    /// Element-wise conversion to another element type (saturating for bytes,
    /// truncating for integers).
    public func converted<T: TensorElement>(to: T.Type = T.self) throws -> Tensor<T> {
        try withUnsafeBufferPointer { src in
            try Tensor<T>(unsafeUninitializedShape: shape) { dst in
                for i in 0..<dst.count { dst[i] = T(converting: src[i].doubleValue) }
            }
        }
    }
}

extension Tensor where Element == UInt8 {
    /// Float32 copy, divided by 255 when `scaled` so pixels land in `[0, 1]`.
    public func float(scaled: Bool = false) throws -> Tensor<Float> {
        // Division (not multiplication by 1/255) so 51 becomes exactly Float(0.2).
        let divisor: Float = scaled ? 255 : 1
        return try withUnsafeBufferPointer { src in
            try Tensor<Float>(unsafeUninitializedShape: shape) { dst in
                for i in 0..<dst.count { dst[i] = Float(src[i]) / divisor }
            }
        }
    }
}

extension Tensor where Element == Float {
    /// Bytes from floats; with `scaled`, `[0, 1]` maps to `[0, 255]`. Saturates, rounds.
    public func byte(scaled: Bool = false) throws -> Tensor<UInt8> {
        let factor: Float = scaled ? 255 : 1
        return try withUnsafeBufferPointer { src in
            try Tensor<UInt8>(unsafeUninitializedShape: shape) { dst in
                for i in 0..<dst.count {
                    let v = (src[i] * factor).rounded()
                    dst[i] = v.isNaN ? 0 : UInt8(Swift.min(255, Swift.max(0, v)))
                }
            }
        }
    }
}
