import Foundation

/// Random distortions of training images, drawn afresh for every image of
/// every batch and never stored: Koch et al.'s affine distortions (rotation,
/// shear and scale per axis, translation, each applied with its own
/// probability), horizontal flips, random crops with padding (whole-pixel
/// shifts, as torchvision's `RandomCrop(size, padding)`), and brightness and
/// contrast jitter. The geometric ones compose into one affine map per image
/// (`Distortion`), so an image is resampled once, bilinearly.
///
/// Reproducible: image `i` of a batch drawn with seed `s` always gets the
/// same distortion, whatever else is in the batch or which thread warps it.
/// A fit (`augment = aug`) draws its batch seeds from the augmentation's
/// seed, so the same augmentation gives every fit the same distortions.
///
/// ```lua
/// local koch = data.augment{rotation = 10, shear = 0.3, scale = 0.2, translate = 2, p = 0.5, seed = 1}
/// local distorted = koch(images)               -- [N, C, H, W] in, the same shape out
/// triplet.fit(net, train, {augment = koch, rounds = 10})
/// ```
public final class Augmentation {
    /// The transforms that have a probability of their own.
    public enum Transform: String, CaseIterable, Sendable {
        case rotation, shear, scale, translate, crop, brightness, contrast
    }

    /// One image's draw: the forward map from input to output pixels and the colour factors.
    public struct Distortion: Equatable, Sendable {
        public var map: AffineMap
        public var brightness: Float
        public var contrast: Float
    }

    /// Degrees: angles uniform in `[-rotation, rotation]`.
    public let rotation: Double
    /// Shear factors per axis uniform in `[-shear, shear]`.
    public let shear: Double
    /// Scale factors per axis uniform in `[1 - scale, 1 + scale]`.
    public let scale: Double
    /// Pixels: shifts per axis uniform in `[-translate, translate]`.
    public let translate: Double
    /// The probability of a horizontal flip.
    public let flip: Double
    /// Padding of the random crop: whole-pixel shifts per axis in `[-crop, crop]`.
    public let crop: Int
    /// Factors uniform in `[1 - brightness, 1 + brightness]` and likewise for contrast.
    public let brightness: Double, contrast: Double
    /// What lies outside the image: a value, or (nil) the nearest edge pixel.
    public let fill: Float?
    /// The probability each transform is applied to an image.
    public let probabilities: [Transform: Double]
    public let seed: UInt64
    /// The options it was made with that differ from the defaults, for printing.
    public let settings: [Subject.Option]
    /// The stream of batch seeds for calls that give none (`aug(images)` in Lua).
    private var generator: RandomGenerator

    public init(options: OptionValues) throws {
        rotation = try options.double("rotation")
        shear = try options.double("shear")
        scale = try options.double("scale")
        translate = try options.double("translate")
        flip = try options.double("flip")
        crop = try options.int("crop")
        brightness = try options.double("brightness")
        contrast = try options.double("contrast")
        fill = try options.optionalDouble("fill").map { Float($0) }
        let p = try options.double("p")
        let given = try options.options("probabilities")
        var probabilities: [Transform: Double] = [:]
        for transform in Transform.allCases {
            let fallback = [.crop, .brightness, .contrast].contains(transform) ? 1 : p
            probabilities[transform] = try given?.optionalDouble(transform.rawValue) ?? fallback
        }
        self.probabilities = probabilities
        seed = try options.seed() ?? GlobalRandom.makeSeed()
        generator = RandomGenerator(seed: seed)
        settings = Self.declaration.options.compactMap { option in
            guard case .value(let value)? = options.values[option.name], value != option.defaultValue else { return nil }
            return Subject.Option(option.name, value)
        }
    }

    public var subject: Subject { Subject(Self.declaration.name, detail: .options(settings)) }

    /// Whether any transform can change an image.
    public var changesImages: Bool {
        let ranges: [(Transform, Double)] = [(.rotation, rotation), (.shear, shear), (.scale, scale), (.translate, translate),
                                             (.crop, Double(crop)), (.brightness, brightness), (.contrast, contrast)]
        return flip > 0 || ranges.contains { $1 > 0 && probabilities[$0, default: 0] > 0 }
    }

