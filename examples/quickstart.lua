-- Quickstart: what lunet is for, on Fashion-MNIST (Debian's
-- dataset-fashion-mnist package), in a few minutes on two cores.
--
--   1. A small ConvNet learns 7 of the 10 classes with train.fit and early
--      stopping; the metrics table covers training, validation and test.
--   2. Its neural codes from three layers retrieve images of the 3 held-out
--      classes: mAP per layer next to chance, and a retrieval figure.
--   3. A small embedding network is trained on the same 7 classes with random
--      and with hardest-negative triplets, under the same budget and seed, and
--      both are compared by 3-way one-shot accuracy on the held-out classes.
--
--   lunet examples/quickstart.lua [--per-class 1000] [--epochs 10] [--rounds 3]
--                                 [--steps 80] [--out quickstart_out]

local options = lunet.arguments(arg, {
  usage = "lunet examples/quickstart.lua [options]",
  ["per-class"] = {1000, "training images per class"},
  epochs = {10, "at most this many epochs (early stopping on validation loss)"},
  rounds = {3, "triplet rounds per sampler"},
  steps = {80, "triplet steps per round"},
  out = {"quickstart_out", "folder for the figure, the model and results.md"},
})
local started = sys.clock()
os.execute("mkdir -p '" .. options.out .. "'")

