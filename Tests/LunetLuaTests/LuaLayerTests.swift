import Foundation
import LunetLua
import XCTest

/// Layers and losses written in Lua (`nn.Module`, `nn.Loss`): their
/// gradients against the built-in ones, their place among modules, their
/// errors, and model files holding them.
final class LuaLayerTests: LuaTestCase {
    static let tripletLoss = """
        local a, p, n = tensor.randn({64, 128}, {seed = 1}) * 0.1, tensor.randn({64, 128}, {seed = 2}) * 0.1, tensor.randn({64, 128}, {seed = 3}) * 0.1
        local builtin = nn.TripletLoss{margin = 0.2}
        local lua = nn.Loss{name = "triplet", inputs = 3, labels = false, statistics = {"active"}, forward = function(a, p, n)
          local z = (a - p):pow(2):sum(2) - (a - n):pow(2):sum(2) + 0.2
          local active = 0
          for i = 1, z:size(1) do if z:get(i) > 0 then active = active + 1 end end
          return z:clamp(0):mean(), active / z:size(1)
        end}

        """

    func testTripletLossInLuaMatchesTheBuiltIn() throws {
        let values = try run(Self.tripletLoss + """
            local l1, active1 = builtin:forward(a, p, n)
            local l2, active2 = lua:forward(a, p, n)
            local g1, g2 = {builtin:backward(a, p, n)}, {lua:backward(a, p, n)}
            local worst = 0
            for i = 1, 3 do worst = math.max(worst, (g1[i] - g2[i]):abs():max() / g1[i]:abs():max()) end
            return math.abs(l1 - l2) / l1 < 1e-6, active1 == active2, worst < 1e-6, #g2, tostring(lua)
            """)
        XCTAssertEqual(values, ["true", "true", "true", "3", "nn.Loss(triplet)"])
    }

    func testModuleWrappingLinearHasLinearsGradients() throws {
        let values = try run("""
            local bare = nn.Linear(6, 3, {seed = 4})
            local inner = nn.Linear(6, 3, {seed = 4})
            local wrapped = nn.Module{name = "Wrap", modules = {fc = inner}, forward = function(self, x) return self.fc(x) end}
            local x, g = tensor.randn({5, 6}, {seed = 5}), tensor.randn({5, 3}, {seed = 6})
            local y1, y2 = bare:forward(x), wrapped:forward(x)
            local dx1, dx2 = bare:backward(x, g), wrapped:backward(x, g)
            local _, gb = bare:parameters()
            local _, gw = wrapped:parameters()
            return y1:equal(y2), dx1:equal(dx2), gb[1]:equal(gw[1]), gb[2]:equal(gw[2]), #gw
            """)
        XCTAssertEqual(values, ["true", "true", "true", "true", "2"])
    }

    static let residual = """
        local function Residual(config)
          return nn.Module{
            name = "Residual", config = config,
            modules = {body = nn.Sequential{nn.Linear(config.width, config.width, {seed = config.seed}), nn.ReLU()}},
            parameters = {gain = tensor.ones({1}) * 0.5},
            forward = function(self, x) return x + self.body(x) * self.gain end,
          }
        end

        """

    func testOwnParametersGetGradientsAndUpdates() throws {
        let values = try run(Self.residual + """
            local block = Residual{width = 4, seed = 1}
            local x = tensor.randn({3, 4}, {seed = 2})
            local y = block:forward(x)
            local dx = block:backward(x, tensor.ones({3, 4}))
            local ps, gs = block:parameters()
            -- d(sum y)/d gain = sum(body(x)); d(sum y)/dx = 1 + gain * body's gradient.
            local body = block.body:forward(x)
            local expected = body:sum()
            local names = {}
            for k in pairs(block:namedParameters()) do names[#names + 1] = k end
            table.sort(names)
            local opt = optim.SGD(block, {lr = 0.1})
            opt:step()
            return #ps, math.abs(gs[1]:get(1) - expected) < 1e-5, table.concat(names, ","), block.gain:get(1) < 0.5,
                   block.config.width, block.training
            """)
        XCTAssertEqual(values, ["3", "true", "body.1.bias,body.1.weight,gain", "true", "4", "true"])
    }

    func testRecordingOnlyInTraining() throws {
        let values = try run("""
            local seen
            local m = nn.Module{name = "Probe", forward = function(self, x) seen = x:sum(); return x * 2 end}
            m:forward(tensor.ones({2, 2}))
            local training = tensor.isTensor(seen)
            m:evaluate():forward(tensor.ones({2, 2}))
            return training, type(seen), seen, (tensor.ones({2}) * 3):sum()
            """)
        XCTAssertEqual(values, ["true", "number", "4.0", "6.0"])
    }

