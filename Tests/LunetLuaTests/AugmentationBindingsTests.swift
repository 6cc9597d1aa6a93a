import XCTest

/// `data.augment` from Lua: by hand on a batch or an image, and through the
/// fits' `augment` option (training batches distorted reproducibly,
/// validation left as it is).
final class AugmentationBindingsTests: LuaTestCase {
    func testByHandOnABatchOrOneImage() throws {
        XCTAssertEqual(try run("""
            aug = data.augment{rotation = 10, shear = 0.3, scale = 0.2, translate = 2, p = 0.5, flip = 0.5, seed = 7}
            x = tensor.rand({4, 1, 12, 12}, {seed = 1})
            y, z = aug(x, 3), aug:apply(x, 3)
            one = aug(tensor.rand({1, 12, 12}, {seed = 2}))
            return tostring(aug), (y - z):abs():sum(), (y - x):abs():sum() > 1, table.concat(one:size(), 'x'), (data.augment{}(x) - x):abs():sum()
            """), ["data.augment{rotation = 10, shear = 0.3, scale = 0.2, translate = 2, p = 0.5, flip = 0.5, seed = 7}",
                   "0.0", "true", "1x12x12", "0.0"])
        // The stream without seeds: the same for two augmentations of one seed, new at every call.
        XCTAssertEqual(try run("""
            local a, b = data.augment{rotation = 20, seed = 2}, data.augment{rotation = 20, seed = 2}
            local first = a(x)
            return (first - b(x)):abs():sum(), (a(x) - first):abs():sum() > 0
            """), ["0.0", "true"])
    }

    func testErrorsNameWhatWasExpected() throws {
        try run("aug = data.augment{rotation = 10, seed = 1}")
        assertError("aug(tensor.zeros({4}))", "test:1: data.augment{rotation = 10, seed = 1}: expected images [batch, channels, height, width] or [channels, height, width], got 4")
        assertError("aug(tensor.zeros({1, 1, 4, 4}, {dtype = 'uint8'}))", "test:1: bad argument #2 to 'aug' (Float32 tensor expected, got UInt8 tensor)")
        assertError("data.augment{rotation = 'x'}", "test:1: option 'rotation' for data.augment: number expected, got 'x'")
        assertError("data.augment{probabilities = {flip = 1}}", "test:1: unknown option 'flip' for probabilities")
    }

    /// With a zero learning rate the weights never move, so the training loss
    /// differs only by the distortions, and validation sees the images as they are.
    func testFitsDistortTrainingBatchesOnlyAndReproducibly() throws {
        let rows = try run("""
            local labels = {}
            for i = 1, 24 do labels[i] = (i - 1) % 3 + 1 end
            ds = data.dataset((tensor.rand({24, 1, 8, 8}, {seed = 1}) * 255):byte(), tensor.from(labels, {dtype = 'int32'}))
            aug = data.augment{rotation = 30, translate = 2, flip = 0.5, seed = 4}
            local function fit(augment)
                local net = nn.Sequential{nn.Flatten(), nn.Linear(64, 3, {seed = 1})}
                local h = train.fit(net, ds, {optimizer = optim.SGD(net, {lr = 0}), augment = augment, validation = ds,
                                              batch = 8, epochs = 2, seed = 1, verbose = 0})
                return h.epochs[2]
            end
            local plain, a, b = fit(nil), fit(aug), fit(aug)
            return plain.loss ~= a.loss, a.loss == b.loss, plain.val_loss == a.val_loss
            """)
        XCTAssertEqual(rows, ["true", "true", "true"])
        XCTAssertEqual(try run("""
            local function fit(augment)
                local net = nn.Sequential{nn.Flatten(), nn.Linear(64, 4, {seed = 1})}
                return triplet.fit(net, ds, {augment = augment, rounds = 2, steps = 3, batch = 6, seed = 1, verbose = 0}).rounds[2].loss
            end
            local plain, a, b = fit(nil), fit(aug), fit(aug)
            return plain ~= a, a == b
            """), ["true", "true"])
    }
}
