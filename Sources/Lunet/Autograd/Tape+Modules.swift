/// Built-in modules called on recorded values, and the activations and
/// normalisations that reuse them: the module's own backward is the gradient.
extension Tape {
    /// `module(x)`: its forward now, its backward (which adds its parameter
    /// gradients) in the backward pass. A module is called once per tape, as
    /// it keeps only its last input.
    public func call(_ module: Module, _ a: Variable) throws -> Variable {
        let x = a.value
        guard a.node != nil else { return Variable(try module.forward(x)) }
        try noteCall(module)
        let y = try module.forward(x)
        return record(y, [a]) { g in [try module.backward(x, g)] }
    }

    /// `max(x, 0)` through `ReLU` (gradient 0 at 0).
    public func relu(_ a: Variable) throws -> Variable { try call(ReLU(), a) }
    /// `1 / (1 + e^-x)` through `Sigmoid`.
    public func sigmoid(_ a: Variable) throws -> Variable { try call(Sigmoid(), a) }
    /// `tanh x` through `Tanh`.
    public func tanh(_ a: Variable) throws -> Variable { try call(Tanh(), a) }
    /// Rows (everything after the first dimension) scaled to unit L2 norm.
    public func normalize(_ a: Variable) throws -> Variable { try call(L2Normalize(), a) }

    /// `softmax` along `dim`: gradient `y (g - sum(g y))`.
    public func softmax(_ a: Variable, dimension dim: Int) throws -> Variable {
        let y = try a.value.softmax(dimension: dim)
        return record(y, [a]) { g in
            let gy = try g * y
            return [try gy - y * gy.sum(dimension: dim).expanded(along: dim, to: y.shape)]
        }
    }

    /// `logSoftmax` along `dim`: gradient `g - softmax(x) sum(g)`.
    public func logSoftmax(_ a: Variable, dimension dim: Int) throws -> Variable {
        let y = try a.value.logSoftmax(dimension: dim)
        return record(y, [a]) { g in
            [try g - y.exp() * g.sum(dimension: dim).expanded(along: dim, to: y.shape)]
        }
    }
}
