-- torch.class: Lua classes that subclass Python classes, seen from both sides.
require 'nn'

local Square, parent = torch.class('nn.TestSquare', 'nn.Module')
print(parent == nn.Module, nn.TestSquare == Square)

function Square:__init(scale)
   parent.__init(self)          -- the Python base constructor
   self.scale = scale or 1
end

function Square:updateOutput(input)
   self.output:resizeAs(input):copy(input):pow(2):mul(self.scale)
   return self.output
end

function Square:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input):copy(input):mul(2 * self.scale):cmul(gradOutput)
   return self.gradInput
end

local m = nn.TestSquare(3)
print(torch.type(m), torch.typename(m), torch.isTypeOf(m, 'nn.Module'), torch.isTypeOf(m, nn.TestSquare))
print(m.scale, torch.type(m.output))
-- Module.forward (Python) calls the Lua updateOutput
local y = m:forward(torch.Tensor{1, 2})
print(y[1], y[2], y == m.output)
local g = m:backward(torch.Tensor{1, 2}, torch.Tensor{1, 1})
print(g[1], g[2])
-- inside a Python container
local net = nn.Sequential():add(nn.TestSquare(1)):add(nn.TestSquare(2))
print(net:forward(torch.Tensor{2})[1])
print(net)
print(m)
print(tostring(m))

-- calling the Python base's method explicitly
local Doubler, base = torch.class('nn.TestDoubler', 'nn.Identity')
function Doubler:updateOutput(input)
   local out = base.updateOutput(self, input)
   return out * 2
end
print(nn.TestDoubler():forward(torch.Tensor{4})[1])

-- a class without a package prefix is a global
local Embedding, eparent = torch.class('TestEmbedding', 'nn.Module')
print(TestEmbedding == Embedding, eparent == nn.Module, torch.type(TestEmbedding()))

-- a class of classes: a Lua subclass of a Lua subclass
local Cube = torch.class('nn.TestCube', 'nn.TestSquare')
function Cube:updateOutput(input)
   nn.TestSquare.updateOutput(self, input)
   self.output:cmul(input)
   return self.output
end
local c = nn.TestCube(1)
print(c:forward(torch.Tensor{2})[1], torch.isTypeOf(c, 'nn.TestSquare'), c.scale)

-- methods added to a library class reach every instance
function nn.Module:countFields()
   local n = 0
   for k, v in pairs(self) do n = n + 1 end
   return n > 0
end
print(nn.Linear(2, 2):countFields(), m:countFields())
-- an instance field that holds a function overrides the method for that object only
local frozen = nn.Linear(2, 2)
frozen.accGradParameters = function(self) end
frozen:zeroGradParameters()
frozen:forward(torch.ones(2))
frozen:backward(torch.ones(2), torch.ones(2))
print(frozen.gradWeight:sum(), frozen.gradBias:sum())
print(m.__typename, nn.TestSquare.__typename, torch.Tensor().__typename)
