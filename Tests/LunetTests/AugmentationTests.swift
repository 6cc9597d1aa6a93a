@testable import Lunet
import XCTest

/// Augmentation's geometry on synthetic images (points land where the drawn
/// map says, whole-pixel moves copy values exactly), its colour changes, its
/// border, and that seeds reproduce whatever the batch's split.
final class AugmentationTests: XCTestCase {
    static func augmentation(_ options: [String: ConfigurationValue], probabilities: [String: ConfigurationValue]? = nil) throws -> Augmentation {
        var given = options.mapValues { OptionValue.value($0) }
        given["seed"] = given["seed"] ?? .value(.int(1))
        if let probabilities { given["probabilities"] = .table(probabilities.mapValues { .value($0) }) }
        return try Augmentation(options: Augmentation.declaration.check(given))
    }

    static let koch: [String: ConfigurationValue] = ["rotation": .double(10), "shear": .double(0.3), "scale": .double(0.2),
                                                     "translate": .double(2), "p": .double(1)]

    /// `[n, channels, h, w]` of seeded uniform values.
    static func images(_ shape: [Int], seed: UInt64 = 3) throws -> Tensor<Float> {
        var g = RandomGenerator(seed: seed)
        return try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in g.nextUniform() })
    }

    /// One image `[1, 1, size, size]`: a Gaussian blob of width `sigma` at `centre`.
    static func blob(size: Int, at centre: (x: Double, y: Double), sigma: Double = 1.5) throws -> Tensor<Float> {
        try Tensor(shape: [1, 1, size, size], scalars: (0..<size * size).map { i in
            let (dx, dy) = (Double(i % size) - centre.x, Double(i / size) - centre.y)
            return Float(exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)))
        })
    }

    static func centroid(_ image: Tensor<Float>, size: Int) -> (x: Double, y: Double) {
        var (sx, sy, total) = (0.0, 0.0, 0.0)
        for (i, v) in image.scalars.enumerated() {
            sx += Double(v) * Double(i % size)
            sy += Double(v) * Double(i / size)
            total += Double(v)
        }
        return (sx / total, sy / total)
    }

    func testNothingToDoGivesIdenticalBytes() throws {
        let x = try Self.images([3, 2, 7, 9])
        for options in [[:], Self.koch.merging(["p": .double(0)]) { $1 }, ["brightness": .double(0.5), "contrast": .double(0.5)]] {
            let none = try Self.augmentation(options, probabilities: options.isEmpty ? nil : ["brightness": .double(0), "contrast": .double(0)])
            XCTAssertEqual(try none.apply(x, seed: 9).scalars, x.scalars)
        }
    }

    func testAPointLandsWhereTheDrawnMapSays() throws {
        let size = 41, point = (x: 17.0, y: 23.0)
        let augmentation = try Self.augmentation(Self.koch.merging(["fill": .double(0), "flip": .double(0.5)]) { $1 })
        var flips = 0
        for index in 0..<12 {
            let out = try augmentation.apply(try Self.blob(size: size, at: point), seed: 5, firstIndex: index)
            let map = augmentation.distortion(seed: 5, index: index, height: size, width: size).map
            if map.a < 0 { flips += 1 }
            let expected = map.apply(point), found = Self.centroid(out, size: size)
            XCTAssertEqual(found.x, expected.x, accuracy: 0.05, "image \(index)")
            XCTAssertEqual(found.y, expected.y, accuracy: 0.05, "image \(index)")
        }
        XCTAssertTrue((1...11).contains(flips), "flips: \(flips) of 12")
    }

    func testQuarterTurnMovesOnePixelExactly() throws {
        let size = 9
        var image = [Float](repeating: 0, count: size * size)
        image[2 * size + 7] = 1  // x = 7, y = 2
        let turn = AffineMap.rotation(degrees: 90, about: (x: 4, y: 4))
        var out = [Float](repeating: -1, count: size * size)
        image.withUnsafeBufferPointer { src in
            ImageWarp.warp(src.baseAddress!, into: &out, channels: 1, height: size, width: size, inverse: turn.inverse!, border: .constant(0))
        }
        let target = turn.apply((x: 7, y: 2))  // counter-clockwise on screen: (2, 1)
        XCTAssertEqual(target.x, 2, accuracy: 1e-12)
        XCTAssertEqual(target.y, 1, accuracy: 1e-12)
        for (i, v) in out.enumerated() {
            XCTAssertEqual(v, i == 1 * size + 2 ? 1 : 0, accuracy: 1e-6, "pixel \(i % size), \(i / size)")
        }
    }

    func testFlipMirrorsExactly() throws {
        let (h, w) = (5, 8)
        let x = try Self.images([2, 3, h, w])
        let flipped = try Self.augmentation(["flip": .double(1)]).apply(x, seed: 2).scalars
        let source = x.scalars
        for plane in 0..<6 {
            for y in 0..<h {
                for col in 0..<w {
                    XCTAssertEqual(flipped[(plane * h + y) * w + col], source[(plane * h + y) * w + (w - 1 - col)])
                }
            }
        }
    }

    /// A crop with padding moves each image by whole pixels, copying values
    /// exactly; what comes in from outside is the fill, or the edge pixel.
    func testCropShiftsByWholePixelsWithTheBorder() throws {
        let (n, h, w) = (16, 6, 7)
        let x = try Self.images([n, 1, h, w])
        for fill in [Float(0.25), nil] {
            var options: [String: ConfigurationValue] = ["crop": .int(2)]
            if let fill { options["fill"] = .double(Double(fill)) }
            let augmentation = try Self.augmentation(options)
            let out = try augmentation.apply(x, seed: 4).scalars, source = x.scalars
            var shifts = Set<[Int]>()
            for i in 0..<n {
                let map = augmentation.distortion(seed: 4, index: i, height: h, width: w).map
                let (dx, dy) = (Int(map.tx), Int(map.ty))
                XCTAssertEqual(map, AffineMap.translation(x: Double(dx), y: Double(dy)))
                XCTAssertTrue(abs(dx) <= 2 && abs(dy) <= 2)
                shifts.insert([dx, dy])
                for y in 0..<h {
                    for col in 0..<w {
                        let (sx, sy) = (col - dx, y - dy)
                        let inside = (0..<w).contains(sx) && (0..<h).contains(sy)
                        let expected = inside || fill == nil ? source[(i * h + min(max(sy, 0), h - 1)) * w + min(max(sx, 0), w - 1)] : fill!
                        XCTAssertEqual(out[(i * h + y) * w + col], expected, "image \(i) at \(col), \(y)")
                    }
                }
            }
            XCTAssertGreaterThan(shifts.count, 5)
        }
    }

    func testBrightnessAndContrast() throws {
        let (h, w) = (4, 5)
        let x = try Tensor<Float>(shape: [6, 1, h, w], scalars: (0..<6 * h * w).map { 0.3 + 0.4 * Float($0 % 7) / 6 })
        let bright = try Self.augmentation(["brightness": .double(0.5)])
        let brighter = try bright.apply(x, seed: 8).scalars
        for i in 0..<6 {
            let factor = bright.distortion(seed: 8, index: i, height: h, width: w).brightness
            XCTAssertTrue(factor >= 0.5 && factor <= 1.5 && factor != 1)
            for k in 0..<h * w {
                XCTAssertEqual(brighter[i * h * w + k], min(x.scalars[i * h * w + k] * factor, 1))
            }
        }
        let contrast = try Self.augmentation(["contrast": .double(0.5)])
        let contrasted = try contrast.apply(x, seed: 8).scalars
        for i in 0..<6 {
            let factor = contrast.distortion(seed: 8, index: i, height: h, width: w).contrast
            let image = x.scalars[i * h * w..<(i + 1) * h * w]
            let mean = image.reduce(0, +) / Float(h * w)
            for (k, v) in image.enumerated() {
                XCTAssertEqual(contrasted[i * h * w + k], (v - mean) * factor + mean, accuracy: 1e-6)
            }
        }
    }

    /// The same seed gives the same distortions; a rank's slice of a batch
    /// (`firstIndex`) gets what the whole batch's rows get.
    func testSeedsReproduceWhateverTheSplit() throws {
        let x = try Self.images([6, 3, 10, 10])
        let options = Self.koch.merging(["flip": .double(0.5), "crop": .int(2), "brightness": .double(0.3), "contrast": .double(0.3)]) { $1 }
        let augmentation = try Self.augmentation(options)
        let whole = try augmentation.apply(x, seed: 11)
        XCTAssertEqual(try augmentation.apply(x, seed: 11).scalars, whole.scalars)
        XCTAssertNotEqual(try augmentation.apply(x, seed: 12).scalars, whole.scalars)
        let rows = 3 * 100
        let slice = try Tensor<Float>(shape: [2, 3, 10, 10], scalars: Array(x.scalars[4 * rows..<6 * rows]))
        XCTAssertEqual(try augmentation.apply(slice, seed: 11, firstIndex: 4).scalars, Array(whole.scalars[4 * rows..<6 * rows]))
        // Two augmentations made with one seed give the same stream when called without one.
        let twin = try Self.augmentation(options)
        XCTAssertEqual(try augmentation.apply(x).scalars, try twin.apply(x).scalars)
        var (seeds, twinSeeds) = (augmentation.makeBatchSeeds(), twin.makeBatchSeeds())
        XCTAssertEqual(seeds.next(), twinSeeds.next())
    }

    func testErrors() throws {
        let augmentation = try Self.augmentation(["rotation": .double(5)])
        XCTAssertThrowsError(try augmentation.apply(try Tensor<Float>.zeros([4, 4]), seed: 1)) {
            XCTAssertEqual("\($0)", "Augmentation(rotation: 5.0, seed: 1): expected images [batch, channels, height, width] or [channels, height, width], got 4x4")
        }
        XCTAssertThrowsError(try Self.augmentation(["scale": .double(1)]))
    }
}
