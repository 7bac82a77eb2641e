-- Tables across the boundary: arrays of tensors in, lists out as Lua tables, tuples as
-- multiple values, optim's state visible afterwards, model.modules live in both directions.
require 'nn'
require 'optim'

local a, b = torch.Tensor{1, 2}, torch.Tensor{10, 20}
local sum = nn.CAddTable():forward({a, b})
print(sum[1], sum[2])
print(torch.Tensor({{1, 2}, {3, 4}}):size(1), torch.Tensor{{1, 2}, {3, 4}}:sum())

local out = nn.ConcatTable():add(nn.Identity()):add(nn.Identity()):forward(a)
print(type(out), #out, out[1] == a, out[2] == a)
local n = 0
for i, x in ipairs(out) do n = n + i end
print(n, select('#', unpack(out)))
table.insert(out, b)
print(#out)

local values, indices = torch.max(torch.Tensor{{1, 5}, {7, 2}}, 2)
print(values[1][1], values[2][1], indices[1][1], indices[2][1])

-- optim writes into the state table the script owns
local x = torch.Tensor{1, 2}
local function feval(p) return p:dot(p), p * 2 end
local state = {learningRate = 0.1}
local newx, fs = optim.sgd(feval, x, state)
print(newx == x, type(fs), #fs, fs[1], state.evalCounter)
optim.sgd(feval, x, state)
print(state.evalCounter, string.format('%.4f %.4f', x[1], x[2]))
local config, adam_state = {learningRate = 0.01}, {}
optim.adam(feval, x, config, adam_state)
optim.adam(feval, x, config, adam_state)
print(adam_state.t, torch.type(adam_state.m), adam_state.m:size(1))

-- model.modules: read, index, iterate, append, shorten; the library sees each change
local model = nn.Sequential():add(nn.Linear(2, 3)):add(nn.Tanh())
local mods = model.modules
print(#mods, torch.type(mods[1]), mods == model.modules)
table.insert(model.modules, nn.Linear(3, 1))
print(model:size(), model:forward(torch.ones(2)):size(1))
model.modules[#model.modules] = nil
print(model:size(), model:forward(torch.ones(2)):size(1))
model:add(nn.Sigmoid())
print(#mods, torch.type(model.modules[3]))
for i, m in ipairs(model.modules) do io.write(i, '=', torch.type(m), ' ') end
io.write("\n")
print('done')
