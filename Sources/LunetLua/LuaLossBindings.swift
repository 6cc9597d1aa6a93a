import CLua
import Lunet

extension RecordedLoss: LuaNamed {
    public var luaTypeName: String { "nn criterion" }
}

/// `nn.Loss(function)` or `nn.Loss{forward =, ...}`: a loss written in Lua,
/// an engine `RecordedLoss` whose evaluation calls the function on a
/// recording tape, so its gradient comes from replaying the tape.
enum LuaLossBindings {
    static let declaration = Declaration("RecordedLoss", options: [
        OptionDeclaration("forward", .function, doc: "function(output, labels) for train.fit, function(anchors, positives, negatives) for triplet.fit: returns a one-element tensor, then one number per statistic"),
        OptionDeclaration("name", .string, default: .string("lua"), doc: "shown by tostring and in errors"),
        OptionDeclaration("inputs", .integer(1...64), default: .int(1), doc: "tensors the function takes before the labels (triplet.fit makes it 3)"),
        OptionDeclaration("labels", .boolean, default: .bool(true), doc: "whether 1-based Int32 class labels follow the inputs"),
        OptionDeclaration("statistics", .list(.string, minimum: 0), default: .list([]), doc: "names of the extra values the function returns; fit reports their means beside loss"),
    ], doc: """
        A loss written in Lua, usable as train.fit's and triplet.fit's loss: only the value is written; its gradient \
        comes from recording the tensor operations (reductions give one-element tensors while recorded). \
        nn.Loss(f) is nn.Loss{forward = f}.
        """)

    static let constructor = LuaFunction("nn.Loss", declaration: declaration) { call in
        let values: OptionValues
        if lua_type(call.L, 1) == LUA_TFUNCTION {
            guard case .function(let function) = try call.value(1) else { throw call.typeError(1, expected: "function") }
            values = try declaration.check(["forward": .function(function)])
        } else {
            values = try call.options(1, declaredBy: declaration)
        }
        guard let function = values.function("forward") else {
            throw OptionProblem(declaration.subject, option: "forward", reason: .missing).error
        }
        let name = try values.string("name")
        let statistics = try (values.list("statistics") ?? []).compactMap { if case .string(let s) = $0 { s } else { nil } }
        let loss = RecordedLoss(name: name, inputCount: try values.int("inputs"), usesLabels: try values.bool("labels"),
                                statisticNames: statistics) { tape, inputs, labels in
            try evaluate(function, name: name, statistics: statistics, tape: tape, inputs: inputs, labels: labels)
        }
        call.pushObject(loss, metatable: LossBindings.metatable)
        return 1
    }

    static func evaluate(_ function: LuaReference, name: String, statistics: [String], tape: Tape,
                         inputs: [Variable], labels: Tensor<Int32>?) throws -> (loss: Variable, statistics: [Float]) {
        let call = try Recording.runningCall(for: function)
        let expected = 1 + statistics.count
        do {
            return try Recording.during {
                try call.callback(function, results: LUA_MULTRET, arguments: { c in
                    for input in inputs { Recording.push(c, input, on: tape) }
                    if let labels { c.push(try labels.mapped { $0 + 1 }) }
                    return Int32(inputs.count + (labels == nil ? 0 : 1))
                }) { c, first in
                    let count = Int(lua_gettop(c.L) - first + 1)
                    guard count == expected else {
                        let what = statistics.isEmpty ? "the loss" : "the loss and " + statistics.joined(separator: ", ")
                        throw LunetError("nn.Loss '\(name)': the function returned \(count) value\(count == 1 ? "" : "s"), expected \(expected) (\(what))")
                    }
                    let loss = try lossValue(c, first, tape: tape, name: name)
                    let values = try (1..<Int32(expected)).map { try statistic(c, first + $0, statistics[Int($0) - 1], name: name) }
                    return (loss, values)
                }
            }
        } catch let error as LuaRaisedError {
            throw LuaRaisedError(message: "nn.Loss '\(name)': forward failed: \(error.message)")
        }
    }

    static func lossValue(_ call: LuaCall, _ index: Int32, tape: Tape, name: String) throws -> Variable {
        guard let box = call.boxedObject(at: index) as? TensorBox, case .float(let value) = box.tensor else {
            throw LunetError("nn.Loss '\(name)': the function must return a one-element Float32 tensor, got a \(call.typeName(at: index)) (a reduction of recorded tensors is a tensor; keep it one)")
        }
        return box.tape === tape ? Variable(value, node: box.node) : Variable(value)
    }

    static func statistic(_ call: LuaCall, _ index: Int32, _ statistic: String, name: String) throws -> Float {
        if lua_type(call.L, index) == LUA_TNUMBER { return Float(try call.number(index)) }
        if let box = call.boxedObject(at: index) as? TensorBox, case .float(let value) = box.tensor, value.count == 1 {
            return value.withUnsafeBufferPointer { $0[0] }
        }
        throw LunetError("nn.Loss '\(name)': statistic '\(statistic)' must be a number or a one-element tensor, got a \(call.typeName(at: index))")
    }
}