    func testNestedModulesAndContainers() throws {
        let values = try run(Self.residual + """
            local outer = nn.Module{name = "Outer", modules = {a = Residual{width = 4, seed = 1}, b = nn.Dropout(0.5)},
              forward = function(self, x) return self.b(self.a(x)):sum(2) end}
            local net = nn.Sequential{nn.Linear(4, 4, {seed = 3}), outer}
            local x = tensor.randn({3, 4}, {seed = 2})
            local y = net:forward(x)
            local dx = net:backward(x, tensor.ones(y:shape()))
            net:evaluate()
            return tostring(y:shape()[1]), dx:shape()[2], outer.b.training, outer.a.body.training, #({net:parameters()})[1]
            """)
        XCTAssertEqual(values, ["3", "4", "false", "false", "5"])
    }

    func testErrorsNameTheModuleAndKeepTheTraceback() throws {
        XCTAssertThrowsError(try run("""
            local bad = nn.Module{name = "Bad", forward = function(self, x)
              return x + tensor.ones({5})
            end}
            bad:forward(tensor.ones({3, 4}))
            """)) { error in
            let message = (error as? LuaRaisedError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("nn.Module 'Bad': forward failed: test:2: add: shapes 3x4 and 5 do not match\nstack traceback:"), message)
        }
        assertError("nn.Module{name = 'N', forward = function(self, x) return 3 end}:forward(tensor.ones({1}))",
                    "test:1: nn.Module 'N': forward must return a Float32 tensor, got a number")
        assertError("local m = nn.Module{name = 'T', forward = function(self, x) return x:topk(1) end}; m:forward(tensor.ones({2, 2}))",
                    "nn.Module 'T': forward failed: test:1: topk has no gradient: it cannot be used on a tensor recorded inside a Lua layer's or loss's forward\nstack traceback:\n\t[C]: in method 'topk'\n\ttest:1: in function <test:1>\n\t[C]: in method 'forward'\n\ttest:1: in main chunk")
        assertError("""
            local m = nn.Module{name = 'Twice', forward = function(self, x) return x * 2 end}
            local x = tensor.ones({2})
            m:forward(x); m:backward(x, x); m:backward(x, x)
            """, "test:3: Twice: backward needs a forward in training mode first (and runs once per forward)")
        assertError("nn.Loss(function(o, l) return o:sum(), 1 end):forward(tensor.ones({2, 2}), tensor.from({1, 1}, {dtype = 'int32'}))",
                    "test:1: nn.Loss 'lua': the function returned 2 values, expected 1 (the loss)")
        assertError("nn.Loss(function(o, l) return o end):forward(tensor.ones({2, 2}), tensor.from({1, 1}, {dtype = 'int32'}))",
                    "test:1: nn.Loss(lua): the loss must be a one-element tensor, got Float32 tensor of shape 2x2")
        assertError("nn.Module{forward = function() end}", "test:1: nn.Module: missing 'name'")
        assertError("nn.Module{name = 'X', forward = function() end, modules = {a = 1}}",
                    "test:1: nn.Module: modules.a must be an nn module, got a number")
        assertError("nn.Module{name = 'X', forward = function() end, extra = 1}",
                    "test:1: unknown option 'extra' for nn.Module")
    }

    func testSaveAndLoadWithTheDefinition() throws {
        let path = NSTemporaryDirectory() + "lunet-\(UUID().uuidString).safetensors"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        let values = try run(Self.residual + """
            local net = nn.Sequential{nn.Linear(4, 4, {seed = 3}), Residual{width = 4, seed = 1}}
            local x = tensor.randn({3, 4}, {seed = 2})
            net:forward(x); net:backward(x, tensor.ones({3, 4}))
            optim.Adam(net, {lr = 0.1}):step()
            nn.save(net, '\(path)')
            local ok, message = pcall(nn.load, '\(path)')
            local passed = nn.load('\(path)', {Residual = Residual})
            nn.register('Residual', Residual)
            local registered = nn.load('\(path)')
            net:evaluate(); passed:evaluate(); registered:evaluate()
            return ok, message, net:forward(x):equal(passed:forward(x)), net:forward(x):equal(registered:forward(x)),
                   registered:get(2).gain:get(1) == net:get(2).gain:get(1)
            """)
        XCTAssertEqual(values, ["false", "cannot load model '\(path)': nn.load: the model holds 'Residual', a layer written in Lua; give its definition with nn.register('Residual', constructor) or nn.load(path, {Residual = constructor})", "true", "true", "true"])
    }

