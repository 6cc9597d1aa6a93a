import Lunet
import XCTest

/// One weight matrix through three steps of each optimizer, against PyTorch
/// 1.13 (bench/reference/make_optim_references.py, output in
/// bench/reference/optim_references.txt).
final class OptimizerReferenceTests: XCTestCase {
    static let weight: [Float] = [0.5, -1.25, 2.0, 0.1, -0.3, 0.75]
    static let gradients: [[Float]] = [
        [0.2, -0.1, 0.05, 1.5, -0.4, 0.0],
        [-0.3, 0.25, 0.1, 0.02, 0.6, -0.2],
        [0.05, -0.05, -0.4, -1.0, 0.1, 0.3],
    ]

    /// The reference weight, `repeats` times over: `[2 * repeats, 3]`.
    func makeParameter(repeats: Int = 1) throws -> Parameter {
        try Parameter(name: "weight", value: try Tensor(shape: [2 * repeats, 3], scalars: repeated(Self.weight, repeats)))
    }

    func repeated(_ values: [Float], _ repeats: Int) -> [Float] {
        Array([[Float]](repeating: values, count: repeats).joined())
    }

    /// Runs the three reference steps and compares the weights after each
    /// (with `repeats`, every copy of the reference values).
    func check(_ optimizer: Optimizer, _ parameter: Parameter, _ expected: [[Float]], repeats: Int = 1,
               tolerance: Float = 2e-7, file: StaticString = #filePath, line: UInt = #line) throws {
        for (step, gradient) in Self.gradients.enumerated() {
            parameter.gradient = try Tensor(shape: [2 * repeats, 3], scalars: repeated(gradient, repeats))
            try optimizer.step()
            let reference = repeated(expected[step], repeats)
            var failures = 0
            for (i, (value, reference)) in zip(parameter.value.scalars, reference).enumerated()
            where Swift.abs(value - reference) > tolerance * Swift.max(1, Swift.abs(reference)) && failures < 10 {
                XCTFail("step \(step + 1), element \(i): \(value) is not \(reference)", file: file, line: line)
                failures += 1
            }
        }
        XCTAssertEqual(optimizer.stepCount, 3, file: file, line: line)
    }

    static let weightDecaySteps: [[Float]] = [
        [0.49000000953674316, -1.2400000095367432, 1.9900000095367432, 0.09000000357627869, -0.2900000214576721, 0.7400000095367432],
        [0.4905462861061096, -1.237791657447815, 1.979993224143982, 0.08315769582986832, -0.2919158935546875, 0.7429692149162292],
        [0.48923152685165405, -1.232804298400879, 1.9760677814483643, 0.0822465643286705, -0.29401978850364685, 0.737857460975647],
    ]

    func testAdamWithWeightDecay() throws {
        let parameter = try makeParameter()
        try check(Adam(parameters: [parameter], learningRate: 0.01, weightDecay: 0.1), parameter, Self.weightDecaySteps)
    }

    /// As `testAMSGradOnALongParameter`, without amsgrad.
    func testAdamWithWeightDecayOnALongParameter() throws {
        let parameter = try makeParameter(repeats: 11_111)
        try check(Adam(parameters: [parameter], learningRate: 0.01, weightDecay: 0.1), parameter, Self.weightDecaySteps,
                  repeats: 11_111)
    }

    static let amsgradSteps: [[Float]] = [
        [0.49000003933906555, -1.2400001287460327, 1.9900002479553223, 0.09000000357627869, -0.2900000214576721, 0.75],
        [0.49247488379478455, -1.244415044784546, 1.9803615808486938, 0.08321887254714966, -0.2924748957157135, 0.757424533367157],
        [0.4934947192668915, -1.2466099262237549, 1.9844897985458374, 0.08239128440618515, -0.29525309801101685, 0.755304753780365],
    ]

    func testAMSGrad() throws {
        let parameter = try makeParameter()
        try check(Adam(parameters: [parameter], learningRate: 0.01, beta2: 0.99, epsilon: 1e-6, amsgrad: true), parameter,
                  Self.amsgradSteps)
    }

    /// 6 x 11,111 elements: Adam's eight-wide loop, its scalar tail and its
    /// split over the cores (at element 33,333, not a multiple of 8) must all
    /// give PyTorch's values.
    func testAMSGradOnALongParameter() throws {
        let parameter = try makeParameter(repeats: 11_111)
        try check(Adam(parameters: [parameter], learningRate: 0.01, beta2: 0.99, epsilon: 1e-6, amsgrad: true), parameter,
                  Self.amsgradSteps, repeats: 11_111)
    }

    func testSGDMomentumWithWeightDecay() throws {
        let parameter = try makeParameter()
        try check(SGD(parameters: [parameter], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01), parameter, [
            [0.4794999957084656, -1.2387499809265137, 1.9930000305175781, -0.05010000616312027, -0.2597000002861023, 0.7492499947547913],
            [0.4905704855918884, -1.252386212348938, 1.974707007408142, -0.18713991343975067, -0.28317031264305115, 0.767825722694397],
            [0.4950433671474457, -1.258406400680542, 1.996268630027771, -0.21028868854045868, -0.3140104115009308, 0.7537760734558105],
        ])
    }

    func testSGDNesterov() throws {
        let parameter = try makeParameter()
        try check(SGD(parameters: [parameter], learningRate: 0.1, momentum: 0.9, nesterov: true), parameter, [
            [0.4620000123977661, -1.2309999465942383, 1.9904999732971191, -0.1849999874830246, -0.2240000069141388, 0.75],
            [0.5027999877929688, -1.2703999280929565, 1.9674500226974487, -0.31029999256134033, -0.30560001730918884, 0.7879999876022339],
            [0.5030199885368347, -1.273859977722168, 2.031705141067505, -0.2312699854373932, -0.34404003620147705, 0.7472000122070312],
        ])
    }

    func testPlainSGD() throws {
        let parameter = try makeParameter()
        try check(SGD(parameters: [parameter], learningRate: 0.1), parameter, [
            [0.47999998927116394, -1.2400000095367432, 1.9950000047683716, -0.05000000074505806, -0.2600000202655792, 0.75],
            [0.5099999904632568, -1.2649999856948853, 1.9850000143051147, -0.052000001072883606, -0.320000022649765, 0.7699999809265137],
            [0.5049999952316284, -1.2599999904632568, 2.0250000953674316, 0.04800000041723251, -0.33000001311302185, 0.7399999499320984],
        ])
    }
}
