import Foundation

/// The four element-wise operators of `+ - * /`.
public enum ArithmeticOperator: String, Sendable {
    case add, subtract, multiply, divide
}

/// Recorded arithmetic: `+ - * /` (NumPy broadcasting, or with a number),
/// negation and the element-wise functions, each with its gradient.
extension Tape {
    /// `a op b` with broadcasting; each operand's gradient is summed back to its shape.
    public func arithmetic(_ op: ArithmeticOperator, _ a: Variable, _ b: Variable) throws -> Variable {
        let x = a.value, y = b.value
        let value: Tensor<Float>
        switch op {
        case .add: value = try x + y
        case .subtract: value = try x - y
        case .multiply: value = try x * y
        case .divide: value = try x / y
        }
        return record(value, [a, b]) { g in
            let ga: Tensor<Float>?, gb: Tensor<Float>?
            switch op {
            case .add: (ga, gb) = (a.node == nil ? nil : g, b.node == nil ? nil : g)
            case .subtract: (ga, gb) = (a.node == nil ? nil : g, b.node == nil ? nil : try -g)
            case .multiply: (ga, gb) = (a.node == nil ? nil : try g * y, b.node == nil ? nil : try g * x)
            case .divide:
                ga = a.node == nil ? nil : try g / y
                gb = b.node == nil ? nil : try (-(g * x)) / (y * y)
            }
            return [try ga?.summed(toShape: x.shape), try gb?.summed(toShape: y.shape)]
        }
    }

    /// `a op s` (`scalarFirst`: `s op a`) for a number `s`.
    public func arithmetic(_ op: ArithmeticOperator, _ a: Variable, scalar s: Float, scalarFirst: Bool = false) throws -> Variable {
        let x = a.value
        let value: Tensor<Float>
        switch (op, scalarFirst) {
        case (.add, _): value = try x + s
        case (.subtract, false): value = try x - s
        case (.subtract, true): value = try s - x
        case (.multiply, _): value = try x * s
        case (.divide, false): value = try x / s
        case (.divide, true): value = try s / x
        }
        return record(value, [a]) { g in
            switch (op, scalarFirst) {
            case (.add, _), (.subtract, false): [g]
            case (.subtract, true): [try -g]
            case (.multiply, _): [try g * s]
            case (.divide, false): [try g / s]
            // d(s / x) = -s / x^2
            case (.divide, true): [try g.combined(with: x, "div") { gi, xi in -s * gi / (xi * xi) }]
            }
        }
    }

    /// `-x`: gradient `-g`.
    public func negate(_ a: Variable) throws -> Variable {
        record(try -a.value, [a]) { g in [try -g] }
    }

    /// `x^p`: gradient `p x^(p-1)`. Squares (distances) skip `pow`, which
    /// costs more than the rest of a loss.
    public func pow(_ a: Variable, _ p: Float) throws -> Variable {
        let x = a.value
        if p == 2 {
            return record(try x.mapped { $0 * $0 }, [a]) { g in
                [try g.combined(with: x, "pow") { gi, xi in 2 * gi * xi }]
            }
        }
        return record(try x.pow(p), [a]) { g in
            [try g.combined(with: x, "pow") { gi, xi in gi * p * Foundation.pow(xi, p - 1) }]
        }
    }

    /// `e^x`: gradient `g e^x` (the output, kept).
    public func exp(_ a: Variable) throws -> Variable {
        let y = try a.value.exp()
        return record(y, [a]) { g in [try g * y] }
    }

    /// `log x`: gradient `g / x`.
    public func log(_ a: Variable) throws -> Variable {
        let x = a.value
        return record(try x.log(), [a]) { g in [try g / x] }
    }

    /// `sqrt(x)`: gradient `1 / (2 sqrt(x))` (infinite at 0, as PyTorch's).
    public func sqrt(_ a: Variable) throws -> Variable {
        let y = try a.value.sqrt()
        return record(y, [a]) { g in [try g.combined(with: y, "sqrt") { gi, yi in gi / (2 * yi) }] }
    }

    /// `|x|`: gradient `sign(x)`, 0 at 0 (PyTorch's choice).
    public func abs(_ a: Variable) throws -> Variable {
        let x = a.value
        return record(try x.abs(), [a]) { g in
            [try g.combined(with: x, "abs") { gi, xi in xi > 0 ? gi : (xi < 0 ? -gi : 0) }]
        }
    }

    /// `clamp(x, low, high)`: the gradient passes where `low <= x <= high`.
    public func clamp(_ a: Variable, low: Float?, high: Float?) throws -> Variable {
        let x = a.value
        let lo = low ?? -.infinity, hi = high ?? .infinity
        return record(try x.clamped(low: low, high: high), [a]) { g in
            [try g.combined(with: x, "clamp") { gi, xi in xi >= lo && xi <= hi ? gi : 0 }]
        }
    }
}
