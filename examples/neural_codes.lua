-- Question 1 of the assignment: neural codes for image retrieval (Babenko et
-- al., ECCV 2014) on Tiny ImageNet, end to end.
--
--   lunet examples/neural_codes.lua [tiny-imagenet-200 folder or zip] [options]
--
--   --classes N    use the first N classes in sorted wnid order (default: all, 200)
--   --ood M        the last M of them are out-of-domain (default 10)
--   --per-class P  at most P training images per class (default: all, 500)
--   --epochs E     at most E epochs (default 100), early stopping on validation loss
--   --out DIR      where the figures and results.md go (default neural_codes_out)
--
-- The assignment's first question: classes 1-190 train a modified AlexNet (models.babenko), seeded
-- shuffle, 80/10/10 split, pixels in [0, 1], Adam lr 1e-4 with AMSGrad, batch
-- 100, early stopping as soon as the validation loss goes up; then the
-- train/validation/test metrics; then retrieval on the 10 out-of-domain
-- classes with L2-normalised (cosine) codes from code5 (the flattened last
-- pooling layer), fc6 and fc7 (before their ReLU): figures of the first 10
-- queries and their 5 nearest images, and mAP over the whole ood set (each
-- image a query against all the others) next to chance (the mAP of random
-- codes on the same labels). The options scale the run down; the code path
-- stays the same.

local models = require("lunet.models")

-- Command line ------------------------------------------------------------

local options = lunet.arguments(arg, {
  usage = "lunet examples/neural_codes.lua [tiny-imagenet-200 folder or zip] [options]",
  positional = {{"path", "tiny-imagenet-200", "the official Tiny ImageNet folder or zip"}},
  classes = {0, "use the first N classes in sorted wnid order (0: all)"},
  ood = {10, "the last M of them are out-of-domain"},
  ["per-class"] = {0, "at most P training images per class (0: all)"},
  epochs = {100, "at most E epochs, early stopping on validation loss"},
  out = {"neural_codes_out", "where the figures and results.md go"},
})
for _, name in ipairs{"classes", "ood", "per-class", "epochs"} do
  if options[name] < 0 or (options[name] == 0 and (name == "ood" or name == "epochs")) then
    error(("--%s expects a positive integer, got %d"):format(name, options[name]), 0)
  end
end
options.classes = options.classes > 0 and options.classes or nil
options.perClass = options["per-class"] > 0 and options["per-class"] or nil
os.execute("mkdir -p '" .. options.out .. "'")

-- Data ----------------------------------------------------------------------

local all = data.tinyimagenet(options.path)
local classCount = options.classes or all:classCount()
if classCount > all:classCount() then
  error(("--classes %d: the dataset has %d classes"):format(classCount, all:classCount()), 0)
end
if options.ood >= classCount then
  error(("--ood %d must leave in-domain classes out of %d"):format(options.ood, classCount), 0)
end
local chosen = {}
for c = 1, classCount do chosen[c] = c end
local selected = all:classes(chosen)
if options.perClass then selected = selected:perClass(options.perClass) end
local indomain, ood = selected:splitClasses{last = options.ood}
local trainSet, validation, test = indomain:shuffle{seed = 42}:split{0.8, 0.1, 0.1}
print(("in-domain %s: train %d, validation %d, test %d; out-of-domain %s"):format(
  tostring(indomain), #trainSet, #validation, #test, tostring(ood)))

-- Task 1.1 and 1.2: the ConvNet, trained with early stopping ------------------

local net = models.babenko{classes = indomain:classCount(), seed = 1}
local history = train.fit(net, trainSet, {
  loss = nn.CrossEntropy(),
  optimizer = optim.Adam(net, {lr = 1e-4, amsgrad = true}),
  batch = 100, epochs = options.epochs, seed = 1, shuffle = true,
  validation = validation, metrics = {"accuracy", "top5"},
  earlyStopping = {monitor = "val_loss", patience = 0},
})

local seconds = 0
for _, row in ipairs(history.epochs) do seconds = seconds + row.seconds end
local epochSeconds = seconds / math.max(#history.epochs, 1)
print(("stopped after %d epoch(s) (%s), %.1f s per epoch"):format(#history.epochs, history.stopReason, epochSeconds))
plot.history(history, options.out .. "/training.png", {title = "loss, accuracy and top-5 per epoch, training and validation"})

local metrics = {}
for _, part in ipairs{{"train", trainSet}, {"validation", validation}, {"test", test}} do
  metrics[#metrics + 1] = {part[1], train.evaluate(net, part[2], {batch = 100, metrics = {"accuracy", "top5"}})}
end

-- Task 1.3: retrieval on the out-of-domain classes --------------------------

local layers = {"code5", "fc6", "fc7"}
local codes = retrieval.codes(net, ood, layers, {batch = 100})
local queries = math.min(10, #ood)
local mAPs = {}
for _, layer in ipairs(layers) do
  local result = retrieval.search(codes[layer], {queries = queries, k = 5, metric = "cosine"})
  retrieval.figure(ood, result, options.out .. "/" .. layer .. ".png", {classNames = true})
  mAPs[layer] = retrieval.mAP(codes[layer], ood.labels, {metric = "cosine"})
end
local chance = retrieval.mAP(tensor.randn({#ood, 64}, {seed = 7}), ood.labels)

-- Results -------------------------------------------------------------------

local lines = {
  "# Neural codes on Tiny ImageNet (lunet)",
  "",
  ("%d in-domain classes (train %d, validation %d, test %d images), %d out-of-domain classes (%d images); " ..
   "stopped after %d epoch(s) (%s), %.1f s per epoch."):format(indomain:classCount(), #trainSet, #validation, #test,
    ood:classCount(), #ood, #history.epochs, history.stopReason, epochSeconds),
  "",
  "| set | cross-entropy | accuracy | top-5 accuracy |",
  "|---|---|---|---|",
}
for _, row in ipairs(metrics) do
  lines[#lines + 1] = ("| %s | %.4f | %.4f | %.4f |"):format(row[1], row[2].loss, row[2].accuracy, row[2].top5)
end
lines[#lines + 1] = ""
lines[#lines + 1] = "| codes | mAP (cosine, every ood image a query) | figure |"
lines[#lines + 1] = "|---|---|---|"
for _, layer in ipairs(layers) do
  lines[#lines + 1] = ("| %s | %.4f | %s.png |"):format(layer, mAPs[layer], layer)
end
lines[#lines + 1] = ("| chance (random codes) | %.4f | |"):format(chance)
local text = table.concat(lines, "\n") .. "\n"
print(text)

local file = assert(io.open(options.out .. "/results.md.tmp", "w"))
file:write(text)
file:close()
assert(os.rename(options.out .. "/results.md.tmp", options.out .. "/results.md"))
print("figures, training.png and results.md written to " .. options.out)
