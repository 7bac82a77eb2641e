-- a typical train.lua: options, minibatches from a shuffled index, optim.sgd over
-- getParameters(), a ConfusionMatrix per epoch, xlua.progress, float models.
require 'nn'
require 'optim'
require 'xlua'

local cmd = torch.CmdLine()
cmd:text('MLP on synthetic blobs')
cmd:option('-seed', 1, 'random seed')
cmd:option('-batchSize', 10, 'mini-batch size')
cmd:option('-epochs', 4, 'number of epochs')
cmd:option('-learningRate', 0.1, 'learning rate')
cmd:option('-momentum', 0.9, 'momentum')
cmd:option('-type', 'double', 'double | float')
cmd:option('-progress', false, 'show a progress bar')
local opt = cmd:parse(arg or {})
torch.manualSeed(opt.seed)
torch.setnumthreads(1)

if opt.type == 'float' then
  torch.setdefaulttensortype('torch.FloatTensor')
end

-- three Gaussian blobs in 2-D
local classes = {'red', 'green', 'blue'}
local centres = torch.Tensor{{0, 2}, {2, -1}, {-2, -1}}
local nPerClass = 40
local N = nPerClass * #classes
local inputs = torch.Tensor(N, 2)
local targets = torch.LongTensor(N)
for c = 1, #classes do
  for k = 1, nPerClass do
    local i = (c - 1) * nPerClass + k
    inputs[i]:copy(centres[c] + torch.randn(2) * 0.7)
    targets[i] = c
  end
end
print('data', inputs:size(1), 'x', inputs:size(2), torch.type(inputs), torch.type(targets))

local model = nn.Sequential()
model:add(nn.Linear(2, 16))
model:add(nn.Tanh())
model:add(nn.Dropout(0.1))
model:add(nn.Linear(16, #classes))
model:add(nn.LogSoftMax())
local criterion = nn.ClassNLLCriterion()
if opt.type == 'float' then model:float(); criterion:float() end

local parameters, gradParameters = model:getParameters()
print('parameters', parameters:nElement(), torch.type(parameters))

local confusion = optim.ConfusionMatrix(classes)
local sgdState = {learningRate = opt.learningRate, momentum = opt.momentum,
                  weightDecay = 1e-4, learningRateDecay = 1e-3}

local function train(epoch)
  model:training()
  local shuffle = torch.randperm(N)
  local total = 0
  for t = 1, N, opt.batchSize do
    if opt.progress then xlua.progress(t, N) end
    local bs = math.min(opt.batchSize, N - t + 1)
    local batchInputs = torch.Tensor(bs, 2)
    local batchTargets = torch.LongTensor(bs)
    for k = 1, bs do
      local idx = shuffle[t + k - 1]
      batchInputs[k] = inputs[idx]
      batchTargets[k] = targets[idx]
    end
    local feval = function(x)
      if x ~= parameters then parameters:copy(x) end
      gradParameters:zero()
      local outputs = model:forward(batchInputs)
      local f = criterion:forward(outputs, batchTargets)
      model:backward(batchInputs, criterion:backward(outputs, batchTargets))
      for k = 1, bs do confusion:add(outputs[k], batchTargets[k]) end
      return f, gradParameters
    end
    local _, fs = optim.sgd(feval, parameters, sgdState)
    total = total + fs[1] * bs
  end
  confusion:updateValids()
  local acc = confusion.totalValid
  print(string.format('epoch %d: mean loss %.4f', epoch, total / N))
  confusion:zero()
  return total / N, acc
end

local losses, accs = {}, {}
for epoch = 1, opt.epochs do
  losses[epoch], accs[epoch] = train(epoch)
end
print('loss fell', losses[#losses] < losses[1])
print('final train accuracy above 0.8', accs[#accs] > 0.8)

-- evaluate in evaluate() mode (dropout off) and print a confusion matrix
model:evaluate()
local test = optim.ConfusionMatrix(classes)
local out = model:forward(inputs)
test:batchAdd(out, targets)
print(test)
local o1 = model:forward(inputs):clone()
local o2 = model:forward(inputs)
print('deterministic in evaluate mode', o1:equal(o2))
print('state step count', sgdState.evalCounter)
