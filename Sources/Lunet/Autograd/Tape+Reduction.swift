/// Recorded reductions. While recording, a whole reduction gives a rank-0
/// (one-element) tensor rather than a number, so the gradient keeps flowing
/// through whatever uses it; along a dimension it removes that dimension.
/// `max`/`min` send the gradient to the first position holding the extreme.
extension Tape {
    /// Which reduction: the sum, mean, largest or smallest value.
    public enum Reduction: String, Sendable {
        case sum, mean, max, min
    }

    /// The reduction of every element, as a rank-0 tensor.
    public func reduce(_ kind: Reduction, _ a: Variable) throws -> Variable {
        let x = a.value
        let shape = x.shape
        guard x.count > 0 else { throw LunetError("\(kind.rawValue): \(x.summary) is empty") }
        switch kind {
        case .sum, .mean:
            let scale: Float = kind == .sum ? 1 : 1 / Float(x.count)
            let total = Float(x.sum()) * scale
            return record(Tensor(scalar: total), [a]) { g in
                [try Tensor(shape: shape, repeating: g.scalars[0] * scale)]
            }
        case .max, .min:
            let position = kind == .max ? try x.argmax() : try (-x).argmax()
            let extreme = x.withUnsafeBufferPointer { $0[position] }
            return record(Tensor(scalar: extreme), [a]) { g in
                var result = try Tensor<Float>(shape: shape, repeating: 0)
                result.withUnsafeMutableBufferPointer { $0[position] = g.scalars[0] }
                return [result]
            }
        }
    }

    /// The reduction along `dim` (0-based), which the result no longer has.
    public func reduce(_ kind: Reduction, _ a: Variable, dimension dim: Int) throws -> Variable {
        let x = a.value
        let shape = x.shape
        switch kind {
        case .sum, .mean:
            let value = kind == .sum ? try x.sum(dimension: dim) : try x.mean(dimension: dim)
            let scale: Float = kind == .sum ? 1 : 1 / Float(shape[dim])
            return record(value, [a]) { g in [try (scale == 1 ? g : g * scale).expanded(along: dim, to: shape)] }
        case .max, .min:
            let value = kind == .max ? try x.max(dimension: dim) : try x.min(dimension: dim)
            let positions = kind == .max ? try x.argmax(dimension: dim) : try (-x).argmax(dimension: dim)
            return record(value, [a]) { g in [try g.routed(to: shape, positions: positions, dimension: dim)] }
        }
    }
}

extension Tensor where Element == Float {
    /// The gradient of a max/min along `dim`: each value goes to the position
    /// (0-based, along `dim`) its extreme came from, zeros elsewhere.
    func routed(to target: [Int], positions: Tensor<Int32>, dimension dim: Int) throws -> Tensor {
        var result = try Tensor(shape: target, repeating: 0)
        let size = target[dim]
        let inner = target[(dim + 1)...].reduce(1, *)
        let outer = target[..<dim].reduce(1, *)
        withUnsafeBufferPointer { g in
            positions.withUnsafeBufferPointer { p in
                result.withUnsafeMutableBufferPointer { out in
                    for o in 0..<outer {
                        for i in 0..<inner {
                            let k = Int(p[o * inner + i])
                            out[(o * size + k) * inner + i] = g[o * inner + i]
                        }
                    }
                }
            }
        }
        return result
    }
}
