import LunetLua
import XCTest

final class OptimBindingsTests: LuaTestCase {
    /// A linear model trained on y = 2 x1 - x2 + 0.5 with a small MSE written in Lua.
    static let regression = """
        local net = nn.Sequential{nn.Linear(2, 1, {seed = 1})}
        local x = tensor.randn({64, 2}, {seed = 2})
        local w = tensor.from({{2}, {-1}})
        local y = x:matmul(w) + 0.5
        local function train(opt, steps)
          local loss
          for _ = 1, steps do
            opt:zeroGrad()
            local diff = net:forward(x) - y
            loss = (diff * diff):mean()
            net:backward(x, diff * (2 / 64))
            opt:step()
          end
          return loss
        end
        """

    func testAdamAndSGDTrainALinearModel() throws {
        let adam = try run(Self.regression + "\nlocal opt = optim.Adam(net, {lr = 0.05, amsgrad = true}) return train(opt, 300) < 1e-4, opt:stepCount()")
        XCTAssertEqual(adam, ["true", "300"])
        let sgd = try run(Self.regression + "\nreturn train(optim.SGD(net, {lr = 0.1, momentum = 0.9, nesterov = true}), 200) < 1e-6")
        XCTAssertEqual(sgd, ["true"])
    }

    func testPenaltyReportsTheLayersL2() throws {
        let code = """
            local fc = nn.Linear(3, 2, {l2 = 0.5, seed = 4})
            local net = nn.Sequential{fc, nn.Linear(2, 1, {seed = 5})}
            local opt = optim.SGD(net, {lr = 0.1})
            local p = net:namedParameters()
            local expected = 0.5 * (p['1.weight'] * p['1.weight']):sum()
            return math.abs(opt:penalty() - expected) < 1e-6, math.abs(nn.l2Penalty(net) - expected) < 1e-6, expected > 0
            """
        XCTAssertEqual(try run(code), ["true", "true", "true"])
    }

    func testLearningRateAndPrinting() throws {
        let code = """
            local opt = optim.Adam(nn.Linear(2, 2), {amsgrad = true})
            opt:setLearningRate(0.25)
            return opt:learningRate(), tostring(opt)
            """
        XCTAssertEqual(try run(code), ["0.25", "optim.Adam{lr = 0.25, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, amsgrad = true, weightDecay = 0}"])
        XCTAssertEqual(try eval("tostring(optim.SGD(nn.Linear(2, 2)))"), ["optim.SGD{lr = 0.01, momentum = 0, nesterov = false, weightDecay = 0}"])
    }

    func testOptionsAndArgumentsAreChecked() {
        assertError("optim.Adam(nn.Linear(2, 2), {lr_rate = 1})", "test:1: unknown option 'lr_rate' for optim.Adam (did you mean 'lr'?)")
        assertError("optim.SGD(nn.Linear(2, 2), {momentum = 'high'})", "test:1: option 'momentum' for optim.SGD: number expected, got 'high'")
        assertError("optim.SGD(nn.Linear(2, 2), {nesterov = true})", "test:1: optim.SGD: nesterov needs a momentum above 0")
        assertError("optim.Adam(tensor.zeros({2}))", "test:1: bad argument #1 to 'Adam' (nn module expected, got Float32 tensor)")
        assertError("optim.Adam(nn.Linear(2, 2)):setLearningRate(-1)", "test:1: bad argument #1 to 'setLearningRate' (learning rate must be >= 0, got -1.0)")
    }

    func testOptimizerIsDocumented() throws {
        XCTAssertEqual(try eval("lunet.doc(optim.Adam)")[0].components(separatedBy: "\n")[0],
                       "optim.Adam(model[, {lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, amsgrad=false, weightDecay=0}])")
        XCTAssertTrue(try eval("lunet.doc(optim.SGD(nn.Linear(1, 1)))")[0].contains("opt:penalty()"))
    }
}
