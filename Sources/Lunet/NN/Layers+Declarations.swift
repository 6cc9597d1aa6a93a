// Each layer's constructor arguments, ranges and defaults, declared once
// (see `LayerDeclaration`). The ranges here are what Lua and model files may give.

extension OptionDeclaration {
    /// Options every weighted layer takes.
    static let weightOptions = [
        OptionDeclaration("bias", .boolean, default: .bool(true)),
        OptionDeclaration("init", .choice(WeightInitializer.allCases.map(\.rawValue)), default: .string(WeightInitializer.glorot.rawValue)),
        OptionDeclaration("seed", .seed),
        OptionDeclaration("l2", .number(.nonNegative), default: .double(0)),
    ]
}

extension Linear {
    public static let declaration = LayerDeclaration(
        "Linear", positional: ["in", "out"],
        options: [OptionDeclaration("in", .integer(1...(1 << 40))), OptionDeclaration("out", .integer(1...(1 << 40)))] + OptionDeclaration.weightOptions,
        doc: "Fully connected layer y = x W^T + b on [batch, in]; weight [out, in] Glorot-uniform, bias zero."
    ) { a in
        try Linear(a.int("in"), a.int("out"), bias: a.bool("bias"), initializer: a.initializer(), l2: a.float("l2"), seed: a.seed())
    }
}

extension Conv2d {
    public static let declaration = LayerDeclaration(
        "Conv2d", positional: ["in", "out", "kernel"],
        options: [OptionDeclaration("in", .integer(1...(1 << 24))), OptionDeclaration("out", .integer(1...(1 << 24))), OptionDeclaration("kernel", .size),
                  OptionDeclaration("stride", .size, default: .int(1)), OptionDeclaration("padding", .padding(explicit: true), default: .string("valid"))]
            + OptionDeclaration.weightOptions,
        doc: "2-d convolution on [batch, in, h, w]; kernel and stride are numbers or {h, w}; 'same' pads as Keras (extra at bottom/right)."
    ) { a in
        try Conv2d(a.int("in"), a.int("out"), kernel: a.size("kernel") ?? Size2D(square: 1), stride: a.size("stride") ?? Size2D(square: 1),
                   padding: a.padding(), bias: a.bool("bias"), initializer: a.initializer(), l2: a.float("l2"), seed: a.seed())
    }
}

extension MaxPool2d {
    public static let declaration = LayerDeclaration(
        "MaxPool2d", positional: ["kernel"],
        options: [OptionDeclaration("kernel", .size), OptionDeclaration("stride", .size, defaultText: "kernel"),
                  OptionDeclaration("padding", .padding(explicit: false), default: .string("valid"))],
        doc: "2-d max pooling; 'same' gives ceil(in/stride) outputs (Keras), padded cells never win."
    ) { a in
        try MaxPool2d(kernel: a.size("kernel") ?? Size2D(square: 1), stride: a.size("stride"), padding: a.padding())
    }
}

extension BatchNorm {
    static func declaration(dimensions: Int, doc: String) -> LayerDeclaration {
        LayerDeclaration(
            "BatchNorm\(dimensions)d", positional: ["size"],
            options: [OptionDeclaration("size", .integer(1...Int.max)), OptionDeclaration("momentum", .number(.unit), default: .double(0.1)),
                      OptionDeclaration("eps", .number(.positive), default: .double(1e-5))],
            doc: doc
        ) { a in
            try BatchNorm(a.int("size"), spatialDimensions: dimensions, momentum: a.float("momentum"), epsilon: a.float("eps"))
        }
    }

    public static let declaration1d = declaration(dimensions: 1, doc: "Batch normalization of [batch, n] (PyTorch semantics: batch statistics in training, running ones in evaluation).")
    public static let declaration2d = declaration(dimensions: 2, doc: "Batch normalization of [batch, c, h, w] over batch and positions, per channel.")
}

extension Dropout {
    public static let declaration = LayerDeclaration(
        "Dropout", positional: ["p"],
        options: [OptionDeclaration("p", .number(.probability), default: .double(0.5)), OptionDeclaration("seed", .seed)],
        doc: "Inverted dropout: zeroes with probability p and scales by 1/(1-p) in training; identity in evaluation."
    ) { a in
        try Dropout(a.float("p"), seed: a.seed())
    }
}

extension L2Normalize {
    public static let declaration = LayerDeclaration(
        "L2Normalize", options: [OptionDeclaration("eps", .number(.positive), default: .double(1e-12))],
        doc: "Divides each row by its Euclidean norm (at least eps)."
    ) { a in
        L2Normalize(epsilon: try a.float("eps"))
    }
}

extension ReLU {
    public static let declaration = LayerDeclaration("ReLU", doc: "max(x, 0), element-wise.") { _ in ReLU() }
}

extension Sigmoid {
    public static let declaration = LayerDeclaration("Sigmoid", doc: "1 / (1 + exp(-x)), element-wise.") { _ in Sigmoid() }
}

extension Tanh {
    public static let declaration = LayerDeclaration("Tanh", doc: "tanh(x), element-wise.") { _ in Tanh() }
}

extension Flatten {
    public static let declaration = LayerDeclaration("Flatten", doc: "[batch, d1, d2, ...] -> [batch, d1*d2*...].") { _ in Flatten() }
}
