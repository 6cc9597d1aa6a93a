import Lunet
import XCTest

/// Central finite differences in Double around Float inputs, for checking
/// analytic gradients of scalar functions.
enum GradientCheck {
    /// The numerical gradient of `f` at `x`, with step `h`.
    static func numerical(_ x: Tensor<Float>, step h: Float = 1e-2, _ f: (Tensor<Float>) throws -> Float) rethrows -> [Float] {
        var result: [Float] = []
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.withUnsafeMutableBufferPointer { $0[i] += h }
            minus.withUnsafeMutableBufferPointer { $0[i] -= h }
            let difference = Double(try f(plus)) - Double(try f(minus))
            result.append(Float(difference / Double(2 * h)))
        }
        return result
    }

    static func assertClose(_ analytic: [Float], _ numeric: [Float], tolerance: Float,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(analytic.count, numeric.count, file: file, line: line)
        for (i, (a, n)) in zip(analytic, numeric).enumerated() {
            XCTAssertEqual(a, n, accuracy: tolerance * Swift.max(1, Swift.abs(n)), "element \(i)", file: file, line: line)
        }
    }
}
