-- A triplet sampler written in Lua: FaceNet's semi-hard negatives, through
-- triplet.sampler, trained and compared with the built-in random and hardest
-- selection in one table (20-way one-shot accuracy on held-out alphabets).
--
--   lunet examples/custom_sampler.lua [omniglot background folder or zip]
--         [--rounds 3] [--steps 50] [--batch 32] [--tasks 250] [--perclass 20]
--
-- The sampler gets a context each step: ctx.labels, ctx:classCount(),
-- ctx:indicesOf(class), ctx:embed(indices) (current embeddings, each image
-- computed once per step), ctx:distances(a, b) (squared, [#a, #b]),
-- ctx.random:integer(lo, hi) (seeded) and ctx.step. What it returns is checked.

local options = lunet.arguments(arg, {
  usage = "lunet examples/custom_sampler.lua [omniglot background folder or zip] [options]",
  positional = {{"path", "images_background.zip", "Omniglot's background set, a folder or the official zip"}},
  rounds = {3, "rounds per sampler"}, steps = {50, "steps per round"}, batch = {32, "triplets per step"},
  tasks = {250, "20-way one-shot tasks after each round"}, perclass = {20, "images per class"},
  plot = {"custom_sampler.png", "the chart of accuracy per round, one line per sampler ('none': no chart)"},
})
local path, rounds, steps, batch = options.path, options.rounds, options.steps, options.batch
local tasks, perclass = options.tasks, options.perclass
local margin = 0.2

-- Semi-hard: the nearest negative farther than the positive but within the
-- margin; the hardest negative of the class when none is in that band.
local function semihard(margin)
  return triplet.sampler(function(ctx, n)
    local classes = ctx:classCount()
    local anchors, positives, candidates, needed = {}, {}, {}, {}
    for i = 1, n do
      local c = ctx.random:integer(1, classes)
      local images = ctx:indicesOf(c)
      local x = ctx.random:integer(1, #images)
      local y = ctx.random:integer(1, #images - 1)
      if y >= x then y = y + 1 end
      anchors[i], positives[i] = images[x], images[y]
      local other = ctx.random:integer(1, classes - 1)
      if other >= c then other = other + 1 end
      candidates[i] = ctx:indicesOf(other)
      needed[#needed + 1], needed[#needed + 2] = anchors[i], positives[i]
      table.move(candidates[i], 1, #candidates[i], #needed + 1, needed)
    end
    ctx:embed(needed)  -- one batched pass; the distances below reuse it
    local negatives = {}
    for i = 1, n do
      local toPositive = ctx:distances({anchors[i]}, {positives[i]}):get(1, 1)
      local d = ctx:distances({anchors[i]}, candidates[i]):totable()[1]
      local best, bestInBand
      for j, dj in ipairs(d) do
        if not best or dj < d[best] then best = j end
        if dj > toPositive and dj < toPositive + margin and (not bestInBand or dj < d[bestInBand]) then bestInBand = j end
      end
      negatives[i] = candidates[i][bestInBand or best]
    end
    return anchors, positives, negatives
  end)
end

local omniglot = data.omniglot(path, {invert = true}):perClass(perclass)
local trainClasses, testClasses = {}, {}
for class, group in ipairs(omniglot.classGroups) do
  local list = group > #omniglot.groups - 2 and testClasses or trainClasses
  list[#list + 1] = class
end
local train, test = omniglot:classes(trainClasses), omniglot:classes(testClasses)
print(("training on %s, one-shot tests on %s"):format(tostring(train), tostring(test)))

-- The small Koch-style network of triplet_oneshot.lua --model small, fresh for each sampler.
local function network()
  return nn.Sequential{
    nn.MaxPool2d(3),
    nn.Conv2d(1, 32, 5, {seed = 101}), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, {seed = 102}), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(64, 64, 3, {seed = 103}), nn.BatchNorm2d(64), nn.ReLU(),
    nn.Flatten(), nn.Dropout(0.25, {seed = 104}),
    nn.Linear(64 * 4 * 4, 256, {seed = 105}):named("fc"), nn.Sigmoid():named("embedding"),
  }
end

local samplers = {
  {"random", triplet.random()},
  {"hardest", triplet.hardest()},
  {"lua semihard", semihard(margin)},
}
local header = ("\n%-14s"):format("sampler")
for round = 1, rounds do header = header .. ("  round %-2d"):format(round) end
print(header .. "  s/round")
local curves = {}
for _, entry in ipairs(samplers) do
  local net = network()
  local line, seconds = ("%-14s"):format(entry[1]), 0
  local curve = {name = entry[1], y = {}, err = {}}
  triplet.fit(net, train, {sampler = entry[2], margin = margin, batch = batch, steps = steps, rounds = rounds,
    optimizer = optim.Adam(net, {lr = 1e-3}), seed = 1, verbose = 0,
    onRound = function(round, logs)
      local r = oneshot.evaluate(net, test, {way = 20, tasks = tasks, seed = 1})
      curve.y[round], curve.err[round] = r.accuracy, r.stderr
      line = line .. ("  %8.3f"):format(r.accuracy)
      seconds = seconds + logs.mining + logs.training
    end})
  print(line .. ("  %7.1f"):format(seconds / rounds))
  curves[#curves + 1] = curve
end
if options.plot ~= "none" then
  plot.lines(options.plot, curves, {title = "20-way one-shot accuracy per round", xlabel = "round", ylabel = "accuracy"})
  print("wrote " .. options.plot)
end
