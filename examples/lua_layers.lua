-- Layers and losses written in Lua: a residual block (nn.Module) inside a
-- Koch-style embedding network, trained with the built-in triplet loss and
-- with two losses written in Lua (nn.Loss): a contrastive loss and a
-- soft-margin triplet loss. One table compares them: 20-way one-shot accuracy
-- on held-out alphabets after each round, same seed and budget.
--
--   lunet examples/lua_layers.lua [omniglot background folder or zip]
--         [--rounds 3] [--steps 50] [--batch 32] [--tasks 250] [--perclass 20]
--
-- Only forward is written: while a Lua layer or loss trains, its tensor
-- operations are recorded and replayed in reverse for the gradient; the
-- built-in modules it calls (here the convolution) use their own backward.

local options = lunet.arguments(arg, {
  usage = "lunet examples/lua_layers.lua [omniglot background folder or zip] [options]",
  positional = {{"path", "images_background.zip", "Omniglot's background set, a folder or the official zip"}},
  rounds = {3, "rounds per loss"}, steps = {50, "steps per round"}, batch = {32, "triplets per step"},
  tasks = {250, "20-way one-shot tasks after each round"}, perclass = {20, "images per class"},
})
local path, rounds, steps, batch = options.path, options.rounds, options.steps, options.batch
local tasks, perclass = options.tasks, options.perclass

-- x + gain * relu(bn(conv(x))): the gain is a parameter of the block itself.
local function Residual(config)
  return nn.Module{
    name = "Residual", config = config,
    modules = {conv = nn.Conv2d(config.channels, config.channels, 3, {padding = "same", seed = config.seed}),
               bn = nn.BatchNorm2d(config.channels)},
    parameters = {gain = tensor.full({1}, 0.1)},
    forward = function(self, x) return x + self.bn(self.conv(x)):relu() * self.gain end,
  }
end
nn.register("Residual", Residual)  -- so nn.load can rebuild it

-- Contrastive (Hadsell et al. 2006) on the triplets' pairs: pull (a, p)
-- together, push (a, n) beyond a margin; Euclidean distances.
local function contrastive(margin)
  return nn.Loss{name = "contrastive", forward = function(a, p, n)
    local dp = ((a - p):pow(2):sum(2) + 1e-9):sqrt()
    local dn = ((a - n):pow(2):sum(2) + 1e-9):sqrt()
    return (dp:pow(2) + (-dn + margin):clamp(0):pow(2)):mean() / 2
  end}
end

-- Soft-margin triplet loss (Hermans et al. 2017): log(1 + exp(d(a,p) - d(a,n)))
-- on squared distances, with the fraction of triplets still ordered wrongly.
local softMargin = nn.Loss{name = "softMargin", statistics = {"wrong"}, forward = function(a, p, n)
  local z = (a - p):pow(2):sum(2) - (a - n):pow(2):sum(2)
  local wrong = 0
  for i = 1, z:size(1) do if z:get(i) > 0 then wrong = wrong + 1 end end
  return (z:exp() + 1):log():mean(), wrong / z:size(1)
end}

local omniglot = data.omniglot(path, {invert = true}):perClass(perclass)
local trainClasses, testClasses = {}, {}
for class, group in ipairs(omniglot.classGroups) do
  local list = group > #omniglot.groups - 2 and testClasses or trainClasses
  list[#list + 1] = class
end
local train, test = omniglot:classes(trainClasses), omniglot:classes(testClasses)
print(("training on %s, one-shot tests on %s"):format(tostring(train), tostring(test)))

-- The small network of custom_sampler.lua with a Lua residual block after the
-- second convolution; fresh (same seeds) for each loss.
local function network()
  return nn.Sequential{
    nn.MaxPool2d(3),
    nn.Conv2d(1, 32, 5, {seed = 101}), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, {seed = 102}), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    Residual{channels = 64, seed = 106}:named("residual"),
    nn.Conv2d(64, 64, 3, {seed = 103}), nn.BatchNorm2d(64), nn.ReLU(),
    nn.Flatten(), nn.Dropout(0.25, {seed = 104}),
    nn.Linear(64 * 4 * 4, 256, {seed = 105}):named("fc"), nn.Sigmoid():named("embedding"),
  }
end

local losses = {
  {"triplet", nil},
  {"lua contrastive", contrastive(1.0)},
  {"lua softmargin", softMargin},
}
local header = ("\n%-16s"):format("loss")
for round = 1, rounds do header = header .. ("  round %-2d"):format(round) end
print(header .. "  s/round")
local last
for _, entry in ipairs(losses) do
  local net = network()
  local line, seconds = ("%-16s"):format(entry[1]), 0
  triplet.fit(net, train, {loss = entry[2], margin = 0.2, batch = batch, steps = steps, rounds = rounds,
    optimizer = optim.Adam(net, {lr = 1e-3}), seed = 1, verbose = 0,
    onRound = function(round, logs)
      line = line .. ("  %8.3f"):format(oneshot.evaluate(net, test, {way = 20, tasks = tasks, seed = 1}).accuracy)
      seconds = seconds + logs.mining + logs.training
    end})
  print(line .. ("  %7.1f"):format(seconds / rounds))
  last = net
end

-- A model holding a Lua layer saves like any other; nn.load finds the
-- registered constructor and the outputs come back bit for bit.
local file = os.tmpname() .. ".safetensors"
nn.save(last, file)
local again = nn.load(file)
last:evaluate(); again:evaluate()
local x = test.images:narrow(1, 1, 4):float{scale = true}
print(("\nsaved and reloaded with its Residual block: outputs identical = %s, gain %.4f"):format(
  tostring(last:forward(x):equal(again:forward(x))), last:get(10).gain:get(1)))
os.remove(file)
