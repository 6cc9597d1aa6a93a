-- Model builders for the two reference architectures of the course's
-- assignment: Babenko et al.'s ConvNet for neural codes (Q1) and the
-- Koch-style embedding network for triplet one-shot learning (Q2).
--
--   local models = require("lunet.models")
--   local net = models.babenko{classes = 190}
--   local embed = models.koch{embedding = 4096}
local lunet = require("lunet")

local models = {}

-- Draws one seed per layer from a base seed, so a seeded model is reproducible
-- and its layers still get different weights; nil leaves the global stream.
local function seeder(seed)
  local next = 0
  return function()
    if seed == nil then return nil end
    next = next + 1
    return seed + next
  end
end

-- Spatial size after a 3x3/2 max pool with 'same' padding: ceil(n / 2).
local function pooled(n) return (n + 1) // 2 end

--- Babenko et al.'s ConvNet with the assignment's changes (4x4 first kernel,
--- stride 1, 2048-unit fc6/fc7, dropout 0.5 before both).
function models.babenko(options)
  options = lunet.checkOptions(options, "models.babenko", {classes = "positive integer", channels = "positive integer",
    size = "positive integer", seed = "integer", l2 = "non-negative number"})
  local classes = options.classes or 190
  local channels = options.channels or 3
  local size = options.size or 64
  local l2 = options.l2 or 0
  local seed = seeder(options.seed)
  local function conv(input, output, kernel)
    return nn.Conv2d(input, output, kernel, {padding = "same", seed = seed(), l2 = l2})
  end
  local function pool() return nn.MaxPool2d(3, {stride = 2, padding = "same"}) end
  local final = pooled(pooled(pooled(size)))
  local codeSize = 256 * final * final
  return nn.Sequential{
    conv(channels, 96, 4):named("conv1"), pool(), nn.ReLU(),
    conv(96, 192, 5):named("conv2"), pool(), nn.ReLU(),
    conv(192, 288, 3):named("conv3"), nn.ReLU(),
    conv(288, 288, 3):named("conv4"), nn.ReLU(),
    conv(288, 256, 3):named("conv5"), pool(), nn.ReLU(),
    nn.Flatten():named("code5"),
    nn.Dropout(0.5, {seed = seed()}), nn.Linear(codeSize, 2048, {seed = seed(), l2 = l2}):named("fc6"), nn.ReLU(),
    nn.Dropout(0.5, {seed = seed()}), nn.Linear(2048, 2048, {seed = seed(), l2 = l2}):named("fc7"), nn.ReLU(),
    nn.Linear(2048, classes, {seed = seed(), l2 = l2}):named("fc8"),
  }
end
lunet.document(models.babenko, "models.babenko{classes = 190, channels = 3, size = 64, seed = nil, l2 = 0}",
  "Babenko et al.'s ConvNet for size x size images (Q1): five 'same' convolutions (96@4, 192@5, 288@3, 288@3, 256@3) " ..
  "with 3/2 max pools after 1, 2 and 5, then flatten 'code5', dropout .5, fc6 2048, dropout .5, fc7 2048, fc8 classes " ..
  "(logits). Codes: net:outputs(x, {'code5', 'fc6', 'fc7'}) (fc6/fc7 before their ReLU). l2 sets a Keras L2 penalty on every weight.")

--- The Koch et al. style embedding network for 1x105x105 Omniglot images (Q2).
function models.koch(options)
  options = lunet.checkOptions(options, "models.koch", {embedding = "positive integer", channels = "positive integer",
    size = "positive integer", seed = "integer", l2 = "non-negative number", denseL2 = "non-negative number", dropout = "probability"})
  local embedding = options.embedding or 4096
  local channels = options.channels or 1
  local size = options.size or 105
  local l2 = options.l2 or 0
  local seed = seeder(options.seed)
  local layers = {}
  local function add(layer) layers[#layers + 1] = layer end
  -- {output channels, kernel, pooled afterwards}; valid convolutions as in Koch et al.
  local plan = {{64, 10, true}, {128, 7, true}, {128, 4, true}, {256, 4, false}}
  local input = channels
  for i, step in ipairs(plan) do
    local output, kernel, pool = step[1], step[2], step[3]
    add(nn.Conv2d(input, output, kernel, {seed = seed(), l2 = l2}):named("conv" .. i))
    add(nn.BatchNorm2d(output):named("bn" .. i))
    add(nn.ReLU())
    size = size - kernel + 1
    if pool then
      add(nn.MaxPool2d(2))
      size = size // 2
    end
    input = output
  end
  if size < 1 then error("models.koch: images of size " .. tostring(options.size) .. " are too small for the convolutions", 2) end
  add(nn.Flatten())
  add(nn.Dropout(options.dropout or 0.25, {seed = seed()}))
  add(nn.Linear(input * size * size, embedding, {seed = seed(), l2 = options.denseL2 or 0}):named("fc"))
  add(nn.Sigmoid():named("embedding"))
  return nn.Sequential(layers)
end
lunet.document(models.koch, "models.koch{embedding = 4096, channels = 1, size = 105, seed = nil, l2 = 0, denseL2 = 0, dropout = 0.25}",
  "Koch et al.'s network as an embedding (Q2): valid convolutions 64@10, 128@7, 128@4, 256@4, each followed by BatchNorm " ..
  "and ReLU, with 2x2 max pools after the first three; flatten, dropout, Linear 'fc' to embedding units, Sigmoid 'embedding'. " ..
  "l2 and denseL2 set Keras L2 penalties on the convolution and dense weights (Koch's code uses 2e-4 and 1e-3).")

return models
