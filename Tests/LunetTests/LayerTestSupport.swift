import Foundation
import XCTest
@testable import Lunet

/// Central finite differences in Float on small shapes, compared with a
/// layer's backward for the loss `sum(forward(x) * R)`, R fixed and random.
enum FiniteDifference {
    static func loss(_ y: Tensor<Float>, _ r: Tensor<Float>) -> Double {
        zip(y.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Checks the input gradient and every parameter gradient of `module`.
    /// `prepare` runs before each forward (reseeding dropout keeps its mask fixed).
    static func check(_ module: Module, input: Tensor<Float>, step: Float = 1e-2, tolerance: Double = 1e-2,
                      prepare: () -> Void = {}, file: StaticString = #filePath, line: UInt = #line) throws {
        prepare()
        let y = try module.forward(input)
        let r = try Tensor<Float>.randn(y.shape, seed: 99)
        module.zeroGrad()
        let dx = try module.backward(input, r)
        XCTAssertEqual(dx.shape, input.shape, "input gradient shape", file: file, line: line)
        func evaluate(_ x: Tensor<Float>) throws -> Double {
            prepare()
            return loss(try module.forward(x), r)
        }
        var x = input
        let numericInput = try (0..<input.count).map { i -> Double in
            try derivative(step: step) { delta in
                let original = x.scalars[i]
                x.withUnsafeMutableBufferPointer { $0[i] = original + delta }
                defer { x.withUnsafeMutableBufferPointer { $0[i] = original } }
                return try evaluate(x)
            }
        }
        compare(dx.scalars, numericInput, tolerance, "\(module.description) input", file: file, line: line)
        for parameter in module.parameters {
            let analytic = parameter.gradient.scalars
            let numeric = try (0..<parameter.value.count).map { i -> Double in
                try derivative(step: step) { delta in
                    let original = parameter.value.scalars[i]
                    parameter.value.withUnsafeMutableBufferPointer { $0[i] = original + delta }
                    defer { parameter.value.withUnsafeMutableBufferPointer { $0[i] = original } }
                    return try evaluate(input)
                }
            }
            compare(analytic, numeric, tolerance, "\(module.description) \(parameter.name)", file: file, line: line)
        }
    }

    static func derivative(step: Float, _ f: (Float) throws -> Double) throws -> Double {
        (try f(step) - f(-step)) / (2 * Double(step))
    }

    /// Elementwise `|a - n| <= tolerance * (max|n| + |n|)`: relative to the
    /// gradient's scale, so tiny entries do not demand tiny absolute errors.
    static func compare(_ analytic: [Float], _ numeric: [Double], _ tolerance: Double, _ what: String,
                        file: StaticString, line: UInt) {
        let scale = Swift.max(numeric.map(abs).max() ?? 0, 1e-3)
        var worst = (index: -1, error: 0.0)
        for (i, (a, n)) in zip(analytic, numeric).enumerated() {
            let error = abs(Double(a) - n) / (scale + abs(n))
            if error > worst.error { worst = (i, error) }
        }
        XCTAssertLessThanOrEqual(worst.error, tolerance,
                                 "\(what) gradient: element \(worst.index) analytic \(worst.index >= 0 ? analytic[worst.index] : 0) vs numeric \(worst.index >= 0 ? numeric[worst.index] : 0)",
                                 file: file, line: line)
    }
}

/// The PyTorch numbers of `bench/reference/nn_references.json`.
struct LayerReferences {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("bench/reference/nn_references.json").path

    let cases: [String: [String: Any]]

    init() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.path))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        cases = try XCTUnwrap(root["cases"] as? [String: [String: Any]])
    }

    func tensor(_ name: String, _ key: String) throws -> Tensor<Float> {
        let entry = try XCTUnwrap(try XCTUnwrap(cases[name], "case \(name)")[key] as? [String: Any], "\(name).\(key)")
        let shape = try XCTUnwrap(entry["shape"] as? [Int])
        let values = try XCTUnwrap(entry["values"] as? [Double])
        return try Tensor(shape: shape, scalars: values.map { Float($0) })
    }

    func int(_ name: String, _ key: String) throws -> Int {
        try XCTUnwrap(cases[name]?[key] as? Int)
    }

    func string(_ name: String, _ key: String) throws -> String {
        try XCTUnwrap(cases[name]?[key] as? String)
    }
}

func assertClose(_ actual: Tensor<Float>, _ expected: Tensor<Float>, tolerance: Float = 1e-4, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "\(what) shape", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let worst = zip(actual.scalars, expected.scalars).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, tolerance, "\(what) differs from PyTorch", file: file, line: line)
}
