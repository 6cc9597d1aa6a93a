import CLua
import LuaShim
import Lunet

/// What `ctx` holds: the run's context and its labels made 1-based once.
final class TripletContextBox: LuaNamed {
    static let metatable = "lunet.TripletContext"
    let context: TripletContext
    let labels: Tensor<Int32>

    init(_ context: TripletContext) throws {
        self.context = context
        labels = try context.dataset.labels.mapped { $0 + 1 }
    }

    var luaTypeName: String { "triplet context" }
}

/// `ctx.random`: draws from the run's seeded generator.
final class TripletRandomBox: LuaNamed {
    static let metatable = "lunet.TripletRandom"
    let context: TripletContext
    init(_ context: TripletContext) { self.context = context }
    var luaTypeName: String { "triplet random generator" }
}

enum TripletContextBindings {
    static let context = LuaLibrary(.type(metatable: TripletContextBox.metatable), doc: "What a Lua sampler sees each step: fields labels (Int32, 1-based), step, random; methods classCount, indicesOf, embed, distances.", functions: [
        LuaFunction("classCount", "ctx:classCount()", "The number of classes.") { call in
            call.push(try box(call).context.dataset.classCount)
            return 1
        },
        LuaFunction("indicesOf", "ctx:indicesOf(class)", "The 1-based positions of the images of a class (1-based), as a table.") { call in
            let context = try box(call).context
            let c = try call.zeroBasedIndex(2)
            guard c >= 0, c < context.members.count else {
                throw call.argumentError(2, "class \(c + 1) out of range for \(context.members.count) classes")
            }
            call.push(list: context.members[c].map { $0 + 1 })
            return 1
        },
        LuaFunction("embed", "ctx:embed(indices)", "Embeddings [#indices, d] of the images at 1-based indices (table or Int32 tensor): the current network in evaluation mode, each image computed once per step.") { call in
            call.push(try box(call).context.embed(call.indices(2)))
            return 1
        },
        LuaFunction("distances", "ctx:distances(a, b)", "Pairwise squared Euclidean distances [#a, #b]; a and b are 1-based image indices (embedded as ctx:embed does) or Float32 embedding matrices.") { call in
            let context = try box(call).context
            call.push(try PairwiseDistances.squared(rows(call, 2, context), rows(call, 3, context)))
            return 1
        },
    ], metamethods: [
        LuaFunction("__tostring", "tostring(ctx)", "[TripletContext: step s, N images, K classes]") { call in
            let context = try box(call).context
            call.push("[TripletContext: step \(context.step), \(context.dataset.count) images, \(context.dataset.classCount) classes]")
            return 1
        },
    ], fieldGetter: { call in
        let box = try box(call)
        switch try call.string(2) {
        case "labels": call.push(box.labels)
        case "step": call.push(box.context.step)
        case "random": call.pushObject(TripletRandomBox(box.context), metatable: TripletRandomBox.metatable)
        default: return 0
        }
        return 1
    })

    static let random = LuaLibrary(.type(metatable: TripletRandomBox.metatable), doc: "The sampler's seeded generator (ctx.random).", functions: [
        LuaFunction("integer", "ctx.random:integer(lo, hi)", "A uniform integer in [lo, hi].") { call in
            let context = try call.object(1, TripletRandomBox.self, expected: "triplet random generator").context
            let (lo, hi) = (try call.integer(2), try call.integer(3))
            guard lo <= hi, hi - lo < 1 << 53 else { throw call.argumentError(3, "interval [\(lo), \(hi)] is empty or too large") }
            call.push(lo + context.random.nextInt(below: hi - lo + 1))
            return 1
        },
        LuaFunction("uniform", "ctx.random:uniform()", "A uniform number in [0, 1).") { call in
            let context = try call.object(1, TripletRandomBox.self, expected: "triplet random generator").context
            call.push(context.random.nextDouble())
            return 1
        },
    ])

    static func box(_ call: LuaCall) throws -> TripletContextBox {
        try call.object(1, TripletContextBox.self, expected: "triplet context")
    }

    /// Embedding rows: a Float32 matrix as given, or the embeddings of 1-based indices.
    static func rows(_ call: LuaCall, _ index: Int32, _ context: TripletContext) throws -> Tensor<Float> {
        if let box = call.boxedObject(at: index) as? TensorBox, case .float(let t) = box.tensor {
            guard t.rank == 2 else { throw call.argumentError(index, "embeddings must be a matrix [n, d], got \(t.summary)") }
            return t
        }
        return try context.embed(call.indices(index))
    }
}
