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
                                         seed: GlobalRandom.makeSeed())
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
    static let module = LuaLibrary(.module("triplet"), doc: "Triplet selection and training (spec Q2): samplers return 1-based (anchors, positives, negatives); triplet.fit trains a shared embedding network.", functions: [
        LuaFunction("random", "triplet.random()", "The spec's 2.3a: a random anchor class, two different images of it, another class and a random image of it.") { call in
            push(call, RandomTripletSampler())
        },
        LuaFunction("hardest", "triplet.hardest{refresh = nil}", "The spec's 2.3b: as random, but the negative is the image of the chosen class nearest the anchor (current embeddings, one batched evaluation-mode pass per step). refresh = n mines from embeddings of the whole set recomputed every n steps.") { call in
            let options = try call.options(1, for: "triplet.hardest", allowed: ["refresh"])
            return push(call, try HardestNegativeSampler(refresh: options.integer("refresh")))
        },
        LuaFunction("semihard", "triplet.semihard{margin = 0.2, refresh = nil}", "FaceNet's semi-hard negatives: the nearest image of the chosen class with d(a,p) < d(a,n) < d(a,p) + margin (squared distances); the hardest one when none lies in that band.") { call in
            let options = try call.options(1, for: "triplet.semihard", allowed: ["margin", "refresh"])
            return push(call, try SemiHardSampler(margin: options.float("margin", default: 0.2), refresh: options.integer("refresh")))
        },
        LuaFunction("batchhard", "triplet.batchhard{classes = nil, perClass = 4, refresh = nil}", "Batch-hard: classes x perClass random images, each an anchor with the farthest image of its class and the nearest of another class in that batch; classes defaults to ceil(n / perClass).") { call in
            let options = try call.options(1, for: "triplet.batchhard", allowed: ["classes", "perClass", "refresh"])
            return push(call, try BatchHardSampler(classes: options.integer("classes"), perClass: options.integer("perClass", default: 4),
                                                   refresh: options.integer("refresh")))
        },
        LuaFunction("sampler", "triplet.sampler(function(ctx, n) return anchors, positives, negatives end)", "A sampler written in Lua, called every step with a context (ctx.labels, ctx:classCount(), ctx:indicesOf(c), ctx:embed(i), ctx:distances(a, b), ctx.random:integer(lo, hi), ctx.step); what it returns is checked.") { call in
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
                throw call.argumentError(3, "\(box.sampler.description) mines from embeddings: nn module expected, got nil")
            }
            let triplets = try box.sample(box.directContext(dataset, network), count: count, call: call)
            try triplets.validate(against: dataset, owner: box.sampler.description)
            for list in [triplets.anchors, triplets.positives, triplets.negatives] {
                call.push(try Tensor<Int32>(shape: [list.count], scalars: list.map { Int32($0 + 1) }))
            }
            return 3
        },
    ], metamethods: [
        LuaFunction("__tostring", "tostring(sampler)", "triplet.hardest{refresh = 10}") { call in
            call.push(try call.object(1, TripletSamplerBox.self, expected: "triplet sampler").sampler.description)
            return 1
        },
    ])

    static func push(_ call: LuaCall, _ sampler: TripletSampler) -> Int32 {
        call.pushObject(TripletSamplerBox(sampler), metatable: TripletSamplerBox.metatable)
        return 1
    }

    static let oneshot = LuaLibrary(.module("oneshot"), doc: "N-way one-shot tests: the spec's k tasks (oneshot.evaluate) and Lake et al.'s 20 official runs (oneshot.runs).", functions: [
        LuaFunction("evaluate", "oneshot.evaluate(net, set, {way = 20, tasks = 250, seed = 1, within = nil | 'group', distance = 'euclidean' | 'cosine'})", "tasks seeded tasks: way classes, a test image of the first and one support image each (a different one for the true class); correct when the nearest support is the true class's. Returns {accuracy, stderr, correct, tasks}.") { call in
            let embedding = try embeddingFunction(call, 1)
            let dataset = try call.dataset(2)
            let options = try call.options(3, for: "oneshot.evaluate", allowed: ["way", "tasks", "seed", "within", "distance"])
            let within = try options.choice("within", ["group"], default: "")
            let result = try OneShot.evaluate(embedding, dataset, way: options.integer("way", default: 20),
                                              tasks: options.integer("tasks", default: 250), seed: options.seed() ?? 1,
                                              withinGroup: within == "group", distance: distance(options))
            pushResult(call, result)
            return 1
        },
        LuaFunction("runs", "oneshot.runs(net | 'pixels', runs[, {distance = 'euclidean'}])", "The official 20-way runs (data.omniglotRuns): each test image goes to the nearest of the run's training images. Returns {accuracy, stderr, correct, tasks, errors = {wrong answers per run}}.") { call in
            let embedding = try embeddingFunction(call, 1)
            let runs = try readRuns(call, 2)
            let options = try call.options(3, for: "oneshot.runs", allowed: ["distance"])
            pushResult(call, try OneShot.runs(embedding, runs, distance: distance(options)))
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

    static func distance(_ options: LuaOptions) throws -> DistanceMetric {
        DistanceMetric(rawValue: try options.choice("distance", OneShot.distances.map(\.rawValue), default: "euclidean"))!
    }

    static func pushResult(_ call: LuaCall, _ result: OneShot.Result) {
        lua_createtable(call.L, 0, 5)
        call.setField("accuracy") { call.push(result.accuracy) }
        call.setField("stderr") { call.push(result.standardError) }
        call.setField("correct") { call.push(result.correct) }
        call.setField("tasks") { call.push(result.tasks) }
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
