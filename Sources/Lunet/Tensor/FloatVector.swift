#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Eight floats at a time, for the hot loops the compiler does not vectorize
/// by itself: sums (it may not reorder float additions), loops over many
/// pointers that might alias (Adam's five arrays), and square roots (Swift's
/// `squareRoot()` becomes a `sqrtf` call per element on Linux). On baseline
/// x86-64 a `FloatVector` is two SSE registers. Lane by lane the results are
/// those of the same scalar expression, bit for bit.
typealias FloatVector = SIMD8<Float>

extension SIMD8 where Scalar == Float {
    /// The IEEE square root of each lane (`sqrtps` on x86-64).
    @inline(__always)
    var laneSquareRoots: SIMD8<Float> {
        #if arch(x86_64)
        SIMD8(lowHalf: _mm_sqrt_ps(lowHalf), highHalf: _mm_sqrt_ps(highHalf))
        #else
        var result = self
        for lane in 0..<8 { result[lane] = self[lane].squareRoot() }
        return result
        #endif
    }

    /// The sum of the lanes, pairwise.
    @inline(__always)
    var laneSum: Float {
        let quarter = lowHalf + highHalf
        let pair = quarter.lowHalf + quarter.highHalf
        return pair[0] + pair[1]
    }
}

extension UnsafePointer where Pointee == Float {
    /// The eight floats from `self + offset` (any alignment).
    @inline(__always)
    func vector(at offset: Int) -> FloatVector {
        UnsafeRawPointer(self + offset).loadUnaligned(as: FloatVector.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func vector(at offset: Int) -> FloatVector {
        UnsafeRawPointer(self + offset).loadUnaligned(as: FloatVector.self)
    }

    /// Writes eight floats from `self + offset` (any alignment).
    @inline(__always)
    func store(_ vector: FloatVector, at offset: Int) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: vector, as: FloatVector.self)
    }
}
