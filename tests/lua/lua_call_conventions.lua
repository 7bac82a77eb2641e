-- Lua's calling conventions that Torch7 code relies on.
require 'nn'
-- extra arguments are ignored, as by any Lua function
print(nn.Sigmoid(true))
print(torch.Tensor(2):fill(3, 'ignored')[1])
-- `new` is its type's constructor: torch/nn calls `input.new()` without self
local f = torch.FloatTensor(2)
local e = f.new()
print(torch.type(e), e:dim())
print(torch.type(f:new()), f:new(3):size(1))
-- a call that binds but fails inside still reports its own error
print(pcall(function() return torch.Tensor(2):narrow(1, 2, 5) end))
