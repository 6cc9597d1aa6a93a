import CLua
import Lunet

extension LuaTypeName {
    public static let module = "lunet.Module"
}

/// `nn.*` layer constructors. Losses live in the same `nn` table, installed
/// by their own library.
enum NNBindings {
    /// Options every weighted layer takes.
    static let weightOptions: Set<String> = ["bias", "init", "seed", "l2"]

    /// What `help(nn)` says; several libraries fill the `nn` table.
    static let moduleDoc = "Layers (Torch-style modules with forward and backward), containers, losses and model files."

    static func push(_ call: LuaCall, _ module: Module) -> Int32 {
        call.push(newModule: module)
        return 1
    }

    /// A kernel size or stride: a number or a pair `{h, w}`; nil for anything else.
    static func size(_ value: LuaValue) -> Size2D? {
        if let n = value.integerValue { return n > 0 ? Size2D(square: n) : nil }
        guard case .table(let t) = value, t.fields.isEmpty, t.array.count == 2,
              let h = t.array[0].integerValue, let w = t.array[1].integerValue, h > 0, w > 0 else { return nil }
        return Size2D(h, w)
    }

    static let sizeExpected = "positive integer or pair {height, width}"

    /// The kernel argument at `index`.
    static func size(_ call: LuaCall, _ index: Int32) throws -> Size2D {
        guard let size = size(try call.value(index)) else { throw call.typeError(index, expected: sizeExpected) }
        return size
    }

    /// The `stride` option, if given.
    static func stride(_ options: LuaOptions) throws -> Size2D? {
        guard let value = options.values["stride"] else { return nil }
        guard let size = size(value) else {
            throw LunetError("option 'stride' for \(options.owner): \(sizeExpected) expected, got \(value.typeName)")
        }
        return size
    }

    static func padding(_ options: LuaOptions, allowExplicit: Bool) throws -> Padding {
        guard let value = options.values["padding"] else { return .valid }
        switch (value, value.integerValue) {
        case (.string("valid"), _): return .valid
        case (.string("same"), _): return .same
        case (_, let n?) where n >= 0 && allowExplicit: return .explicit(n)
        default:
            throw LunetError("option 'padding' for \(options.owner) must be 'valid', 'same'\(allowExplicit ? " or a non-negative integer" : "")")
        }
    }

    static func initializer(_ options: LuaOptions) throws -> WeightInitializer {
        let name = try options.choice("init", WeightInitializer.allCases.map(\.rawValue), default: "glorot")
        return WeightInitializer(rawValue: name)!
    }

    static let module = LuaLibrary(.module("nn"), doc: moduleDoc,
                                   functions: layers + activations)

