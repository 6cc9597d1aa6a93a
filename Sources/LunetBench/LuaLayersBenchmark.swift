import Foundation
import LunetLua

/// `LunetBench lua-layers`: what layers and losses written in Lua cost.
/// (1) a triplet loss in Lua against `nn.TripletLoss` on 3 x 64 x 4096
/// embeddings, forward + backward; (2) an `nn.Module` wrapping the whole Koch
/// network, one training step, against the bare network; (3) the overhead of
/// recording one operation on a 1x1 tensor, in microseconds.
enum LuaLayersBenchmark {
    static func run() throws {
        let lua = try LuaState(libraryPath: LuaLibraryPath.locate())
        try lua.run(setup, name: "=lua-layers")
        print("lua-layers (medians)")
        let builtinLoss = try time(lua, "builtinLoss()", repeats: 9)
        let luaLoss = try time(lua, "luaLoss()", repeats: 9)
        print(String(format: "  triplet loss 3x64x4096, forward + backward: nn.TripletLoss %.2f ms, Lua nn.Loss %.2f ms, ratio %.2f",
                     builtinLoss * 1e3, luaLoss * 1e3, luaLoss / builtinLoss))
        let bare = try time(lua, "step(bare, bareOptimizer)", repeats: 5)
        let wrapped = try time(lua, "step(wrapped, wrappedOptimizer)", repeats: 5)
        print(String(format: "  Koch network, one training step of %d images: bare %.3f s, inside a Lua nn.Module %.3f s, ratio %.3f",
                     kochBatch, bare, wrapped, wrapped / bare))
        let plain = try time(lua, "plainOps()", repeats: 5) / Double(operations)
        let recorded = try time(lua, "recordedForward()", repeats: 5) / Double(operations)
        let withBackward = try time(lua, "recordedForwardBackward()", repeats: 5) / Double(operations)
        print(String(format: "  one addition on a 1x1 tensor: %.2f us plain, %.2f us recorded (+%.2f us), %.2f us with its backward",
                     plain * 1e6, recorded * 1e6, (recorded - plain) * 1e6, withBackward * 1e6))
    }

    static let kochBatch = 48
    static let operations = 20_000

    static func time(_ lua: LuaState, _ code: String, repeats: Int) throws -> Double {
        try Stopwatch.median(repeats: repeats) { try lua.run(code, name: "=lua-layers") }
    }

    static let setup = """
        local models = require "lunet.models"
        local a, p, n = tensor.randn({64, 4096}, {seed = 1}) * 0.02, tensor.randn({64, 4096}, {seed = 2}) * 0.02,
                        tensor.randn({64, 4096}, {seed = 3}) * 0.02
        local builtin = nn.TripletLoss{margin = 0.2}
        local lua = nn.Loss{inputs = 3, labels = false, forward = function(a, p, n)
          return ((a - p):pow(2):sum(2) - (a - n):pow(2):sum(2) + 0.2):clamp(0):mean()
        end}
        function builtinLoss() builtin:forward(a, p, n); builtin:backward(a, p, n) end
        function luaLoss() lua:forward(a, p, n); lua:backward(a, p, n) end

        local x = tensor.rand({\(kochBatch), 1, 105, 105}, {seed = 4})
        bare = models.koch{seed = 1}
        wrapped = nn.Module{name = "Wrapped", modules = {net = models.koch{seed = 1}}, forward = function(self, x) return self.net(x) end}
        bareOptimizer, wrappedOptimizer = optim.Adam(bare, {lr = 1e-4}), optim.Adam(wrapped, {lr = 1e-4})
        local g = tensor.randn({\(kochBatch), 4096}, {seed = 5}) * 1e-3
        function step(net, optimizer)
          net:zeroGrad(); net:forward(x); net:backward(x, g); optimizer:step()
        end

        local one = tensor.ones({1, 1})
        local function chain(x)
          local y = x
          for _ = 1, \(operations) do y = y + one end
          return y
        end
        function plainOps() chain(one) end
        local recorder = nn.Module{name = "Chain", forward = function(self, x) return chain(x) end}
        function recordedForward() recorder:forward(one) end
        function recordedForwardBackward() recorder:forward(one); recorder:backward(one, one) end
        """
}
