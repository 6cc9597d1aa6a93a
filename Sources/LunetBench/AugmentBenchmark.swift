import Foundation
import Lunet
import LunetLua

/// `LunetBench augment`: what distorting a batch costs (`data.augment`),
/// alone and against the training step it feeds. (1) Koch et al.'s affine
/// distortions on a triplet step's 192 Omniglot images (105x105), with each
/// transform at probability 0.5 and at 1; (2) flips, crops and colour jitter
/// on 100 Tiny ImageNet-sized images (3x64x64); (3) a step of
/// `triplet.fit` with the example's small network and random triplets, with
/// and without the Koch augmentation (target: under 5% of the step).
/// Data: `LUNET_OMNIGLOT` or `../shared/data/omniglot/images_background_small1.zip`.
enum AugmentBenchmark {
    static func run() throws {
        print("augment (medians of 15)")
        let omniglot = try Tensor<Float>.rand([192, 1, 105, 105], seed: 1)
        let koch = try augmentation(["rotation": .double(10), "shear": .double(0.3), "scale": .double(0.2),
                                     "translate": .double(2), "p": .double(0.5)])
        let kochAlways = try augmentation(["rotation": .double(10), "shear": .double(0.3), "scale": .double(0.2),
                                           "translate": .double(2), "p": .double(1)])
        let half = try Stopwatch.median(repeats: 15) { _ = try koch.apply(omniglot) }
        let always = try Stopwatch.median(repeats: 15) { _ = try kochAlways.apply(omniglot) }
        print(String(format: "  Koch distortions, 192 x 1x105x105: %.2f ms a batch at p = 0.5, %.2f ms at p = 1 (%.1f us an image)",
                     half * 1e3, always * 1e3, always / 192 * 1e6))
        let tiny = try Tensor<Float>.rand([100, 3, 64, 64], seed: 2)
        let jitter = try augmentation(["flip": .double(0.5), "crop": .int(4), "brightness": .double(0.2), "contrast": .double(0.2)])
        let colour = try Stopwatch.median(repeats: 15) { _ = try jitter.apply(tiny) }
        print(String(format: "  flip, crop 4, brightness and contrast 0.2, 100 x 3x64x64: %.2f ms a batch", colour * 1e3))
        try stepShare(augmentSeconds: half)
    }

    static func augmentation(_ options: [String: ConfigurationValue]) throws -> Augmentation {
        try Augmentation(options: Augmentation.declaration.check(options.mapValues { .value($0) }.merging(["seed": .value(.int(1))]) { $1 }))
    }

    /// The small network's random-triplet step with and without augmentation,
    /// as `triplet.fit` times it (the second round's steps, the first warms up).
    static func stepShare(augmentSeconds: Double) throws {
        let path = ProcessInfo.processInfo.environment["LUNET_OMNIGLOT"] ?? "../shared/data/omniglot/images_background_small1.zip"
        let lua = try LuaState(libraryPath: LuaLibraryPath.locate())
        try lua.run("""
            ds = data.omniglot("\(path)", {invert = true})
            koch = data.augment{rotation = 10, shear = 0.3, scale = 0.2, translate = 2, p = 0.5, seed = 1}
            function small()
              return nn.Sequential{
                nn.MaxPool2d(3), nn.Conv2d(1, 32, 5, {seed = 1}), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(32, 64, 3, {seed = 2}), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(64, 64, 3, {seed = 3}), nn.BatchNorm2d(64), nn.ReLU(),
                nn.Flatten(), nn.Dropout(0.25, {seed = 4}), nn.Linear(1024, 256, {seed = 5}), nn.Sigmoid()}
            end
            -- Per step: drawing the batch (the augmentation included) and training on it,
            -- the better of the second and third rounds (the first warms up).
            function stepSeconds(augment)
              local h = triplet.fit(small(), ds, {augment = augment, batch = 64, steps = 20, rounds = 3, seed = 1, verbose = 0})
              local drawing, training = math.huge, math.huge
              for r = 2, 3 do
                drawing = math.min(drawing, h.rounds[r].mining / h.rounds[r].steps)
                training = math.min(training, h.rounds[r].training / h.rounds[r].steps)
              end
              return drawing, training
            end
            """, name: "=augment")
        var plain: [(Double, Double)] = [], augmented: [(Double, Double)] = []
        for _ in 0..<5 {  // alternated, so the machine's load falls on both alike
            let p = try lua.evaluate("stepSeconds(nil)").map { Double($0) ?? .nan }
            let a = try lua.evaluate("stepSeconds(koch)").map { Double($0) ?? .nan }
            plain.append((p[0], p[1]))
            augmented.append((a[0], a[1]))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let (drawPlain, drawAugmented) = (median(plain.map(\.0)), median(augmented.map(\.0)))
        let step = median(plain.map { $0.0 + $0.1 }), augmentedStep = median(augmented.map { $0.0 + $0.1 })
        print(String(format: "  small network, random triplets, batch 64 (medians of 5 alternated fits): step %.1f ms plain, %.1f ms augmented",
                     step * 1e3, augmentedStep * 1e3))
        print(String(format: "    drawing a batch %.2f ms plain, %.2f ms augmented: the augmentation costs %.2f ms, %.1f%% of the plain step (alone: %.1f%%)",
                     drawPlain * 1e3, drawAugmented * 1e3, (drawAugmented - drawPlain) * 1e3, 100 * (drawAugmented - drawPlain) / step,
                     100 * augmentSeconds / step))
    }
}