-- Data: 7 classes in-domain, the last 3 (Sneaker, Bag, Ankle boot) held out.
local fashion = data.fashionmnist{split = "train"}:perClass(options["per-class"])
local indomain, heldout = fashion:splitClasses{last = 3}
local trainSet, validationSet, testSet = indomain:shuffle{seed = 1}:split{0.8, 0.1, 0.1}
local ood = data.fashionmnist{split = "test"}:classes(heldout.classes):perClass(300)
print(("in-domain: %d training, %d validation, %d test images of %d classes; held out: %s"):format(
  #trainSet, #validationSet, #testSet, indomain:classCount(), table.concat(heldout.classes, ", ")))

-- 1. Classification with early stopping ----------------------------------------
local net = nn.Sequential{
  nn.Conv2d(1, 16, 5, {padding = "same", seed = 1}):named("conv1"), nn.MaxPool2d(2), nn.ReLU(),
  nn.Conv2d(16, 32, 5, {padding = "same", seed = 2}):named("conv2"), nn.MaxPool2d(2), nn.ReLU(),
  nn.Flatten():named("code2"),
  nn.Dropout(0.25, {seed = 3}), nn.Linear(32 * 7 * 7, 128, {seed = 4}):named("fc1"), nn.ReLU(),
  nn.Linear(128, 64, {seed = 5}):named("fc2"), nn.ReLU(),
  nn.Linear(64, indomain:classCount(), {seed = 6}):named("logits"),
}
local history = train.fit(net, trainSet, {
  optimizer = optim.Adam(net, {lr = 1e-3}), batch = 100, epochs = options.epochs, seed = 1,
  validation = validationSet, metrics = {"accuracy", "top2"},
  earlyStopping = {monitor = "val_loss", patience = 0, restoreBest = true},
})
print(("stopped after epoch %d (%s); best epoch %d"):format(history.stoppedEpoch, history.stopReason, history.best.epoch))
local curvesPath = options.out .. "/training.png"
plot.history(history, curvesPath, {title = "classifier: loss and accuracy per epoch"})

local metrics = {}
print("\n            loss   accuracy  top-2")
for _, part in ipairs{{"train", trainSet}, {"validation", validationSet}, {"test", testSet}} do
  local m = train.evaluate(net, part[2], {batch = 500, metrics = {"accuracy", "top2"}})
  metrics[part[1]] = m
  print(("%-10s  %.4f  %.4f    %.4f"):format(part[1], m.loss, m.accuracy, m.top2))
end
local modelPath = options.out .. "/classifier.safetensors"
nn.save(net, modelPath)

-- 2. Retrieval of held-out classes by neural codes ------------------------------
local layers = {"code2", "fc1", "fc2"}
local codes = retrieval.codes(net, ood, layers, {batch = 500})
local chance = retrieval.mAP(tensor.randn({#ood, 64}, {seed = 7}), ood.labels)
local mAP = {}
print(("\nretrieval on %d held-out images (each a query against the others)"):format(#ood))
for _, name in ipairs(layers) do
  mAP[name] = retrieval.mAP(codes[name], ood.labels)
  print(("  %-6s %5d dims   mAP %.3f"):format(name, codes[name]:shape()[2], mAP[name]))
end
print(("  chance (random codes)  mAP %.3f"):format(chance))
local best = "code2"
for _, name in ipairs(layers) do if mAP[name] > mAP[best] then best = name end end
local figurePath = options.out .. "/retrieval_" .. best .. ".png"
retrieval.figure(ood, retrieval.search(codes[best], {queries = 8, k = 5}), figurePath)

-- 3. Triplet embeddings: random against hardest-negative mining --------------------
local tripletTrain = indomain:perClass(100)  -- hardest mining embeds the negative classes every step
local function embedding()
  return nn.Sequential{
    nn.Conv2d(1, 16, 5, {padding = "same", seed = 11}), nn.MaxPool2d(2), nn.ReLU(),
    nn.Conv2d(16, 32, 5, {padding = "same", seed = 12}), nn.MaxPool2d(2), nn.ReLU(),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 32, {seed = 13}):named("embedding"), nn.L2Normalize(),
  }
end
local oneshot3, curves = {}, {}
for _, sampler in ipairs{{"random", triplet.random()}, {"hardest", triplet.hardest()}} do
  local embed = embedding()
  local curve = {name = sampler[1], y = {}, err = {}}
  print(("\ntriplet training with %s triplets"):format(sampler[1]))
  triplet.fit(embed, tripletTrain, {sampler = sampler[2], margin = 0.2, batch = 32, steps = options.steps,
    rounds = options.rounds, seed = 1, optimizer = optim.Adam(embed, {lr = 1e-3}),
    onRound = function(round)  -- the same tasks after every round: the last round's is the result
      oneshot3[sampler[1]] = oneshot.evaluate(embed, ood, {way = 3, tasks = 500, seed = 1})
      curve.y[round], curve.err[round] = oneshot3[sampler[1]].accuracy, oneshot3[sampler[1]].stderr
    end})
  curves[#curves + 1] = curve
end
local oneshotPath = options.out .. "/oneshot.png"
plot.lines(oneshotPath, curves, {title = "3-way one-shot accuracy on held-out classes, per round",
  xlabel = "round", ylabel = "accuracy"})

-- Summary ------------------------------------------------------------------------
local lines = {
  "| | value |", "| --- | --- |",
  ("| test accuracy (7 classes) | %.3f |"):format(metrics.test.accuracy),
  ("| test top-2 | %.3f |"):format(metrics.test.top2),
}
for _, name in ipairs(layers) do lines[#lines + 1] = ("| mAP %s | %.3f |"):format(name, mAP[name]) end
lines[#lines + 1] = ("| mAP chance | %.3f |"):format(chance)
for _, name in ipairs{"random", "hardest"} do
  local r = oneshot3[name]
  lines[#lines + 1] = ("| 3-way one-shot, %s triplets | %.3f ± %.3f |"):format(name, r.accuracy, r.stderr)
end
-- Which mining won, and by how many standard errors of the difference.
local random, hardest = oneshot3.random, oneshot3.hardest
local gap = hardest.accuracy - random.accuracy
local spread = math.sqrt(random.stderr ^ 2 + hardest.stderr ^ 2)
local verdict = math.abs(gap) < 2 * spread
  and ("no clear winner: hardest - random = %+.3f, %.1f standard errors"):format(gap, gap / spread)
  or ("%s mining won by %.3f (%.1f standard errors)"):format(gap > 0 and "hardest" or "random", math.abs(gap), math.abs(gap) / spread)
local summary = table.concat(lines, "\n")
print("\n" .. summary)
print(("\none-shot: %s; best retrieval layer: %s (mAP %.3f against chance %.3f)."):format(verdict, best, mAP[best], chance))
print(("wrote %s, %s, %s, %s and %s/results.md in %.0f s"):format(modelPath, figurePath, curvesPath, oneshotPath,
  options.out, sys.clock() - started))
-- Written beside and renamed, so results.md is whole or absent.
local file = assert(io.open(options.out .. "/results.md.tmp", "w"))
file:write("# lunet quickstart\n\n", summary, "\n\nOne-shot: ", verdict, ".\n")
file:close()
assert(os.rename(options.out .. "/results.md.tmp", options.out .. "/results.md"))
