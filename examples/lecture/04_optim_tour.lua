-- A tour of optim on one problem. Every optim function has the same shape:
--   newX, fs = optim.method(feval, x, config, state)
-- feval(x) returns the function value and its gradient at x; the method
-- returns the new x (the same tensor, updated in place) and the list of
-- function values it saw (one for sgd, adagrad, adam; many for lbfgs).
require 'optim'

torch.manualSeed(5)

-- A least-squares problem: minimise |A x - b|^2 / 2.
local A = torch.randn(10, 3)
local b = torch.randn(10)
local function feval(x)
  local r = A * x - b
  return 0.5 * r:dot(r), A:t() * r
end

-- the exact minimiser, from the normal equations, for comparison
local best = torch.gesv((A:t() * b):view(3, 1), A:t() * A):view(3)
print(string.format('least-squares optimum f = %.6f', feval(best)))

local runs = {
  {'sgd', optim.sgd, {learningRate = 0.02}, 200},
  {'adagrad', optim.adagrad, {learningRate = 0.5}, 200},
  {'adam', optim.adam, {learningRate = 0.05}, 200},
  {'lbfgs', optim.lbfgs, {maxIter = 50}, 1},
}
for _, run in ipairs(runs) do
  local name, method, config, steps = unpack(run)
  local x = torch.zeros(3)
  local newX, fs
  for i = 1, steps do
    newX, fs = method(feval, x, config)
  end
  print(string.format('%-8s calls %3d  same tensor %-5s  #fs %2d  f = %.6f  |x - best| = %.2e',
    name, steps, tostring(newX == x), #fs, fs[#fs], (x - best):norm()))
end
