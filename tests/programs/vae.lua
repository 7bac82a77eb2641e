-- a variational autoencoder in the style of the popular torch-vae repositories: an nngraph
-- encoder with two heads, a Sampler module and a KLD criterion written as torch.class.
require 'nn'
require 'nngraph'
require 'optim'
torch.manualSeed(31)

local Sampler, sparent = torch.class('nn.Sampler', 'nn.Module')
function Sampler:__init()
  sparent.__init(self)
  self.gradInput = {}
end
function Sampler:updateOutput(input)
  local mean, log_var = input[1], input[2]
  self.eps = self.eps or mean:new()
  self.eps:resizeAs(log_var):copy(torch.randn(log_var:size()))
  self.output = self.output or mean:new()
  self.output:resizeAs(log_var):copy(log_var):mul(0.5):exp():cmul(self.eps)
  self.output:add(mean)
  return self.output
end
function Sampler:updateGradInput(input, gradOutput)
  self.gradInput[1] = self.gradInput[1] or input[1]:new()
  self.gradInput[1]:resizeAs(gradOutput):copy(gradOutput)
  self.gradInput[2] = self.gradInput[2] or input[2]:new()
  self.gradInput[2]:resizeAs(gradOutput):copy(input[2]):mul(0.5):exp():mul(0.5):cmul(self.eps)
  self.gradInput[2]:cmul(gradOutput)
  return self.gradInput
end

local KLD, kparent = torch.class('nn.KLDCriterion', 'nn.Criterion')
function KLD:updateOutput(mean, log_var)
  -- 0.5 * sum(mean^2 + exp(log_var) - log_var - 1)
  local t = torch.pow(mean, 2):add(torch.exp(log_var)):add(-1, log_var):add(-1)
  self.output = 0.5 * t:sum()
  return self.output
end
function KLD:updateGradInput(mean, log_var)
  self.gradInput = {mean:clone(), torch.exp(log_var):mul(0.5):add(-0.5)}
  return self.gradInput
end

local n_in, n_hidden, n_latent = 12, 10, 2
local x = nn.Identity()()
local h = nn.ReLU(true)(nn.Linear(n_in, n_hidden)(x))
local mean = nn.Linear(n_hidden, n_latent)(h)
local log_var = nn.Linear(n_hidden, n_latent)(h)
local encoder = nn.gModule({x}, {mean, log_var})

local decoder = nn.Sequential()
decoder:add(nn.Linear(n_latent, n_hidden)):add(nn.ReLU(true))
decoder:add(nn.Linear(n_hidden, n_in)):add(nn.Sigmoid())

local input = nn.Identity()()
local enc = encoder(input)
local mu, lv = enc:split(2)
local z = nn.Sampler()({mu, lv})
local recon = decoder(z)
local model = nn.gModule({input}, {recon, mu, lv})
print(torch.type(model), torch.type(model:get(1)))

-- binary data: two prototypes with flipped bits
local protos = {torch.Tensor(n_in):bernoulli(0.5), torch.Tensor(n_in):bernoulli(0.5)}
local N = 40
local data = torch.Tensor(N, n_in)
for i = 1, N do
  data[i]:copy(protos[(i % 2) + 1])
  local flip = torch.random(1, n_in)
  data[i][flip] = 1 - data[i][flip]
end

local bce = nn.BCECriterion()
bce.sizeAverage = false
local kld = nn.KLDCriterion()
print(torch.type(kld), torch.isTypeOf(kld, 'nn.Criterion'))

-- the hand-written KLD gradient agrees with finite differences
local m0, v0 = torch.randn(3, 2), torch.randn(3, 2)
local g = kld:updateGradInput(m0, v0)
local eps, worst = 1e-6, 0
for _, pair in ipairs({{m0, g[1]}, {v0, g[2]}}) do
  local t, gt = pair[1], pair[2]
  for i = 1, t:nElement() do
    local flat = t:view(-1)
    local orig = flat[i]
    flat[i] = orig + eps; local fp = kld:updateOutput(m0, v0)
    flat[i] = orig - eps; local fm = kld:updateOutput(m0, v0)
    flat[i] = orig
    worst = math.max(worst, math.abs((fp - fm) / (2 * eps) - gt:view(-1)[i]))
  end
end
print('KLD gradient check', worst < 1e-6)

local params, grads = model:getParameters()
print('parameters', params:nElement())
local state = {learningRate = 0.01}
local history = {}
for epoch = 1, 30 do
  local function feval(p)
    grads:zero()
    local out = model:forward(data)
    local rec = bce:forward(out[1], data)
    local kl = kld:forward(out[2], out[3])
    local drec = bce:backward(out[1], data)
    local dkl = kld:backward(out[2], out[3])
    model:backward(data, {drec, dkl[1], dkl[2]})
    return (rec + kl) / N, grads:div(N)
  end
  local _, l = optim.adam(feval, params, state)
  history[epoch] = l[1]
end
print(string.format('lower bound loss %.3f -> %.3f', history[1], history[#history]))
print('loss fell', history[#history] < history[1])
local out = model:forward(data)
print('reconstruction in (0,1)', out[1]:min() > 0 and out[1]:max() < 1)
print('latent size', out[2]:size(1), out[2]:size(2))
