-- Mini-batch training: the data set is shuffled every epoch and cut into
-- batches; each batch makes one optim.adam step. A confusion matrix reports
-- per-class accuracy on the training data at the end.
require 'nn'
require 'optim'

torch.manualSeed(17)

-- Three classes of 2-D points around three centres.
local perClass, nClasses = 60, 3
local centres = torch.Tensor{{0, 2}, {-2, -1}, {2, -1}}
local N = perClass * nClasses
local X = torch.randn(N, 2)
local Y = torch.Tensor(N)
for c = 1, nClasses do
  local rows = X:narrow(1, (c - 1) * perClass + 1, perClass)
  rows:add(centres[c]:view(1, 2):expandAs(rows))
  Y:narrow(1, (c - 1) * perClass + 1, perClass):fill(c)
end

local model = nn.Sequential()
model:add(nn.Linear(2, 10)):add(nn.ReLU())
model:add(nn.Linear(10, nClasses)):add(nn.LogSoftMax())
local criterion = nn.ClassNLLCriterion()
local params, grads = model:getParameters()
local state = {learningRate = 0.02}

local batchSize = 20
for epoch = 1, 10 do
  local order = torch.randperm(N):long()
  local total = 0
  for first = 1, N, batchSize do
    local idx = order:narrow(1, first, math.min(batchSize, N - first + 1))
    local inputs, targets = X:index(1, idx), Y:index(1, idx)
    local _, fs = optim.adam(function(p)
      grads:zero()
      local out = model:forward(inputs)
      local loss = criterion:forward(out, targets)
      model:backward(inputs, criterion:backward(out, targets))
      return loss, grads
    end, params, state)
    total = total + fs[1] * idx:size(1)
  end
  print(string.format('epoch %2d  mean loss %.6f  (%d adam steps so far)', epoch, total / N, state.t))
end

local confusion = optim.ConfusionMatrix({'top', 'left', 'right'})
confusion:batchAdd(model:forward(X), Y)
print(confusion)
