-- Quickstart: a small ConvNet learns Fashion-MNIST (Debian's
-- dataset-fashion-mnist package), then is saved, reloaded and checked.
--
--   lunet examples/quickstart.lua [imagesPerClass=2000] [epochs=3]
--
-- With the defaults it trains on 20,000 images for 3 epochs (about 30 s on
-- two cores, release build) and reaches about 88% test accuracy on 2,000
-- test images.

local perClass = tonumber(arg and arg[1]) or 2000
local epochs = tonumber(arg and arg[2]) or 3

local train = data.fashionmnist{split = "train"}:perClass(perClass)
local test = data.fashionmnist{split = "test"}:perClass(200)
print(("training on %s, testing on %s"):format(tostring(train), tostring(test)))

local net = nn.Sequential{
  nn.Conv2d(1, 16, 5, {padding = "same", seed = 1}):named("conv1"), nn.MaxPool2d(2), nn.ReLU(),
  nn.Conv2d(16, 32, 5, {padding = "same", seed = 2}):named("conv2"), nn.MaxPool2d(2), nn.ReLU(),
  nn.Flatten(),
  nn.Dropout(0.25, {seed = 3}),
  nn.Linear(32 * 7 * 7, 128, {seed = 4}):named("code"), nn.ReLU(),
  nn.Linear(128, 10, {seed = 5}):named("logits"),
}
net:summary({1, 28, 28})

local criterion = nn.CrossEntropy()
local optimizer = optim.Adam(net, {lr = 1e-3})

-- Fraction of correct predictions and mean loss over a dataset, in evaluation mode.
local function evaluate(ds)
  net:evaluate()
  local correct, lossSum, batches = 0, 0, 0
  for x, y in ds:batches(500) do
    local logits = net:forward(x)
    lossSum = lossSum + criterion:forward(logits, y)
    batches = batches + 1
    local predicted, labels = logits:argmax(2):totable(), y:totable()
    for i = 1, #labels do
      if predicted[i] == labels[i] then correct = correct + 1 end
    end
  end
  return correct / #ds, lossSum / batches
end

for epoch = 1, epochs do
  net:train()
  local started, lossSum, steps = sys.clock(), 0, 0
  for x, y in train:batches(100, {shuffle = true, seed = epoch}) do
    optimizer:zeroGrad()
    local logits = net:forward(x)
    lossSum = lossSum + criterion:forward(logits, y)
    net:backward(x, criterion:backward(logits, y))
    optimizer:step()
    steps = steps + 1
  end
  local accuracy, testLoss = evaluate(test)
  print(("epoch %d  train loss %.4f  test loss %.4f  test accuracy %.3f  (%.1f s)"):format(
    epoch, lossSum / steps, testLoss, accuracy, sys.clock() - started))
end

-- The model file holds weights and architecture; the reloaded model computes
-- exactly the same outputs.
local path = os.tmpname()
nn.save(net, path)
local reloaded = nn.load(path):evaluate()
local x = test:batches(8)()
net:evaluate()
print("saved to " .. path .. "; reloaded model gives identical outputs: " ..
  tostring(reloaded:forward(x):equal(net:forward(x))))
os.remove(path)
