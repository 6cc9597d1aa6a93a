import CLua
import Foundation
import LuaShim
import Lunet

/// A sampler in a Lua userdata (`lunet.TripletSampler`), with the context of
/// its direct `sampler:sample` calls: kept while the dataset and network stay
/// the same (the same image storage, not equal images: comparing would read
/// every byte), so steps count on and `refresh` caches last.
final class TripletSamplerBox: LuaNamed {
    static let metatable = "lunet.TripletSampler"
    let sampler: TripletSampler
    private var direct: (context: TripletContext, images: Tensor<UInt8>, network: Module?)?

    init(_ sampler: TripletSampler) { self.sampler = sampler }
    var luaTypeName: String { "triplet sampler" }

    func directContext(_ dataset: Dataset, _ network: Module?) throws -> TripletContext {
        if let direct, direct.images.storage === dataset.images.storage, direct.network === network {
            direct.context.begin(step: direct.context.step + 1)
            return direct.context
        }
        let context = try TripletContext(dataset: dataset, embedding: network.map { .network($0) },
                                         seed: sampler.seed ?? GlobalRandom.makeSeed())
        context.begin(step: 1)
        direct = (context, dataset.images, network)
        return context
    }

    /// Runs the sampler with `call` available to a Lua sampler.
    func sample(_ context: TripletContext, count: Int, call: LuaCall) throws -> TripletIndices {
        let lua = sampler as? LuaTripletSampler
        let previous = lua?.call
        lua?.call = call
        defer { lua?.call = previous }
        return try sampler.sample(context, count: count)
    }
}

/// `triplet.*` (samplers, triplet.fit) and `oneshot.*` (N-way one-shot tests).
enum TripletBindings {
    static let module = LuaLibrary(.module("triplet"), doc: "Triplet selection and training (the assignment's second question: learning an embedding for one-shot recognition): samplers return 1-based (anchors, positives, negatives); triplet.fit trains a shared embedding network.", functions: [
        LuaFunction("triplet.random", declaration: RandomTripletSampler.declaration) { call in
            push(call, try RandomTripletSampler(options: call.options(1, declaredBy: RandomTripletSampler.declaration)))
        },
        LuaFunction("triplet.hardest", declaration: HardestNegativeSampler.declaration) { call in
            push(call, try HardestNegativeSampler(options: call.options(1, declaredBy: HardestNegativeSampler.declaration)))
        },
        LuaFunction("triplet.semihard", declaration: SemiHardSampler.declaration) { call in
            push(call, try SemiHardSampler(options: call.options(1, declaredBy: SemiHardSampler.declaration)))
        },
        LuaFunction("triplet.batchhard", declaration: BatchHardSampler.declaration) { call in
            push(call, try BatchHardSampler(options: call.options(1, declaredBy: BatchHardSampler.declaration)))
        },
        LuaFunction("triplet.sampler", declaration: LuaTripletSampler.declaration, leading: ["function(ctx, n) return anchors, positives, negatives end"]) { call in
            guard call.type(at: 1) == LUA_TFUNCTION, case .function(let function) = try call.value(1) else {
                throw call.typeError(1, expected: "function")
            }
            return push(call, LuaTripletSampler(function: function))
        },
        LuaFunction("triplet.fit", declaration: Trainer.tripletFitDeclaration, leading: ["net", "set"]) { call in
            try TripletFitBinding.fit(call)
        },
    ])

    static let sampler = LuaLibrary(.type(metatable: TripletSamplerBox.metatable), doc: "A triplet sampler: sampler:sample(ds, net, n), or pass it to triplet.fit.", functions: [
        LuaFunction("sample", "sampler:sample(ds, net, n)", "n triplets of ds as three Int32 tensors of 1-based indices (anchors, positives, negatives); net embeds images for mining (nil for triplet.random).") { call in
            let box = try call.object(1, TripletSamplerBox.self, expected: "triplet sampler")
            let dataset = try call.dataset(2)
            let network = call.isNoneOrNil(3) ? nil : try call.object(3, Module.self, expected: "nn module")
            let count = try call.positiveInteger(4)
            if box.sampler.usesEmbeddings, network == nil, !(box.sampler is LuaTripletSampler) {
                throw call.argumentError(3, "\(LuaPhrasing().subject(box.sampler.subject)) mines from embeddings: nn module expected, got nil")
            }
            let triplets = try box.sample(box.directContext(dataset, network), count: count, call: call)
            try triplets.validate(against: dataset, owner: box.sampler.subject)
            for list in [triplets.anchors, triplets.positives, triplets.negatives] {
                call.push(try Tensor<Int32>(shape: [list.count], scalars: list.map { Int32($0 + 1) }))
            }
            return 3
        },
    ], metamethods: [
        LuaFunction("__tostring", "tostring(sampler)", "triplet.hardest{refresh = 10}") { call in
            let sampler = try call.object(1, TripletSamplerBox.self, expected: "triplet sampler").sampler
            call.push(LuaPhrasing().subject(sampler.subject) + (sampler is LuaTripletSampler ? "(function)" : ""))
            return 1
        },
    ])