    func testLuaLossesInFit() throws {
        let values = try run("""
            local g = tensor.rand({48, 1, 4, 4}, {seed = 1})
            local labels = {}
            for i = 1, 48 do labels[i] = (i % 3) + 1; g:set(i, 1, labels[i], 1, 1) end
            local set = data.dataset(g:byte{scale = true}, tensor.from(labels, {dtype = 'int32'}))
            local ce = nn.Loss(function(out, labels)
              local onehot = tensor.zeros(out:shape())
              for i = 1, #labels do onehot:set(i, labels:get(i), 1) end
              return -(out:logSoftmax(2) * onehot):sum() / #labels
            end)
            local function net() return nn.Sequential{nn.Flatten(), nn.Linear(16, 3, {seed = 2})} end
            local a, b = net(), net()
            local ha = train.fit(a, set, {loss = ce, batch = 16, epochs = 3, verbose = 0, shuffle = false, optimizer = optim.SGD(a, {lr = 0.5})})
            local hb = train.fit(b, set, {batch = 16, epochs = 3, verbose = 0, shuffle = false, optimizer = optim.SGD(b, {lr = 0.5})})
            return math.abs(ha.epochs[3].loss - hb.epochs[3].loss) < 1e-5, ha.epochs[3].loss < ha.epochs[1].loss
            """)
        XCTAssertEqual(values, ["true", "true"])
    }

    func testTripletFitTakesALuaLoss() throws {
        let values = try run(TripletFitBindingsTests.setup + """
            local softMargin = nn.Loss{name = "softMargin", statistics = {"positive"}, forward = function(a, p, n)
              local z = (a - p):pow(2):sum(2) - (a - n):pow(2):sum(2)
              return (z:exp() + 1):log():mean(), 1
            end}
            local h = triplet.fit(net, tr, {batch = 8, steps = 4, rounds = 2, seed = 2, verbose = 0, loss = softMargin})
            return h.stopReason, h.rounds[2].positive, h.rounds[2].active, h.rounds[2].loss > 0
            """)
        XCTAssertEqual(values, ["completed", "1.0", "nil", "true"])
        assertError(TripletFitBindingsTests.setup + "triplet.fit(net, tr, {loss = nn.CrossEntropy()})",
                    "test:14: triplet.fit: loss must take the anchor, positive and negative embeddings, got nn.CrossEntropy")
    }

    func testActivationMethodsMatchTheLayers() throws {
        let values = try run("""
            local x = tensor.randn({4, 5}, {seed = 1})
            local g = tensor.randn({4, 5}, {seed = 2})
            local results = {}
            for _, pair in ipairs({{"sigmoid", nn.Sigmoid()}, {"tanh", nn.Tanh()}, {"relu", nn.ReLU()}}) do
              local name, layer = pair[1], pair[2]
              local m = nn.Module{name = name, forward = function(self, x) return x[name](x) end}
              local same = x[name](x):equal(layer:forward(x)) and m:forward(x):equal(layer:forward(x))
              results[#results + 1] = same and m:backward(x, g):equal(layer:backward(x, g))
            end
            local s = x:softmax(2)
            local rows = s:sum(2)
            return results[1], results[2], results[3], math.abs(rows:get(1) - 1) < 1e-6,
                   (x:logSoftmax(2):exp() - s):abs():max() < 1e-6
            """)
        XCTAssertEqual(values, ["true", "true", "true", "true", "true"])
    }

    func testATensorOfAnotherForwardIsRefused() throws {
        assertError("""
            local captured
            local inner = nn.Module{name = 'Inner', forward = function(self, x) return x + captured end}
            local outer = nn.Module{name = 'Outer', modules = {inner = inner}, forward = function(self, x)
              captured = x * 2
              return self.inner(x)
            end}
            outer:forward(tensor.ones({2}))
            """, "nn.Module 'Outer': forward failed: nn.Module 'Inner': forward failed: test:2: a tensor recorded by another layer's forward is used here: each nn.Module and nn.Loss records only its own operations (pass the tensor as the layer's input)\nstack traceback:\n\t[C]: in metamethod 'add'\n\ttest:2: in function <test:2>\n\t[C]: in field 'inner'\n\ttest:5: in function <test:3>\n\t[C]: in method 'forward'\n\ttest:7: in main chunk")
    }

    func testLuaLayersInOutputsAndEvaluation() throws {
        let values = try run("""
            local id = nn.Module{name = "Id", forward = function(self, x) return x * 1 end}
            local net = nn.Sequential{nn.Flatten(), nn.Linear(4, 3, {seed = 1}):named("fc"), id:named("id")}
            local out = net:outputs(tensor.ones({2, 1, 2, 2}), {"fc", "id"})
            local set = data.dataset(tensor.ones({4, 1, 2, 2}, {dtype = "uint8"}), tensor.from({1, 2, 3, 1}, {dtype = "int32"}))
            local mean = nn.Loss(function(out, labels) return out:mean() end)
            local codes = retrieval.codes(net, set, {"id"})
            return out.fc:equal(out.id), tostring(net:get(3)), id.training,
                   math.abs(train.evaluate(net, set, {loss = mean}).loss - net:evaluate():forward(set.images:float{scale = true}):mean()) < 1e-6,
                   codes.id:size(1)
            """)
        XCTAssertEqual(values, ["true", "Id 'id'", "true", "true", "4"])
    }
}
