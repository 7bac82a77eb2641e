"""Shared objectives for the optim tests: a quadratic and Rosenbrock, in numpy and as opfuncs."""

import numpy as np

from luatorch import torch

# a fixed, well-conditioned positive definite quadratic: f(x) = 1/2 x'Ax - b'x
QUAD_A = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, -0.3], [0.0, -0.3, 1.0]])
QUAD_B = np.array([1.0, -2.0, 0.5])


def quad_np(x):
    return 0.5 * x @ QUAD_A @ x - QUAD_B @ x, QUAD_A @ x - QUAD_B


def rosen_np(x):
    a, b = x[0], x[1]
    f = (1 - a) ** 2 + 100 * (b - a * a) ** 2
    g = np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])
    return f, g


def make_opfunc(fn, fresh_gradient=True):
    """An opfunc over tensors from a numpy objective; counts its calls.

    With ``fresh_gradient=False`` it returns the same gradient tensor every call, as nn code
    returning gradParameters does."""
    grad = torch.Tensor()

    def opfunc(x):
        opfunc.calls += 1
        f, g = fn(np.array(x._a, dtype=np.float64))
        out = torch.Tensor(len(g)) if fresh_gradient else grad.resize(len(g))
        out._a[...] = g
        return f, out

    opfunc.calls = 0
    return opfunc


