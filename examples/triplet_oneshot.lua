-- Question 2 of the assignment: a triplet network on Omniglot, trained with
-- random (2.3a) and hard (2.3b) triplet selection under identical budgets,
-- tested by 20-way one-shot accuracy on held-out alphabets after every round
-- and on Lake et al.'s 20 official runs at the end.
--
--   lunet examples/triplet_oneshot.lua [omniglot background folder or zip] [options]
--
-- Options (defaults in brackets):
--   --model koch|small   koch: models.koch as in the assignment (Koch et al.'s network); small: the same design
--                        on 35x35 inputs with fewer units, for a 2-core machine [koch]
--   --rounds 10  --steps 100  --batch 64  --margin 0.2  --lr 1e-3
--   --samplers random,hardest   any of random, hardest, semihard, batchhard,
--                        with a refresh interval as hardest/10
--   --heldout 2          alphabets held out for the one-shot test (the last ones)
--   --way 20  --tasks 250  --across  (a task's classes from all held-out alphabets; by default
--                        from one alphabet, the assignment's setting)
--   --runs PATH          all_runs.zip [next to the background zip]
--   --perclass N         images per class (scaled-down runs) [all]
--   --seed 1
--   --schedule cosine|none   Adam's rate by round (cosine: from --lr down to --lr/20)
--   --augment koch|none  koch: Koch et al.'s affine distortions of every training image (rotation 10 degrees,
--                        shear 0.3, scale 0.8-1.2, translation 2 pixels, each with probability 0.5)
--   --plot triplet_oneshot.png   the chart of accuracy per round (none: no chart)
--
-- Swapping random for hard selection is one line: sampler = triplet.hardest().
local models = require("lunet.models")

local o = lunet.arguments(arg, {
  usage = "lunet examples/triplet_oneshot.lua [omniglot background folder or zip] [options]",
  positional = {{"path", "images_background.zip", "Omniglot's background set, a folder or the official zip"}},
  model = {"koch", "koch (Koch et al.'s network, as the assignment asks) or small (35x35 inputs, fewer units)"},
  rounds = {10, "rounds per sampler"}, steps = {100, "steps per round"}, batch = {64, "triplets per step"},
  margin = {0.2, "triplet margin (squared distances)"}, lr = {1e-3, "Adam's learning rate"},
  samplers = {"random,hardest", "any of random, hardest, semihard, batchhard, with a refresh interval as hardest/10"},
  heldout = {2, "alphabets held out for the one-shot test (the last ones)"},
  way = {20, "classes per one-shot task"}, tasks = {250, "one-shot tasks"},
  across = {false, "draw a task's classes from all held-out alphabets (default: from one alphabet, as the assignment does)"},
  runs = {"", "all_runs.zip (default: next to the background set)"},
  perclass = {0, "images per class for scaled-down runs (0: all)"},
  seed = {1, "seed of the networks, samplers and tasks"},
  schedule = {"cosine", "none, or cosine: Adam's rate follows half a cosine from --lr to --lr/20 over the rounds"},
  augment = {"koch", "none, or koch: Koch et al.'s affine distortions of the training images"},
  plot = {"triplet_oneshot.png", "the chart of accuracy per round, one line per sampler ('none': no chart)"},
})
if o.runs == "" then o.runs = o.path:gsub("[^/]*$", "") .. "all_runs.zip" end
if o.perclass == 0 then o.perclass = nil end

-- Ink as 1 on a 0 background (the zip has black ink on white), so max pooling keeps strokes.
local omniglot = data.omniglot(o.path, {invert = true})
if o.perclass then omniglot = omniglot:perClass(o.perclass) end
local trainClasses, testClasses = {}, {}
for class, group in ipairs(omniglot.classGroups) do
  local list = group > #omniglot.groups - o.heldout and testClasses or trainClasses
  list[#list + 1] = class
end
local train, test = omniglot:classes(trainClasses), omniglot:classes(testClasses)
local runs = data.omniglotRuns(o.runs, {invert = true})
print(("training on %s (%s), one-shot tests on %s (%s)"):format(tostring(train), table.concat(train.groups, ", "),
  tostring(test), table.concat(test.groups, ", ")))

-- A fresh network for every sampler, from the same seed.
local function network()
  if o.model == "koch" then return models.koch{seed = o.seed} end
  if o.model ~= "small" then error("--model must be koch or small", 0) end
  local s = o.seed * 100
  return nn.Sequential{
    nn.MaxPool2d(3),                                                                           -- 105 -> 35
    nn.Conv2d(1, 32, 5, {seed = s + 1}):named("conv1"), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  -- 31 -> 15
    nn.Conv2d(32, 64, 3, {seed = s + 2}):named("conv2"), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2), -- 13 -> 6
    nn.Conv2d(64, 64, 3, {seed = s + 3}):named("conv3"), nn.BatchNorm2d(64), nn.ReLU(),                  -- 4
    nn.Flatten(), nn.Dropout(0.25, {seed = s + 4}),
    nn.Linear(64 * 4 * 4, 256, {seed = s + 5}):named("fc"), nn.Sigmoid():named("embedding"),
  }
end

local function sampler(name)
  local kind, refresh = name:match("^(%a+)/?(%d*)$")
  local options = refresh ~= "" and {refresh = tonumber(refresh)} or nil
  if kind == "random" then return triplet.random() end
  if kind == "hardest" then return triplet.hardest(options) end
  if kind == "semihard" then return triplet.semihard(options) end
  if kind == "batchhard" then return triplet.batchhard(options) end
  error("unknown sampler '" .. name .. "'", 0)
end

if o.schedule ~= "none" and o.schedule ~= "cosine" then error("--schedule must be none or cosine", 0) end
local schedule = o.schedule == "cosine" and {kind = "cosine", epochs = o.rounds, minimum = o.lr / 20} or nil
if o.augment ~= "none" and o.augment ~= "koch" then error("--augment must be none or koch", 0) end
local function augmentation()
  if o.augment == "none" then return nil end
  return data.augment{rotation = 10, shear = 0.3, scale = 0.2, translate = 2, p = 0.5, seed = o.seed}
end
local oneshotOptions = {way = o.way, tasks = o.tasks, seed = o.seed, within = not o.across and "group" or nil}
local rows = {}
local pixels = oneshot.runs("pixels", runs)
print(("raw pixels on the official runs: %.3f"):format(pixels.accuracy))

for name in o.samplers:gmatch("[^,]+") do
  local net = network()
  local row = {name = name, accuracy = {}, stderr = {}, seconds = {}}
  print(("-- %s"):format(name))
  triplet.fit(net, train, {
    sampler = sampler(name), margin = o.margin, distance = "squared", batch = o.batch, steps = o.steps,
    rounds = o.rounds, optimizer = optim.Adam(net, {lr = o.lr, schedule = schedule}), seed = o.seed, augment = augmentation(),
    onRound = function(round, logs)
      local r = oneshot.evaluate(net, test, oneshotOptions)
      row.accuracy[round], row.stderr[round], row.seconds[round] = r.accuracy, r.stderr, logs.mining + logs.training
      print(("   %d-way one-shot on held-out alphabets: %.3f +- %.3f"):format(o.way, r.accuracy, r.stderr))
    end,
  })
  row.runs = oneshot.runs(net, runs).accuracy
  rows[#rows + 1] = row
end

-- One table: accuracy per round, the official runs, seconds per round.
local header = ("%-14s"):format("sampler")
for round = 1, o.rounds do header = header .. ("  round %-2d"):format(round) end
print("\n" .. header .. "  official runs  s/round")
print(("%-14s"):format("pixels") .. ("          "):rep(o.rounds) .. ("  %13.3f"):format(pixels.accuracy))
for _, row in ipairs(rows) do
  local line, total = ("%-14s"):format(row.name), 0
  for round = 1, o.rounds do
    line = line .. ("  %8s"):format(row.accuracy[round] and ("%.3f"):format(row.accuracy[round]) or "-")
    total = total + (row.seconds[round] or 0)
  end
  print(line .. ("  %13.3f  %7.1f"):format(row.runs, total / math.max(#row.seconds, 1)))
end

if o.plot ~= "none" then
  local series = {}
  for _, row in ipairs(rows) do series[#series + 1] = {name = row.name, y = row.accuracy, err = row.stderr} end
  plot.lines(o.plot, series, {title = ("%d-way one-shot accuracy on held-out alphabets%s"):format(o.way, o.across and "" or ", within one"),
    xlabel = "round", ylabel = "accuracy"})
  print("wrote " .. o.plot)
end
