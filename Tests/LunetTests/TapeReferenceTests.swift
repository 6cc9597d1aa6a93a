import XCTest
@testable import Lunet

/// Recorded expressions against PyTorch's Float64 autograd on the same
/// inputs (values from bench/reference/make_tape_references.py).
final class TapeReferenceTests: XCTestCase {
    let a = try! Tensor<Float>(shape: [3, 4], scalars: [0.3, -1.2, 0.8, 0.1, 1.5, -0.4, -0.7, 0.9, -0.2, 0.6, 1.1, -1.3])
    let b = try! Tensor<Float>(shape: [1, 4], scalars: [0.5, -1.0, 2.0, 0.25])
    let w = try! Tensor<Float>(shape: [4, 2], scalars: [0.2, -0.5, 0.7, 0.1, -0.3, 0.4, 0.9, -0.8])

    /// Runs `f` on a fresh tape with `inputs` as leaves; the loss and each input's gradient.
    func run(_ inputs: [Tensor<Float>], _ f: (Tape, [Variable]) throws -> Variable) throws -> (Float, [[Float]]) {
        let tape = Tape()
        tape.start()
        let leaves = inputs.map { tape.input($0) }
        let loss = try f(tape, leaves)
        tape.stop()
        let value = loss.value.scalars[0]
        let gradients = try tape.backward(loss)
        return (value, leaves.map { gradients[$0.node!]!.scalars })
    }

    func assertClose(_ found: [Float], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(found.count, expected.count, file: file, line: line)
        for (i, (f, e)) in zip(found, expected).enumerated() {
            XCTAssertEqual(Double(f), e, accuracy: 1e-5 * max(1, abs(e)), "element \(i)", file: file, line: line)
        }
    }

    func testBroadcastingMatmulLogSoftmax() throws {
        let (loss, g) = try run([a, b, w]) { t, v in
            let denominator = try t.arithmetic(.add, t.abs(v[1]), scalar: 1)
            let mixed = try t.arithmetic(.add, t.arithmetic(.multiply, v[0], v[1]), t.arithmetic(.divide, v[0], denominator))
            let logits = try t.logSoftmax(t.matmul(mixed, v[2]), dimension: 1)
            return try t.reduce(.mean, t.pow(logits, 2))
        }
        XCTAssertEqual(Double(loss), 6.3493636212982985, accuracy: 1e-5)
        assertClose(g[0], [-0.121826655681, 0.044752649026, 0.243653311362, -0.266278261703, 1.100789642171, -0.404371705287,
                           -2.201579284342, 2.406011646459, -1.20343143764, 0.442076854643, 2.40686287528, -2.630357285128])
        assertClose(g[1], [0.883487025752, -0.933229040175, 1.66993421369, 1.90568472902])
        assertClose(g[2], [2.650461077257, -2.650461077257, 0.62215269345, -0.62215269345,
                           -6.262253301339, 6.262253301339, 3.269557133123, -3.269557133123])
    }

    func testNormalizeSoftmaxMaxClamp() throws {
        let (loss, g) = try run([a]) { t, v in
            let x = v[0]
            let soft = try t.transpose(t.softmax(t.transpose(x), dimension: 1))
            let first = try t.reduce(.sum, t.arithmetic(.multiply, t.normalize(x), soft))
            let second = try t.reduce(.sum, t.reduce(.max, x, dimension: 1))
            let third = try t.reduce(.sum, t.sqrt(t.exp(t.clamp(x, low: -0.5, high: 0.5))))
            let fourth = try t.arithmetic(.multiply, t.reduce(.min, x), scalar: 0.5)
            return try t.arithmetic(.subtract, t.arithmetic(.add, t.arithmetic(.add, first, second), third), fourth)
        }
        XCTAssertEqual(Double(loss), 18.13860267365951, accuracy: 1e-4)
        assertClose(g[0], [0.622206702452, 0.078111865123, 1.213335904106, 0.654540330332, 1.201963115021, 0.545504598552,
                           0.110611655116, 0.280143802509, 0.467023310518, 0.438394071872, 1.189627402534, -0.346125827213])
    }

    func testIndexCatNarrowStackActivations() throws {
        let (loss, g) = try run([a]) { t, v in
            let x = v[0]
            let middle = try t.reshape(t.narrow(x, dimension: 1, start: 1, length: 2), [3, 2])
            let joined = try t.cat([t.index(x, [2, 0, 2], dimension: 0), t.cat([middle, middle], dimension: 1)], dimension: 0)
            let stacked = try t.stack([t.sigmoid(joined), t.tanh(joined), t.relu(joined)])
            let weights = try Tensor<Float>.arange(6) + 1
            return try t.reduce(.sum, t.arithmetic(.multiply, t.reduce(.sum, stacked, dimension: 2), Variable(weights)))
        }
        XCTAssertEqual(Double(loss), 86.14357168474737, accuracy: 1e-4)
        assertClose(g[0], [4.319190547035, 4.829144368542, 17.729648642525, 4.478884662081, 0.0, 10.958995318227,
                           8.564524632756, 0.0, 4.834238222712, 31.045792048702, 24.745139131325, 1.702926236689])
    }
}
