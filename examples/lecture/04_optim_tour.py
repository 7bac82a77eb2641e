"""A tour of optim on one problem. Every optim function has the same shape:
  newX, fs = optim.method(feval, x, config, state)
feval(x) returns the function value and its gradient at x; the method
returns the new x (the same tensor, updated in place) and the list of
function values it saw (one for sgd, adagrad, adam; many for lbfgs).
"""

from luatorch import torch, optim
from luatorch.lua import compat

torch.manualSeed(5)

# A least-squares problem: minimise |A x - b|^2 / 2.
A = torch.randn(10, 3)
b = torch.randn(10)


def feval(x):
    r = A * x - b
    return 0.5 * r.dot(r), A.t() * r


# the exact minimiser, from the normal equations, for comparison
best = torch.gesv((A.t() * b).view(3, 1), A.t() * A)[0].view(3)
print(compat.format("least-squares optimum f = %.6f", *feval(best)))

runs = [
    ["sgd", optim.sgd, {"learningRate": 0.02}, 200],
    ["adagrad", optim.adagrad, {"learningRate": 0.5}, 200],
    ["adam", optim.adam, {"learningRate": 0.05}, 200],
    ["lbfgs", optim.lbfgs, {"maxIter": 50}, 1],
]
for run in runs:
    name, method, config, steps = compat.unpack(run, 1, 4)
    x = torch.zeros(3)
    newX, fs = None, None
    for i in range(1, steps + 1):
        newX, fs = method(feval, x, config)[:2]
    print(
        "%-8s calls %3d  same tensor %-5s  #fs %2d  f = %.6f  |x - best| = %.2e"
        % (name, steps, compat.tostring(newX == x), len(fs), fs[-1], (x - best).norm())
    )
