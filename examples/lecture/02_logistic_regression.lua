-- Logistic regression that learns: two classes of points drawn from two
-- Gaussian blobs, a Linear layer with LogSoftMax, the negative log-likelihood
-- criterion, and optim.sgd on the whole data set.
--
-- Run with a file name to also log the loss per epoch to that file and plot
-- the loss curve beside it (NAME.png), as optim.Logger does:
--   th 02_logistic_regression.lua loss.log
require 'nn'
require 'optim'

torch.manualSeed(2024)

-- Synthetic data: class 1 around (1, 1), class 2 around (-1, -1).
local n = 100
local X = torch.randn(2 * n, 2)
local Y = torch.Tensor(2 * n)
X:narrow(1, 1, n):add(1)
X:narrow(1, n + 1, n):add(-1)
Y:narrow(1, 1, n):fill(1)
Y:narrow(1, n + 1, n):fill(2)

local model = nn.Sequential()
model:add(nn.Linear(2, 2))
model:add(nn.LogSoftMax())
local criterion = nn.ClassNLLCriterion()

-- One flat view of all parameters and of all gradients, as optim expects.
local params, gradParams = model:getParameters()

local function feval(p)
  if p ~= params then params:copy(p) end
  gradParams:zero()
  local out = model:forward(X)
  local loss = criterion:forward(out, Y)
  model:backward(X, criterion:backward(out, Y))
  return loss, gradParams
end

local function accuracy()
  local _, predicted = torch.max(model:forward(X), 2)
  return predicted:double():squeeze():eq(Y):sum() / (2 * n)
end

print(string.format('before training: accuracy %.3f', accuracy()))

local logger = arg[1] and optim.Logger(arg[1])
if logger then logger:setNames{'loss'} end
local state = {learningRate = 0.5}
for epoch = 1, 50 do
  local _, fs = optim.sgd(feval, params, state)
  if logger then logger:add{fs[1]} end
  if epoch % 10 == 0 then
    print(string.format('epoch %2d  loss %.6f', epoch, fs[1]))
  end
end

print(string.format('after training:  accuracy %.3f', accuracy()))
print('learned weight', model:get(1).weight)

if logger then
  logger:style{'-'}
  logger:plot()
end
