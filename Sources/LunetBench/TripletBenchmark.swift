import Foundation
import Lunet
import LunetLua

/// `LunetBench triplet`: one step of random and of hard selection on the Koch
/// network (batch 64, Omniglot background set), the hard sampler's mining
/// time against a plain evaluation-mode forward over the images it embeds,
/// what `refresh` costs per step, and a Lua sampler's own overhead.
/// Data: `LUNET_OMNIGLOT` or `../shared/data/omniglot/images_background_small1.zip`.
enum TripletBenchmark {
    static func run() throws {
        let path = ProcessInfo.processInfo.environment["LUNET_OMNIGLOT"] ?? "../shared/data/omniglot/images_background_small1.zip"
        let dataset = try Omniglot.load(path, invert: true)
        print("triplet: \(dataset.summary), Koch network, batch 64")
        let network = try NNBenchmark.koch().model

        let random = try step(RandomTripletSampler(), network, dataset)
        let hard = try step(HardestNegativeSampler(), network, dataset)
        let distinct = Int(hard.embeddedPerStep)
        var order = RandomGenerator(seed: 3)
        let sample = Array(Dataset.permutation(dataset.count, generator: &order).prefix(distinct))
        let forward = try Stopwatch.seconds { _ = try EmbeddingFunction.network(network).embed(dataset.images, at: sample) }
        let wholeSet = try Stopwatch.seconds { _ = try EmbeddingFunction.network(network).embedAll(dataset.images) }
        let randomStep = random.miningSeconds + random.trainingSeconds
        let hardStep = hard.miningSeconds + hard.trainingSeconds
        print(String(format: "  random step %.2f s (mining %.4f s); hardest step %.2f s (mining %.2f s, training %.2f s): ratio %.2f",
                     randomStep, random.miningSeconds, hardStep, hard.miningSeconds, hard.trainingSeconds, hardStep / randomStep))
        print(String(format: "  hardest embeds %d distinct images a step; mining %.2f s against %.2f s for a plain evaluation forward over %d images: %.2fx",
                     distinct, hard.miningSeconds, forward, distinct, hard.miningSeconds / forward))
        print(String(format: "  whole set (%d images) embedded in %.2f s; hardest{refresh = n} costs about random + %.2f / n s a step:",
                     dataset.count, wholeSet, wholeSet))
        // Selection from a cache already filled: the step between refreshes.
        let cached = try HardestNegativeSampler(refresh: 1_000_000)
        let context = try TripletContext(dataset: dataset, embedding: .network(network), seed: 1)
        _ = try cached.sample(context, count: 64)
        context.begin(step: 2)
        let selection = try Stopwatch.seconds { _ = try cached.sample(context, count: 64) }
        print(String(format: "    selection from the cache %.4f s", selection))
        for interval in [5, 10, 20, 50] {
            let estimate = randomStep + selection + wholeSet / Double(interval)
            print(String(format: "    refresh = %-3d  %.2f s a step, %.2fx random", interval, estimate, estimate / randomStep))
        }
        try luaOverhead(path, stepSeconds: randomStep)
    }

    struct StepTiming {
        var miningSeconds = 0.0, trainingSeconds = 0.0, embeddedPerStep = 0.0
    }

    /// The second of two steps (the first warms up workspaces and caches), as
    /// triplet.fit runs them: the training loop over `TripletBatches`.
    static func step(_ sampler: TripletSampler, _ network: Module, _ dataset: Dataset) throws -> StepTiming {
        let source = try TripletBatches(dataset, sampler: sampler, loss: TripletLoss(), batch: 64, steps: 1, seed: 1)
        var options = FitOptions()
        options.epochs = 2
        let history = try Trainer(model: network, optimizer: Adam(module: network, learningRate: 1e-4), source: source, options: options).fit()
        let last = history.epochs[1]
        return StepTiming(miningSeconds: last.batchSeconds, trainingSeconds: last.stepSeconds, embeddedPerStep: last["embedded"] ?? 0)
    }

    /// A Lua sampler (random selection written in Lua) called as triplet.fit calls it.
    static func luaOverhead(_ path: String, stepSeconds: Double) throws {
        let lua = try LuaState()
        try lua.run("""
            ds = data.omniglot("\(path)", {invert = true})
            s = triplet.sampler(function(ctx, n)
              local a, p, neg, classes = {}, {}, {}, ctx:classCount()
              for i = 1, n do
                local c = ctx.random:integer(1, classes)
                local images = ctx:indicesOf(c)
                a[i], p[i] = images[1], images[2]
                local other = c % classes + 1
                neg[i] = ctx:indicesOf(other)[1]
              end
              return a, p, neg
            end)
            s:sample(ds, nil, 64)
            local t = sys.clock()
            for i = 1, 200 do s:sample(ds, nil, 64) end
            perCall = (sys.clock() - t) / 200
            """)
        let perCall = Double(try lua.evaluate("perCall")[0]) ?? .nan
        print(String(format: "  Lua sampler (64 triplets, calls and checks): %.2f ms a step, %.3f%% of a random step",
                     perCall * 1000, 100 * perCall / stepSeconds))
    }
}
