import Foundation

extension Tensor where Element == Float {
    public func exp() throws -> Tensor { try mapped { Foundation.exp($0) } }
    public func log() throws -> Tensor { try mapped { Foundation.log($0) } }
    public func sqrt() throws -> Tensor { try mapped { $0.squareRoot() } }
    public func abs() throws -> Tensor { try mapped { Swift.abs($0) } }
    public func pow(_ p: Float) throws -> Tensor { try mapped { Foundation.pow($0, p) } }

    /// Limits every element to `[low, high]`; either bound may be absent.
    public func clamped(low: Float? = nil, high: Float? = nil) throws -> Tensor {
        let lo = low ?? -.infinity, hi = high ?? .infinity
        guard lo <= hi else { throw LunetError("clamp: lower bound \(lo) is above upper bound \(hi)") }
        return try mapped { Swift.min(Swift.max($0, lo), hi) }
    }
}
