extension Augmentation {
    /// How often the transforms that have a probability of their own apply.
    public static let probabilitiesDeclaration = Declaration("probabilities", options: Transform.allCases.map {
        OptionDeclaration($0.rawValue, .number(.unit))
    }, doc: "The probability each transform applies to an image: p for rotation, shear, scale and translate, 1 for crop, brightness and contrast unless given.")

    /// `data.augment`'s options.
    public static let declaration = Declaration("Augmentation", options: [
        OptionDeclaration("rotation", .number(.nonNegative), default: .double(0), doc: "degrees: angles uniform in [-rotation, rotation], counter-clockwise positive (Koch et al.: 10)"),
        OptionDeclaration("shear", .number(.nonNegative), default: .double(0), doc: "shear factors per axis uniform in [-shear, shear] (Koch et al.: 0.3)"),
        OptionDeclaration("scale", .number(.probability), default: .double(0), doc: "scale factors per axis uniform in [1 - scale, 1 + scale] (Koch et al.: 0.2)"),
        OptionDeclaration("translate", .number(.nonNegative), default: .double(0), doc: "pixels: shifts per axis uniform in [-translate, translate] (Koch et al.: 2)"),
        OptionDeclaration("p", .number(.unit), default: .double(1), doc: "the probability each of rotation, shear, scale and translate applies to an image (Koch et al.: 0.5)"),
        OptionDeclaration("flip", .number(.unit), default: .double(0), doc: "the probability of a horizontal flip"),
        OptionDeclaration("crop", .integer(0...Int(Int32.max)), default: .int(0), doc: "a random crop of the image padded by crop pixels: whole-pixel shifts per axis in [-crop, crop]"),
        OptionDeclaration("brightness", .number(.probability), default: .double(0), doc: "brightness factors uniform in [1 - brightness, 1 + brightness]"),
        OptionDeclaration("contrast", .number(.probability), default: .double(0), doc: "contrast factors uniform in [1 - contrast, 1 + contrast], about the image's mean grey"),
        OptionDeclaration("fill", .number(.finite), defaultText: "the nearest edge pixel", doc: "the value of pixels moved in from outside the image"),
        OptionDeclaration("probabilities", .table(probabilitiesDeclaration), doc: "per transform, the probability it applies (p or 1 for those not given)"),
        OptionDeclaration("seed", .seed, defaultText: "drawn from the global generator", doc: "the distortions' stream: a fit given this augmentation draws the same distortions each time"),
    ], doc: """
        Random distortions of images, drawn afresh for every image of every batch: Koch et al.'s affine distortions \
        (rotation, shear, scale, translation, each applied with its probability), horizontal flips, random crops with \
        padding, brightness and contrast (clamped to [0, 1], as images are). The geometric ones make one affine map, \
        so each image is resampled once (bilinear). aug(images) distorts a Float32 [N, C, H, W] or [C, H, W] tensor; \
        train.fit and triplet.fit take it as augment = aug and distort each training batch (never validation).
        """)
}
