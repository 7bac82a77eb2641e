-- a Tester-based test file, as nn/test.lua and many repositories wrote them
require 'nn'
torch.manualSeed(7)

local mytest = torch.TestSuite()
local tester = torch.Tester()
local precision = 1e-5

function mytest.LinearForward()
  local lin = nn.Linear(3, 2)
  local x = torch.randn(3)
  local expected = lin.weight * x + lin.bias
  tester:assertTensorEq(lin:forward(x), expected, precision, 'Linear forward')
end

function mytest.LinearJacobian()
  local lin = nn.Linear(4, 3)
  local x = torch.randn(2, 4)
  local err = nn.Jacobian.testJacobian(lin, x)
  tester:assertlt(err, precision, 'Linear gradInput')
  err = nn.Jacobian.testJacobianParameters(lin, x, lin.weight, lin.gradWeight)
  tester:assertlt(err, precision, 'Linear gradWeight')
end

function mytest.TensorOps()
  local a = torch.Tensor{{1, 2}, {3, 4}}
  tester:asserteq(a:sum(), 10, 'sum')
  tester:assertTensorEq(a:t():t(), a, 0, 'double transpose')
  tester:assert(a:isContiguous(), 'contiguous')
  tester:assert(not a:t():isContiguous(), 'transpose not contiguous')
  tester:eq(a:size(), torch.LongStorage{2, 2}, 'size')
  tester:eq({1, 2, {3}}, {1, 2, {3}}, 'nested tables')
  tester:ne(a, a:clone():add(1), 1e-9, 'different tensors')
  tester:assertTableEq({a = 1, b = 'x'}, {b = 'x', a = 1}, 'records')
end

function mytest.Errors()
  tester:assertError(function() torch.Tensor(2, 3):mm(torch.Tensor(2, 3)) end, 'mm size mismatch')
  tester:assertErrorPattern(function() error('bad thing 42') end, 'thing %d+', 'pattern')
  tester:assertNoError(function() return torch.zeros(3) end, 'no error')
end

function mytest.Randomness()
  torch.manualSeed(5)
  local a = torch.rand(10)
  torch.manualSeed(5)
  local b = torch.rand(10)
  tester:assertTensorEq(a, b, 0, 'same seed, same numbers')
  local p = torch.randperm(10)
  tester:asserteq(p:sum(), 55, 'randperm is a permutation')
  local sorted = p:sort()
  tester:assertTensorEq(sorted, torch.range(1, 10), 0, 'sorted permutation')
end

function mytest.CriterionGrad()
  local crit = nn.MSECriterion()
  local x = torch.randn(5)
  local y = torch.randn(5)
  crit:forward(x, y)
  local g = crit:backward(x, y):clone()
  local eps = 1e-6
  local num = torch.Tensor(5)
  for i = 1, 5 do
    local orig = x[i]
    x[i] = orig + eps
    local fp = crit:forward(x, y)
    x[i] = orig - eps
    local fm = crit:forward(x, y)
    x[i] = orig
    num[i] = (fp - fm) / (2 * eps)
  end
  tester:assertTensorEq(g, num, 1e-6, 'MSE gradient')
end

tester:add(mytest)
tester:run()
print('all passed', #tester.errors == 0 and tester.countasserts > 0)

-- a failing test is reported, not thrown
local failing = torch.Tester()
failing:add(function() failing:asserteq(1, 2, 'one is not two') end, 'Deliberate')
local ok = pcall(function() failing:run() end)
print('failing suite reported', #failing.errors > 0 or not ok)
