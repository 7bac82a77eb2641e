-- Local rules give the global rule. Each layer knows only its own forward
-- (z_l = f_l(z_{l-1})) and backward (dC/dz_{l-1} = dC/dz_l * dz_l/dz_{l-1});
-- chaining them backwards is back-propagation. We check every layer's local
-- rule, and the whole chain, against finite differences.
require 'nn'

torch.manualSeed(11)

local layers = {nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.Sigmoid()}
local criterion = nn.MSECriterion()
local x = torch.randn(3)
local target = torch.Tensor{0, 1}

-- Forward, layer by layer: z[0] = x, z[l] = layer_l(z[l-1]).
local z = {[0] = x}
for l = 1, #layers do
  z[l] = layers[l]:forward(z[l - 1]):clone()
end
local C = criterion:forward(z[#layers], target)
print(string.format('loss C = %.8f', C))

-- Numerical derivative of a scalar function g at point p, one coordinate at a time.
local function numericalGradient(g, p)
  local eps = 1e-6
  local grad = p:clone():zero()
  for i = 1, p:nElement() do
    local old = p[i]
    p[i] = old + eps; local gp = g(p)
    p[i] = old - eps; local gm = g(p)
    p[i] = old
    grad[i] = (gp - gm) / (2 * eps)
  end
  return grad
end

-- Backward, layer by layer, from dC/dz_L down to dC/dx.
local delta = criterion:backward(z[#layers], target):clone()
for l = #layers, 1, -1 do
  -- the loss as a function of this layer's input, through the layers above it
  local function lossFromInput(input)
    local h = input
    for k = l, #layers do h = layers[k]:forward(h) end
    return criterion:forward(h, target)
  end
  local numeric = numericalGradient(lossFromInput, z[l - 1]:clone())
  -- the layers above may have been re-run by the check: restore their state
  for k = l, #layers do layers[k]:forward(z[k - 1]) end
  delta = layers[l]:backward(z[l - 1], delta):clone()
  print(string.format('layer %d %-12s |dC/dz| = %.8f  max error vs numeric = %.1e',
    l, torch.type(layers[l]), delta:norm(), (delta - numeric):abs():max()))
end

-- The same chain in one container call gives the same gradient.
local net = nn.Sequential()
for _, layer in ipairs(layers) do net:add(layer) end
local out = net:forward(x)
local gradInput = net:backward(x, criterion:backward(out, target))
print(string.format('container dC/dx equals the chained one: %s',
  tostring((gradInput - delta):abs():max() < 1e-12)))
