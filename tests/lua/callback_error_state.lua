-- A Lua error deep inside a feval that optim.sgd calls: pcall catches it, and the
-- optimiser state, the parameters and the module buffers are as the last good step left them.
require 'nn'
require 'optim'
torch.manualSeed(1)
local net = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Tanh())
local crit = nn.MSECriterion()
local params, grads = net:getParameters()
local state = {learningRate = 0.1, momentum = 0.9}
local x, y = torch.randn(4, 3), torch.randn(4, 2)
local fail_at = 3
local step = 0
local function feval(p)
   step = step + 1
   grads:zero()
   local out = net:forward(x)
   local loss = crit:forward(out, y)
   net:backward(x, crit:backward(out, y))
   if step == fail_at then error('loss went bad') end
   return loss, grads
end
for i = 1, 2 do optim.sgd(feval, params, state) end
local before = params:clone()
local momentum = state.dfdx:clone()
local ok, err = pcall(optim.sgd, feval, params, state)
print(ok, err)
print(state.evalCounter, (params - before):abs():max(), (state.dfdx - momentum):abs():max())
print(params:storage() == net.modules[1].weight:storage(), #net.modules)
print(net.output:size(1), net.output:size(2))
-- training goes on from the same state
local _, fs = optim.sgd(feval, params, state)
print(state.evalCounter, (params - before):abs():max() > 0, type(fs[1]))
