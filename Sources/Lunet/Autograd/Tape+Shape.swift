/// Recorded shape operations and the matrix product, each with its gradient.
extension Tape {
    /// `a b` of matrices: gradients `g b^T` and `a^T g`.
    public func matmul(_ a: Variable, _ b: Variable) throws -> Variable {
        let x = a.value, y = b.value
        return record(try x.matmul(y), [a, b]) { g in
            [a.node == nil ? nil : try g.matmul(y.transposed()),
             b.node == nil ? nil : try x.transposed().matmul(g)]
        }
    }

    /// The transpose of a matrix; its gradient is the gradient transposed.
    public func transpose(_ a: Variable) throws -> Variable {
        record(try a.value.transposed(), [a]) { g in [try g.transposed()] }
    }

    /// The same values in `shape`; the gradient goes back to the old shape.
    public func reshape(_ a: Variable, _ shape: [Int]) throws -> Variable {
        let original = a.shape
        return record(try a.value.reshaped(shape), [a]) { g in [try g.reshaped(original)] }
    }

    /// `length` entries of `dim` (0-based) from `start`.
    public func narrow(_ a: Variable, dimension dim: Int, start: Int, length: Int) throws -> Variable {
        let original = a.shape
        return record(try a.value.narrowed(dimension: dim, start: start, length: length), [a]) { g in
            [try g.padded(to: original, dimension: dim, start: start)]
        }
    }

    /// The entries of `dim` at 0-based `indices`; repeated indices add their gradients.
    public func index(_ a: Variable, _ indices: [Int], dimension dim: Int) throws -> Variable {
        let original = a.shape
        return record(try a.value.selecting(indices, dimension: dim), [a]) { g in
            [try g.scattered(to: original, indices: indices, dimension: dim)]
        }
    }

    /// Joins along `dim`: each operand gets its slice of the gradient.
    public func cat(_ list: [Variable], dimension dim: Int) throws -> Variable {
        let value = try Tensor.concatenate(list.map(\.value), dimension: dim)
        let sizes = list.map { $0.shape[dim] }
        return record(value, list) { g in
            var start = 0
            return try zip(list, sizes).map { operand, size in
                defer { start += size }
                return operand.node == nil ? nil : try g.narrowed(dimension: dim, start: start, length: size)
            }
        }
    }

    /// Stacks equal shapes along a new first dimension.
    public func stack(_ list: [Variable]) throws -> Variable {
        let value = try Tensor.stack(list.map(\.value))
        return record(value, list) { g in
            try list.enumerated().map { i, operand in
                operand.node == nil ? nil : try g.narrowed(dimension: 0, start: i, length: 1).reshaped(operand.shape)
            }
        }
    }

    /// A copy (`x:clone()`): the gradient passes unchanged.
    public func identity(_ a: Variable) -> Variable {
        record(a.value, [a]) { g in [g] }
    }
}
