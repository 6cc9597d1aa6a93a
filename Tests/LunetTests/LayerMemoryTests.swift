import XCTest
@testable import Lunet

/// What layers keep between forward and backward, and the gradients
/// `Sequential` hands over: memory rules, checked in bytes and by identity.
final class LayerMemoryTests: XCTestCase {
    /// `[64, 1024]` floats: 256 KiB, the smallest block the allocator counts.
    let shape = [64, 1024]
    let block = 64 * 1024 * 4

    /// Live tensor bytes after `body`, relative to before.
    func liveBytesAdded(by body: () throws -> Void) rethrows -> Int {
        let before = StorageAllocator.statistics.live
        try body()
        return StorageAllocator.statistics.live - before
    }

    /// Batch norm and max pooling remember their last input weakly: once the
    /// caller lets it go, its memory is free (a strong hold kept a 216 MiB
    /// activation of the Koch network alive into the next step).
    func testLayersDoNotKeepTheirInputAlive() throws {
        let norm = try BatchNorm(1024, spatialDimensions: 1)
        XCTAssertEqual(try liveBytesAdded {
            let x = try Tensor<Float>.randn(shape, seed: 1)
            _ = try norm.forward(x)
        }, 0)
        let pool = try MaxPool2d(kernel: Size2D(square: 2))
        XCTAssertEqual(try liveBytesAdded {
            let x = try Tensor<Float>.randn([4, 16, 32, 32], seed: 1)
            _ = try pool.forward(x)
        }, 0)
    }

    /// A gradient nobody else holds is written over; one the caller still
    /// holds is left as it was.
    func testReLUWritesOverAHandedOverGradientOnly() throws {
        let relu = ReLU()
        let y = try relu.forward(try Tensor<Float>.randn(shape, seed: 1))
        let expected = try relu.backward(y, try Tensor<Float>.randn(shape, seed: 2))

        var handedOver = try Tensor<Float>.randn(shape, seed: 2)
        let storage = ObjectIdentifier(handedOver.storage)
        let inPlace = try relu.backward(y, takingGradient: &handedOver)
        XCTAssertEqual(ObjectIdentifier(inPlace.storage), storage)
        XCTAssertTrue(inPlace.isIdentical(to: expected))

        let kept = try Tensor<Float>.randn(shape, seed: 2)
        var shared = kept
        let copied = try relu.backward(y, takingGradient: &shared)
        XCTAssertFalse(copied.storage === kept.storage)
        XCTAssertTrue(copied.isIdentical(to: expected))
        XCTAssertTrue(kept.isIdentical(to: try Tensor<Float>.randn(shape, seed: 2)))
    }

    /// Through a container: the layers' own gradients are handed over, the
    /// caller's is never written; the result is the layer-by-layer chain's.
    func testSequentialHandsOverItsLayersGradients() throws {
        let linear = try Linear(1024, 1024, seed: 3)
        let net = Sequential([ReLU(), linear, ReLU()])
        let x = try Tensor<Float>.randn(shape, seed: 1), g = try Tensor<Float>.randn(shape, seed: 2)
        _ = try net.forward(x)
        let dx = try net.backward(x, g)
        XCTAssertTrue(g.isIdentical(to: try Tensor<Float>.randn(shape, seed: 2)))

        let relu = ReLU(), alone = try Linear(1024, 1024, seed: 3)
        let h = try relu.forward(x), y = try ReLU().forward(try alone.forward(h))
        let expected = try relu.backward(x, try alone.backward(h, try ReLU().backward(y, g)))
        XCTAssertTrue(dx.isIdentical(to: expected))
        XCTAssertTrue(linear.weight.gradient.isIdentical(to: alone.weight.gradient))
    }

    /// Two layers in a row whose backward reads their output: the first one's
    /// output must survive the second's forward (it used to be released).
    func testConsecutiveReLUsKeepBothOutputs() throws {
        let net = Sequential([try Linear(4, 4, seed: 1), ReLU(), ReLU()])
        let x = try Tensor<Float>.randn([3, 4], seed: 2), g = try Tensor<Float>.randn([3, 4], seed: 3)
        _ = try net.forward(x)
        let dx = try net.backward(x, g)
        let single = Sequential([try Linear(4, 4, seed: 1), ReLU()])
        _ = try single.forward(x)
        XCTAssertTrue(dx.isIdentical(to: try single.backward(x, g)))
    }
}
