-- the classic "linear regression" demo: a table of rows, nn.Linear + MSECriterion,
-- trained first with optim.sgd over random samples, then with optim.lbfgs on the full batch.
require 'nn'
require 'optim'
torch.manualSeed(17)

-- synthetic harvest: yield = 40 + 0.5 * fertilizer - 0.25 * insecticide (+ noise)
local data = torch.Tensor(16, 3)
for i = 1, data:size(1) do
  local fert = torch.uniform(0, 10)
  local insect = torch.uniform(0, 10)
  data[i][2] = fert
  data[i][3] = insect
  data[i][1] = 40 + 0.5 * fert - 0.25 * insect + torch.normal(0, 0.05)
end

local model = nn.Sequential()
model:add(nn.Linear(2, 1))
local criterion = nn.MSECriterion()
local x, dl_dx = model:getParameters()

local sample = 0
local function feval(x_new)
  if x ~= x_new then x:copy(x_new) end
  sample = sample + 1
  if sample > data:size(1) then sample = 1 end
  local row = data[sample]
  local target = row[{{1}}]
  local inputs = row[{{2, 3}}]
  dl_dx:zero()
  local loss = criterion:forward(model:forward(inputs), target)
  model:backward(inputs, criterion:backward(model.output, target))
  return loss, dl_dx
end

local sgd_params = {learningRate = 1e-2, learningRateDecay = 1e-4, weightDecay = 0, momentum = 0}
local function epoch_loss()
  local total = 0
  for i = 1, data:size(1) do
    total = total + criterion:forward(model:forward(data[i][{{2, 3}}]), data[i][{{1}}])
  end
  return total / data:size(1)
end
local start_loss = epoch_loss()
for epoch = 1, 200 do
  for i = 1, data:size(1) do optim.sgd(feval, x, sgd_params) end
end
local sgd_loss = epoch_loss()
print(string.format('sgd: %.4f -> %.4f', start_loss, sgd_loss))
print('sgd improved', sgd_loss < start_loss)

-- full-batch L-BFGS from a fresh start
model:reset()
local inputs = data[{{}, {2, 3}}]
local targets = data[{{}, {1}}]
local function feval_batch(x_new)
  if x ~= x_new then x:copy(x_new) end
  dl_dx:zero()
  local loss = criterion:forward(model:forward(inputs), targets)
  model:backward(inputs, criterion:backward(model.output, targets))
  return loss, dl_dx
end
local lbfgs_state = {maxIter = 100, lineSearch = optim.lswolfe}
local _, fs = optim.lbfgs(feval_batch, x, lbfgs_state)
print(string.format('lbfgs: %.4f -> %.6f in %d evaluations', fs[1], fs[#fs], lbfgs_state.funcEval))
print('lbfgs fits the noise level', fs[#fs] < 0.01)
local w = model:get(1).weight
local b = model:get(1).bias
print(string.format('learned: %.2f + %.2f * fertilizer + %.2f * insecticide', b[1], w[1][1], w[1][2]))

print('id  truth  prediction')
for i = 1, 4 do
  local pred = model:forward(data[i][{{2, 3}}])
  print(string.format('%2d  %6.2f  %6.2f', i, data[i][1], pred[1]))
end
