-- nngraph usage beyond RNNs: a two-branch network with shared inputs, a residual
-- connection, node annotations, and training with optim.sgd
require 'nn'
require 'nngraph'
require 'optim'
torch.manualSeed(5)

local input = nn.Identity()()
local h1 = nn.Tanh()(nn.Linear(3, 8)(input)):annotate{name = 'h1'}
local h2 = nn.Tanh()(nn.Linear(8, 8)(h1))
local res = nn.CAddTable()({h1, h2})
local branchA = nn.Linear(8, 1)(res)
local branchB = nn.Linear(3, 1)(input)
local out = nn.CAddTable()({branchA, branchB})
local g = nn.gModule({input}, {out})
print(torch.type(g))
print('modules in graph', #g.forwardnodes)

-- a multi-input, multi-output graph
local xa, xb = nn.Identity()(), nn.Identity()()
local joined = nn.JoinTable(2)({xa, xb})
local sum = nn.CAddTable()({xa, xb})
local mg = nn.gModule({xa, xb}, {joined, sum})
local o = mg:forward({torch.ones(2, 3), torch.ones(2, 3) * 2})
print(o[1]:size(1), o[1]:size(2), o[2][1][1])
local gi = mg:backward({torch.ones(2, 3), torch.ones(2, 3) * 2}, {torch.ones(2, 6), torch.ones(2, 3)})
print(gi[1][1][1], gi[2][2][3])

-- regression target: y = sin(x1) + x2 * x3
local N = 64
local X = torch.rand(N, 3) * 2 - 1
local Y = torch.sin(X:select(2, 1)) + torch.cmul(X:select(2, 2), X:select(2, 3))
Y = Y:view(N, 1)
local crit = nn.MSECriterion()
local params, grads = g:getParameters()
print('parameters', params:nElement())
local err = nn.Jacobian.testJacobian(g, torch.rand(4, 3))
print('graph jacobian ok', err < 1e-5)

local state = {learningRate = 0.1, momentum = 0.9}
local function feval(p)
  if p ~= params then params:copy(p) end
  grads:zero()
  local pred = g:forward(X)
  local loss = crit:forward(pred, Y)
  g:backward(X, crit:backward(pred, Y))
  return loss, grads
end
local first, last
for i = 1, 200 do
  local _, l = optim.sgd(feval, params, state)
  if i == 1 then first = l[1] end
  last = l[1]
end
print(string.format('mse %.4f -> %.4f', first, last))
print('loss fell by 5x', last < first / 5)

-- find the annotated node and read its output
for _, node in ipairs(g.forwardnodes) do
  if node.data.annotations.name == 'h1' then
    print('h1 output size', node.data.module.output:size(2))
  end
end

-- the graph clones and shares like any module
local g2 = g:clone('weight', 'bias', 'gradWeight', 'gradBias')
print('clone agrees', g2:forward(X):equal(g:forward(X)))
local p2 = g2:parameters()
p2[1]:add(1)
print('clone shares weights', g2:forward(X):equal(g:forward(X)))