    static func push(_ call: LuaCall, _ sampler: TripletSampler) -> Int32 {
        call.pushObject(TripletSamplerBox(sampler), metatable: TripletSamplerBox.metatable)
        return 1
    }

    static let oneshot = LuaLibrary(.module("oneshot"), doc: "N-way one-shot tests: seeded tasks on a set of held-out classes (oneshot.evaluate) and Lake et al.'s 20 official runs (oneshot.runs).", functions: [
        LuaFunction("oneshot.evaluate", declaration: OneShot.evaluateDeclaration, leading: ["net | 'pixels'", "set"]) { call in
            let embedding = try embeddingFunction(call, 1)
            let dataset = try call.dataset(2)
            pushResult(call, try OneShot.evaluate(embedding, dataset, options: call.options(3, declaredBy: OneShot.evaluateDeclaration)))
            return 1
        },
        LuaFunction("oneshot.runs", declaration: OneShot.runsDeclaration, leading: ["net | 'pixels'", "runs"]) { call in
            let embedding = try embeddingFunction(call, 1)
            let options = try call.options(3, declaredBy: OneShot.runsDeclaration)
            pushResult(call, try OneShot.runs(embedding, readRuns(call, 2), options: options))
            return 1
        },
    ])

    static func embeddingFunction(_ call: LuaCall, _ index: Int32) throws -> EmbeddingFunction {
        if call.type(at: index) == LUA_TSTRING {
            guard try call.string(index) == "pixels" else { throw call.argumentError(index, "nn module or 'pixels' expected, got '\(try call.string(index))'") }
            return .pixels
        }
        return .network(try call.object(index, Module.self, expected: "nn module or 'pixels'"))
    }

    static func pushResult(_ call: LuaCall, _ result: OneShot.Result) {
        lua_createtable(call.L, 0, 5)
        call.setField("accuracy") { call.push(result.accuracy) }
        call.setField("stderr") { call.push(result.standardError) }
        call.setField("correct") { call.push(result.correct) }
        call.setField("tasks") { call.push(result.tasks) }
        if let way = result.way { call.setField("way") { call.push(way) } }
        if !result.errorsPerRun.isEmpty { call.setField("errors") { call.push(list: result.errorsPerRun) } }
        call.setMetatable(.oneShotResult)
    }

    /// The list data.omniglotRuns returns, back as runs (answers made 0-based).
    static func readRuns(_ call: LuaCall, _ index: Int32) throws -> [OneShotRun] {
        guard case .table(let list) = try call.value(index), list.fields.isEmpty, !list.array.isEmpty else {
            throw call.typeError(index, expected: "list of runs (data.omniglotRuns)")
        }
        return try list.array.enumerated().map { k, value in
            guard case .table(let run) = value, case .tensor(.byte(let support))? = run.fields["support"],
                  case .tensor(.byte(let query))? = run.fields["query"], case .table(let answers)? = run.fields["answers"] else {
                throw call.argumentError(index, "run \(k + 1) must have support and query UInt8 tensors and answers, as data.omniglotRuns gives")
            }
            let zeroBased = try answers.array.map { value -> Int in
                guard case .integer(let a) = value, a >= 1, a <= support.shape.first ?? 0 else {
                    throw call.argumentError(index, "run \(k + 1): answers must be support positions 1..\(support.shape.first ?? 0)")
                }
                return a - 1
            }
            guard support.rank == 4, query.rank == 4, zeroBased.count == query.shape[0] else {
                throw call.argumentError(index, "run \(k + 1): support and query must be [N, C, H, W] with one answer per query")
            }
            var name = "run\(k + 1)"
            if case .string(let given)? = run.fields["name"] { name = given }
            return OneShotRun(name: name, support: support, query: query, answers: zeroBased)
        }
    }
}
