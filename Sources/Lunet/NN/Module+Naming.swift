extension Module {
    /// Parameters keyed as model files store them: `weight` for a plain layer,
    /// `<child name or 1-based position>.weight` inside containers (`fc6.weight`, `3.bias`).
    public var namedParameters: [(String, Parameter)] {
        if children.isEmpty { return parameters.map { ($0.name, $0) } }
        return localParameters.map { ($0.name, $0) } + childEntries { $0.namedParameters }
    }

    /// Buffers keyed like `namedParameters` (`bn1.running_mean`).
    public var namedBuffers: [(String, Tensor<Float>)] {
        if children.isEmpty { return buffers.map { ($0.name, $0.value) } }
        return childEntries { $0.namedBuffers }
    }

    /// Sets the buffer at a `namedBuffers` key.
    public func setNamedBuffer(_ key: String, _ value: Tensor<Float>) throws {
        guard !children.isEmpty else { return try setBuffer(key, value) }
        for (index, child) in children.enumerated() {
            let prefix = Self.key(of: child, at: index) + "."
            if key.hasPrefix(prefix) { return try child.setNamedBuffer(String(key.dropFirst(prefix.count)), value) }
        }
        throw LunetError("\(subject: subject) has no buffer '\(key)'")
    }

    /// The key of a child: its name, else its 1-based position.
    static func key(of child: Module, at index: Int) -> String {
        child.name ?? String(index + 1)
    }

    private func childEntries<T>(_ entries: (Module) -> [(String, T)]) -> [(String, T)] {
        children.enumerated().flatMap { index, child in
            entries(child).map { ("\(Self.key(of: child, at: index)).\($0.0)", $0.1) }
        }
    }

    /// This module and every module inside it, depth first.
    public var allModules: [Module] {
        [self] + children.flatMap(\.allModules)
    }

    /// Number of trainable values.
    public var parameterCount: Int {
        parameters.reduce(0) { $0 + $1.value.count }
    }

    /// Checks that `input` is `[batch, ...]` of the given rank.
    func requireRank(_ input: Tensor<Float>, _ rank: Int, _ layout: String) throws {
        guard input.rank == rank else {
            throw inputError("expected a \(rank)-d input \(layout), got \(input.summary)")
        }
    }
}
