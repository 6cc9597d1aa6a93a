import Foundation
import CLua
import Lunet
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
        // As a triplet.fit step calls them: value and gradients of the stacked [a; p; n] batch, one pass each.
        let (builtin, written) = (try loss(lua, "builtin"), try loss(lua, "lua"))
        let stacked = try Tensor<Float>.randn([3 * 64, 4096], seed: 1) * 0.02
        let builtinLoss = try Stopwatch.median(repeats: 15) { _ = try builtin.lossAndGradient(batch: stacked, labels: nil) }
        let luaLoss = try Stopwatch.median(repeats: 15) { _ = try written.lossAndGradient(batch: stacked, labels: nil) }
        print(String(format: "  triplet loss 3x64x4096, value + gradients: nn.TripletLoss %.2f ms, Lua nn.Loss %.2f ms, ratio %.2f",
                     builtinLoss * 1e3, luaLoss * 1e3, luaLoss / builtinLoss))
        // Alternated, so the shared machine's load falls on both alike.
        var bare: [Double] = [], wrapped: [Double] = []
        try lua.run("step(bare, bareOptimizer); step(wrapped, wrappedOptimizer)", name: "=warm-up")
        for _ in 0..<kochRepeats {
            bare.append(try Stopwatch.seconds { try lua.run("step(bare, bareOptimizer)", name: "=lua-layers") })
            wrapped.append(try Stopwatch.seconds { try lua.run("step(wrapped, wrappedOptimizer)", name: "=lua-layers") })
        }
        let (b, w) = (bare.sorted()[kochRepeats / 2], wrapped.sorted()[kochRepeats / 2])
        print(String(format: "  Koch network, one training step of %d images: bare %.3f s, inside a Lua nn.Module %.3f s, ratio %.3f",
                     kochBatch, b, w, w / b))
        let plain = try time(lua, "plainOps()", repeats: 5) / Double(operations)
        let recorded = try time(lua, "recordedForward()", repeats: 5) / Double(operations)
        let withBackward = try time(lua, "recordedForwardBackward()", repeats: 5) / Double(operations)
        print(String(format: "  one addition on a 1x1 tensor: %.2f us plain, %.2f us recorded (+%.2f us), %.2f us with its backward",
                     plain * 1e6, recorded * 1e6, (recorded - plain) * 1e6, withBackward * 1e6))
    }

    static let kochBatch = 48
    static let kochRepeats = 5
    static let operations = 20_000

    /// The loss object held by Lua global `name`.
    static func loss(_ lua: LuaState, _ name: String) throws -> Loss {
        let call = LuaCall(lua.L)
        call.pushGlobal(name)
        defer { lua_settop(lua.L, -2) }
        guard let loss = call.boxedObject(at: -1) as? Loss else { throw LunetError("lua-layers: global \(name) is not a loss") }
        return loss
    }

    static func time(_ lua: LuaState, _ code: String, repeats: Int) throws -> Double {
        try Stopwatch.median(repeats: repeats) { try lua.run(code, name: "=lua-layers") }
    }

    static let setup = """
        local models = require "lunet.models"
        builtin = nn.TripletLoss{margin = 0.2}
        lua = nn.Loss{inputs = 3, labels = false, forward = function(a, p, n)
          return ((a - p):pow(2):sum(2) - (a - n):pow(2):sum(2) + 0.2):clamp(0):mean()
        end}

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
