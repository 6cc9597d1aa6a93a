import Foundation
import Lunet
import XCTest

/// Real Omniglot for the triplet and one-shot tests (`../shared/data/omniglot`),
/// loaded once, and a small seeded embedding network.
enum TripletFixtures {
    static let dataFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/omniglot").path

    nonisolated(unsafe) private static var loaded: Dataset?

    static func path(_ name: String) throws -> String {
        let path = dataFolder + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("shared data 'omniglot/\(name)' is absent at \(path)")
        }
        return path
    }

    /// The 5 background alphabets of `images_background_small1.zip` (136 characters x 20).
    static func background() throws -> Dataset {
        if let loaded { return loaded }
        let dataset = try Omniglot.load(path("images_background_small1.zip"))
        loaded = dataset
        return dataset
    }

    /// `classes` characters of the background set, all 20 images each.
    static func characters(_ classes: Int) throws -> Dataset {
        try background().selectingClasses(Array(0..<classes))
    }

    /// 105x105 -> 5x5 max pool -> 441 -> Linear -> `width` units (sigmoid ones by default).
    static func network(width: Int = 8, seed: UInt64 = 3, sigmoid: Bool = true) throws -> Sequential {
        Sequential([try MaxPool2d(kernel: Size2D(square: 5)), Flatten(), try Linear(441, width, seed: seed)] + (sigmoid ? [Sigmoid()] : []))
    }

    /// Plain squared distance between two rows of `e` (`[n, d]`), in Double.
    static func squaredDistance(_ e: Tensor<Float>, _ i: Int, _ j: Int) -> Double {
        let width = e.shape[1]
        return e.withUnsafeBufferPointer { p in
            (0..<width).reduce(0.0) { sum, k in
                let d = Double(p[i * width + k]) - Double(p[j * width + k])
                return sum + d * d
            }
        }
    }
}
