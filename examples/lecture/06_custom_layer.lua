-- Writing a new layer: only its local rules are needed. Here the
-- rectified quadratic unit z = max(0, x)^2, defined with torch.class on top
-- of nn.Module, checked with nn.Jacobian, then used inside a network.
require 'nn'

local ReQU, parent = torch.class('nn.ReQU', 'nn.Module')

function ReQU:__init()
  parent.__init(self)
end

-- forward: z = max(0, x)^2
function ReQU:updateOutput(input)
  self.output:resizeAs(input):copy(input):cmax(0):pow(2)
  return self.output
end

-- backward: dC/dx = dC/dz * 2 max(0, x)
function ReQU:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):copy(input):cmax(0):mul(2):cmul(gradOutput)
  return self.gradInput
end

torch.manualSeed(8)
local layer = nn.ReQU()
print(layer)
print(torch.type(layer), torch.isTypeOf(layer, 'nn.Module'))

local x = torch.Tensor{-1, -0.5, 0.5, 2}
print('forward', layer:forward(x))
print('backward', layer:backward(x, torch.ones(4)))

-- nn.Jacobian compares the backward pass with finite differences of the
-- forward pass, for one sample and for a mini-batch.
local err1 = nn.Jacobian.testJacobian(layer, torch.randn(5))
local err2 = nn.Jacobian.testJacobian(layer, torch.randn(3, 5))
print(string.format('Jacobian error, one sample %s, mini-batch %s',
  tostring(err1 < 1e-6), tostring(err2 < 1e-6)))

-- The new layer composes with the built-in ones.
local net = nn.Sequential():add(nn.Linear(3, 4)):add(nn.ReQU()):add(nn.Linear(4, 2))
print(net)
local y = net:forward(torch.randn(6, 3))
print('network output size', y:size(1), y:size(2))
local errNet = nn.Jacobian.testJacobian(net, torch.randn(2, 3))
print(string.format('Jacobian error of the network %s', tostring(errNet < 1e-6)))
