import Foundation

/// Element-wise loops of the activation layers, split over the cores for
/// large tensors. Each closure gets the base pointers and the range of
/// elements it handles.
enum Elementwise {
    static let grain = 1 << 15

    /// A tensor of `x`'s shape whose elements `op` writes from `x`'s.
    static func map(_ x: Tensor<Float>,
                    _ op: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void) throws -> Tensor<Float> {
        try x.withUnsafeBufferPointer { src in
            try Tensor(unsafeUninitializedShape: x.shape) { dst in
                ParallelLoop.forEach(src.count, grain: grain) { range in
                    op(src.baseAddress!, dst.baseAddress!, range)
                }
            }
        }
    }

    /// A tensor of `x`'s shape computed from `x` and `g` (same shape), element by element.
    static func combine(_ x: Tensor<Float>, _ g: Tensor<Float>,
                        _ op: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void) throws -> Tensor<Float> {
        try x.withUnsafeBufferPointer { a in
            try g.withUnsafeBufferPointer { b in
                try Tensor(unsafeUninitializedShape: x.shape) { dst in
                    ParallelLoop.forEach(a.count, grain: grain) { range in
                        op(a.baseAddress!, b.baseAddress!, dst.baseAddress!, range)
                    }
                }
            }
        }
    }

    /// `combine` with the result written over `g` when no other tensor shares
    /// its storage (a gradient handed over by `Module.backward(_:takingGradient:)`),
    /// else into a new tensor. `op` must read element i of `g` before writing element i.
    static func combine(_ x: Tensor<Float>, reusing g: inout Tensor<Float>,
                        _ op: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void) throws -> Tensor<Float> {
        guard g.isUniquelyReferenced() else { return try combine(x, g, op) }
        x.withUnsafeBufferPointer { a in
            g.withUnsafeMutableBufferPointer { b in
                ParallelLoop.forEach(a.count, grain: grain) { range in
                    op(a.baseAddress!, UnsafePointer(b.baseAddress!), b.baseAddress!, range)
                }
            }
        }
        return g
    }

    /// Throws the layer's error unless `gradOutput` has the input's shape.
    static func checkGradient(_ module: Module, _ input: Tensor<Float>, _ gradOutput: Tensor<Float>) throws {
        guard input.shape == gradOutput.shape else {
            throw module.inputError("gradOutput has shape \(formatShape(gradOutput.shape)), expected \(formatShape(input.shape))")
        }
    }
}
