-- 60-minute-blitz style: tensors, a small convnet, a dataset table and StochasticGradient
require 'nn'
torch.manualSeed(1234)

-- tensors
local a = torch.Tensor(5, 3):zero()
a:fill(2)
local b = torch.rand(5, 3)
local c = torch.add(a, b)
print('sum matches', math.abs(c:sum() - (a:sum() + b:sum())) < 1e-10)
local m = torch.mm(a, b:t())
print('mm size', m:size(1), m:size(2))
print(torch.Tensor({{1, 2}, {3, 4}}))
local x = torch.range(1, 6):view(2, 3)
print(x)
print(x:select(1, 2))
print(x[{{}, 2}])
x[{1, 3}] = 10
print(x:max(), x:min())

-- a LeNet-like net for 1x16x16 inputs
local net = nn.Sequential()
net:add(nn.SpatialConvolution(1, 4, 5, 5))   -- 1x16x16 -> 4x12x12
net:add(nn.ReLU())
net:add(nn.SpatialMaxPooling(2, 2, 2, 2))      -- 4x6x6
net:add(nn.SpatialConvolution(4, 8, 3, 3))   -- 8x4x4
net:add(nn.Tanh())
net:add(nn.View(8 * 4 * 4))
net:add(nn.Linear(8 * 4 * 4, 20))
net:add(nn.ReLU())
net:add(nn.Linear(20, 2))
net:add(nn.LogSoftMax())
print(net)

local input = torch.rand(1, 16, 16)
local output = net:forward(input)
print('output dim', output:dim(), output:size(1))
net:zeroGradParameters()
local gradIn = net:backward(input, torch.rand(2))
print('gradInput size', gradIn:size(1), gradIn:size(2), gradIn:size(3))

-- synthetic two-class data: class 2 has a bright square in the corner
local N = 40
local trainset = {data = torch.Tensor(N, 1, 16, 16), label = torch.Tensor(N)}
for i = 1, N do
  local img = torch.randn(1, 16, 16):mul(0.3)
  local cls = (i % 2) + 1
  if cls == 2 then img[{1, {1, 6}, {1, 6}}]:add(1.5) end
  trainset.data[i] = img
  trainset.label[i] = cls
end
setmetatable(trainset, {__index = function(t, i) return {t.data[i], t.label[i]} end})
function trainset:size() return self.data:size(1) end

-- normalise per channel, as in the tutorial
local mean = trainset.data[{{}, {1}, {}, {}}]:mean()
local std = trainset.data[{{}, {1}, {}, {}}]:std()
trainset.data[{{}, {1}, {}, {}}]:add(-mean):div(std)
print('normalised mean ~0', math.abs(trainset.data:mean()) < 1e-8)

local criterion = nn.ClassNLLCriterion()
local function avgloss()
  local l = 0
  for i = 1, trainset:size() do
    l = l + criterion:forward(net:forward(trainset[i][1]), trainset[i][2])
  end
  return l / trainset:size()
end
local before = avgloss()
local trainer = nn.StochasticGradient(net, criterion)
trainer.learningRate = 0.01
trainer.maxIteration = 3
trainer.verbose = false
trainer:train(trainset)
local after = avgloss()
print(string.format('loss before %.4f after %.4f', before, after))
print('loss fell', after < before)

local correct = 0
for i = 1, N do
  local pred = net:forward(trainset.data[i])
  local _, idx = torch.max(pred, 1)
  if idx[1] == trainset.label[i] then correct = correct + 1 end
end
print('accuracy', correct / N)