    static let layers: [LuaFunction] = [
        LuaFunction("Linear", "nn.Linear(in, out[, {bias=true, init='glorot'|'he', seed=, l2=}])",
                    "Fully connected layer y = x W^T + b on [batch, in]; weight [out, in] Glorot-uniform, bias zero.") { call in
            let options = try call.options(3, for: "nn.Linear", allowed: weightOptions)
            return push(call, try Linear(try call.positiveInteger(1), try call.positiveInteger(2),
                                         bias: options.boolean("bias", default: true), initializer: initializer(options),
                                         l2: options.float("l2", default: 0), seed: options.seed()))
        },
        LuaFunction("Conv2d", "nn.Conv2d(in, out, kernel[, {stride=1, padding='valid'|'same'|n, bias=true, init=, seed=, l2=}])",
                    "2-d convolution on [batch, in, h, w]; kernel and stride are numbers or {h, w}; 'same' pads as Keras (extra at bottom/right).") { call in
            let options = try call.options(4, for: "nn.Conv2d", allowed: weightOptions.union(["stride", "padding"]))
            let kernel = try size(call, 3)
            let stride = try stride(options) ?? Size2D(square: 1)
            return push(call, try Conv2d(try call.positiveInteger(1), try call.positiveInteger(2), kernel: kernel, stride: stride,
                                         padding: padding(options, allowExplicit: true), bias: options.boolean("bias", default: true),
                                         initializer: initializer(options), l2: options.float("l2", default: 0), seed: options.seed()))
        },
        LuaFunction("MaxPool2d", "nn.MaxPool2d(kernel[, {stride=kernel, padding='valid'|'same'}])",
                    "2-d max pooling; 'same' gives ceil(in/stride) outputs (Keras), padded cells never win.") { call in
            let options = try call.options(2, for: "nn.MaxPool2d", allowed: ["stride", "padding"])
            let kernel = try size(call, 1)
            let stride = try stride(options)
            return push(call, try MaxPool2d(kernel: kernel, stride: stride, padding: padding(options, allowExplicit: false)))
        },
        LuaFunction("BatchNorm1d", "nn.BatchNorm1d(n[, {momentum=0.1, eps=1e-5}])",
                    "Batch normalization of [batch, n] (PyTorch semantics: batch statistics in training, running ones in evaluation).") { call in
            try batchNorm(call, dimensions: 1)
        },
        LuaFunction("BatchNorm2d", "nn.BatchNorm2d(c[, {momentum=0.1, eps=1e-5}])",
                    "Batch normalization of [batch, c, h, w] over batch and positions, per channel.") { call in
            try batchNorm(call, dimensions: 2)
        },
        LuaFunction("Dropout", "nn.Dropout([p=0.5][, {seed=}])",
                    "Inverted dropout: zeroes with probability p and scales by 1/(1-p) in training; identity in evaluation.") { call in
            let hasProbability = call.type(at: 1) == LUA_TNUMBER
            let options = try call.options(hasProbability ? 2 : 1, for: "nn.Dropout", allowed: ["seed"])
            let p = hasProbability ? try call.number(1) : 0.5
            return push(call, try Dropout(Float(p), seed: options.seed()))
        },
        LuaFunction("Sequential", "nn.Sequential([{m1, m2, ...}])", "A container running its layers in order.") { call in
            guard !call.isNoneOrNil(1) else { return push(call, Sequential()) }
            guard case .table(let table) = try call.value(1), table.fields.isEmpty else {
                throw call.typeError(1, expected: "list of nn modules")
            }
            let layers = try table.array.enumerated().map { index, value in
                guard case .object(let object) = value, let module = object as? Module else {
                    throw call.argumentError(1, "item \(index + 1) is a \(value.typeName), expected an nn module")
                }
                return module
            }
            return push(call, Sequential(layers))
        },
    ]

    static func batchNorm(_ call: LuaCall, dimensions: Int) throws -> Int32 {
        let options = try call.options(2, for: "nn.BatchNorm\(dimensions)d", allowed: ["momentum", "eps"])
        return push(call, try BatchNorm(try call.positiveInteger(1), spatialDimensions: dimensions,
                                        momentum: options.float("momentum", default: 0.1), epsilon: options.float("eps", default: 1e-5)))
    }

    static let activations: [LuaFunction] = [
        LuaFunction("ReLU", "nn.ReLU()", "max(x, 0), element-wise.") { call in push(call, ReLU()) },
        LuaFunction("Sigmoid", "nn.Sigmoid()", "1 / (1 + exp(-x)), element-wise.") { call in push(call, Sigmoid()) },
        LuaFunction("Tanh", "nn.Tanh()", "tanh(x), element-wise.") { call in push(call, Tanh()) },
        LuaFunction("Flatten", "nn.Flatten()", "[batch, d1, d2, ...] -> [batch, d1*d2*...].") { call in push(call, Flatten()) },
        LuaFunction("L2Normalize", "nn.L2Normalize([{eps=1e-12}])", "Divides each row by its Euclidean norm.") { call in
            let options = try call.options(1, for: "nn.L2Normalize", allowed: ["eps"])
            return push(call, L2Normalize(epsilon: try options.float("eps", default: 1e-12)))
        },
    ]
}
