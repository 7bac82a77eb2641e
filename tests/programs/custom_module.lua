-- torch.class modules written in Lua, checked with nn.Jacobian
require 'nn'
torch.manualSeed(42)

-- a parameter-free module
local Square, parent = torch.class('nn.MySquare', 'nn.Module')
function Square:__init()
  parent.__init(self)
end
function Square:updateOutput(input)
  self.output:resizeAs(input):copy(input):cmul(input)
  return self.output
end
function Square:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):copy(input):mul(2):cmul(gradOutput)
  return self.gradInput
end

-- a module with parameters: y = x * diag(w) + b
local Scale, sparent = torch.class('nn.MyScale', 'nn.Module')
function Scale:__init(n)
  sparent.__init(self)
  self.weight = torch.Tensor(n)
  self.bias = torch.Tensor(n)
  self.gradWeight = torch.Tensor(n)
  self.gradBias = torch.Tensor(n)
  self:reset()
end
function Scale:reset(stdv)
  stdv = stdv or 1 / math.sqrt(self.weight:size(1))
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
  return self
end
function Scale:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if input:dim() == 1 then
    self.output:cmul(self.weight):add(self.bias)
  else
    local n = input:size(1)
    self.output:cmul(self.weight:view(1, -1):expandAs(input))
    self.output:add(self.bias:view(1, -1):expandAs(input))
  end
  return self.output
end
function Scale:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  if input:dim() == 1 then
    self.gradInput:cmul(self.weight)
  else
    self.gradInput:cmul(self.weight:view(1, -1):expandAs(input))
  end
  return self.gradInput
end
function Scale:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  if input:dim() == 1 then
    self.gradWeight:addcmul(scale, input, gradOutput)
    self.gradBias:add(scale, gradOutput)
  else
    self.gradWeight:add(scale, torch.cmul(input, gradOutput):sum(1):view(-1))
    self.gradBias:add(scale, gradOutput:sum(1):view(-1))
  end
end
function Scale:__tostring__()
  return torch.type(self) .. '(' .. self.weight:size(1) .. ')'
end

local sq = nn.MySquare()
print(torch.type(sq), torch.isTypeOf(sq, 'nn.Module'))
local x = torch.Tensor{1, -2, 3}
print(sq:forward(x))
print(sq:backward(x, torch.ones(3)))

local sc = nn.MyScale(5)
print(sc)
print('weight size', sc.weight:size(1))

local precision = 1e-5
local input = torch.rand(5)
local err = nn.Jacobian.testJacobian(sq, input)
print('MySquare jacobian ok', err < precision)
err = nn.Jacobian.testJacobian(sc, input)
print('MyScale jacobian ok', err < precision)
err = nn.Jacobian.testJacobianParameters(sc, input, sc.weight, sc.gradWeight)
print('MyScale weight jacobian ok', err < precision)
err = nn.Jacobian.testJacobianParameters(sc, input, sc.bias, sc.gradBias)
print('MyScale bias jacobian ok', err < precision)
local batch = torch.rand(4, 5)
err = nn.Jacobian.testJacobian(sc, batch)
print('MyScale batch jacobian ok', err < precision)
err = nn.Jacobian.testJacobianUpdateParameters(sc, input, sc.weight)
print('MyScale update ok', err < precision)

-- the custom modules inside containers, with a builtin, and checked as a whole
local net = nn.Sequential():add(nn.Linear(5, 5)):add(sc):add(nn.MySquare()):add(nn.Sum(1))
print(net)
err = nn.Jacobian.testJacobian(net, input)
print('net jacobian ok', err < precision)

-- a broken module is caught by the check
local Broken, bparent = torch.class('nn.MyBroken', 'nn.MySquare')
function Broken:updateGradInput(input, gradOutput)
  bparent.updateGradInput(self, input, gradOutput)
  self.gradInput:mul(1.5)
  return self.gradInput
end
local br = nn.MyBroken()
print(torch.type(br), torch.isTypeOf(br, 'nn.MySquare'))
err = nn.Jacobian.testJacobian(br, input)
print('broken module detected', err > 1e-2)

-- io: a module round-trips through serialization
local f = torch.MemoryFile('rw'):binary()
f:writeObject(sc)
f:seek(1)
local sc2 = f:readObject()
print(torch.type(sc2), sc2.weight:equal(sc.weight))
print(sc2:forward(input):equal(sc:forward(input)))

-- a parameter-sharing clone
local shared = sc:clone('weight', 'bias')
shared.weight:fill(1)
print('shared weight', sc.weight[1], sc.weight:sum())