    /// The distortion of image `index` of a batch drawn with `seed`, for
    /// images `height` x `width`. Every draw is made whether or not its
    /// transform applies, so one setting never shifts the others' draws.
    public func distortion(seed: UInt64, index: Int, height: Int, width: Int) -> Distortion {
        var g = RandomGenerator(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        func uniform(_ range: Double) -> Double { (2 * g.nextDouble() - 1) * range }
        func applies(_ transform: Transform) -> Bool { g.nextDouble() < probabilities[transform, default: 0] }
        func factor(_ transform: Transform, _ range: Double) -> Double {
            let (on, value) = (applies(transform), 1 + uniform(range))
            return on ? value : 1
        }
        let centre = (x: Double(width - 1) / 2, y: Double(height - 1) / 2)
        let (rotates, angle) = (applies(.rotation), uniform(rotation))
        let (shears, shearX, shearY) = (applies(.shear), uniform(shear), uniform(shear))
        let (scales, scaleX, scaleY) = (applies(.scale), 1 + uniform(scale), 1 + uniform(scale))
        let (shifts, shiftX, shiftY) = (applies(.translate), uniform(translate), uniform(translate))
        let (crops, cropX, cropY) = (applies(.crop), g.nextInt(below: 2 * crop + 1) - crop, g.nextInt(below: 2 * crop + 1) - crop)
        let flips = g.nextDouble() < flip
        let colour = (brightness: factor(.brightness, brightness), contrast: factor(.contrast, contrast))

        var map = flips ? AffineMap.horizontalFlip(width: width) : .identity
        // Koch et al.'s order: scale, then shear, then rotation, then translation.
        if scales { map = AffineMap.scale(x: scaleX, y: scaleY, about: centre).after(map) }
        if shears { map = AffineMap.shear(x: shearX, y: shearY, about: centre).after(map) }
        if rotates { map = AffineMap.rotation(degrees: angle, about: centre).after(map) }
        let shift = (x: (shifts ? shiftX : 0) + Double(crops ? cropX : 0), y: (shifts ? shiftY : 0) + Double(crops ? cropY : 0))
        if shift != (0, 0) { map = AffineMap.translation(x: shift.x, y: shift.y).after(map) }
        return Distortion(map: map, brightness: Float(colour.brightness), contrast: Float(colour.contrast))
    }

    /// `images` `[N, C, H, W]` (or one image `[C, H, W]`) distorted: image
    /// `i` as `distortion(seed: index: firstIndex + i)` says, in parallel over
    /// the images. `firstIndex` places a slice in a larger batch (a rank's
    /// share under MPI).
    public func apply(_ images: Tensor<Float>, seed: UInt64, firstIndex: Int = 0) throws -> Tensor<Float> {
        guard images.shape.count == 3 || images.shape.count == 4 else {
            throw LunetError("\(subject: subject): expected images [batch, channels, height, width] or [channels, height, width], got \(formatShape(images.shape))")
        }
        let shape = images.shape.count == 3 ? [1] + images.shape : images.shape
        let (n, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let size = channels * height * width
        guard changesImages, size > 0 else { return images }
        let border = fill.map(ImageWarp.Border.constant) ?? .edge
        return try images.withUnsafeBufferPointer { src in
            try Tensor<Float>(unsafeUninitializedShape: images.shape) { dst in
                let (from, to) = (SendablePointer(UnsafeMutablePointer(mutating: src.baseAddress!)), SendablePointer(dst.baseAddress!))
                ParallelLoop.forEach(n) { range in
                    for i in range {
                        let distortion = self.distortion(seed: seed, index: firstIndex + i, height: height, width: width)
                        let out = to.pointer + i * size
                        ImageWarp.warp(from.pointer + i * size, into: out, channels: channels, height: height, width: width,
                                       inverse: distortion.map.inverse ?? .identity, border: border)
                        ImageWarp.adjustColour(out, channels: channels, plane: height * width,
                                               brightness: distortion.brightness, contrast: distortion.contrast)
                    }
                }
            }
        }
    }

    /// `apply` with the next seed of the augmentation's own stream.
    public func apply(_ images: Tensor<Float>) throws -> Tensor<Float> {
        try apply(images, seed: generator.next())
    }

    /// A fresh stream of batch seeds, the same for every fit.
    public func makeBatchSeeds() -> RandomGenerator { RandomGenerator(seed: seed) }
}
