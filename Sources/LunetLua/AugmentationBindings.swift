import Lunet

extension Augmentation: LuaNamed {
    public var luaTypeName: String { "augmentation" }
}

/// `data.augment{...}` and what an augmentation does when called:
/// distortions of a batch of images (`Augmentation`), by hand or through
/// the fits' `augment` option.
enum AugmentationBindings {
    static let metatable = "lunet.Augmentation"

    static let constructor = LuaFunction("data.augment", declaration: Augmentation.declaration) { call in
        call.pushObject(try Augmentation(options: call.options(1, declaredBy: Augmentation.declaration)), metatable: metatable)
        return 1
    }

    static let methods = LuaLibrary(.type(metatable: metatable), doc: "Random distortions of images (data.augment).", functions: [
        LuaFunction("apply", "aug:apply(images[, seed])", """
            The images (Float32 [N, C, H, W] or [C, H, W]) distorted, as a new tensor of the same shape. With seed, the \
            distortions that seed gives (image i of a batch always the same); without, the next of the augmentation's own stream.
            """, apply),
    ], metamethods: [
        LuaFunction("__call", "aug(images[, seed])", "Same as aug:apply(images[, seed]).", apply),
        LuaFunction("__tostring", "tostring(aug)", "data.augment{rotation = 10, ...}: the settings it was made with.") { call in
            call.push(LuaPhrasing().subject(try augmentation(call).subject))
            return 1
        },
    ])

    /// `aug:apply(images[, seed])`: stack [aug, images, seed?] -> [distorted].
    static func apply(_ call: LuaCall) throws -> Int32 {
        let augmentation = try augmentation(call)
        let images = try call.floatTensor(2)
        let seed = call.isNoneOrNil(3) ? nil : UInt64(bitPattern: Int64(try call.integer(3)))
        call.push(try seed.map { try augmentation.apply(images, seed: $0) } ?? augmentation.apply(images))
        return 1
    }

    static func augmentation(_ call: LuaCall) throws -> Augmentation {
        try call.object(1, Augmentation.self, expected: "augmentation")
    }
}
