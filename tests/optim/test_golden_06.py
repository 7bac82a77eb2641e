"""Torch7's final points on Rosenbrock (conformance script 06_optim_algorithms.lua), from
Python: every algorithm must land where Torch7 landed."""

import os
import re

import numpy as np
import pytest

from luatorch import optim, torch

GOLDEN = os.path.join(os.environ["LUATORCH_SHARED"], "conformance/golden/06_optim_algorithms.out")

RUNS = [
    ("sgd", optim.sgd, {"learningRate": 1e-3}, 2000),
    ("sgd+nesterov", optim.sgd, {"learningRate": 1e-3, "momentum": 0.9, "dampening": 0,
                                 "nesterov": True}, 2000),
    ("adagrad", optim.adagrad, {"learningRate": 0.5}, 2000),
    ("adam", optim.adam, {"learningRate": 0.05}, 2000),
    ("rmsprop", optim.rmsprop, {"learningRate": 0.01}, 2000),
    ("adadelta", optim.adadelta, {}, 2000),
    ("nag", optim.nag, {"learningRate": 1e-3, "momentum": 0.9}, 2000),
    ("lbfgs", optim.lbfgs, {"maxIter": 100, "learningRate": 1}, 1),
    ("cg", optim.cg, {"maxIter": 100}, 1),
]


def rosenbrock(x):
    # as the Lua script: element reads, a fresh gradient tensor per call
    a, b = x[1], x[2]
    f = (1 - a) ** 2 + 100 * (b - a * a) ** 2
    g = torch.Tensor(2)
    g[1] = -2 * (1 - a) - 400 * a * (b - a * a)
    g[2] = 200 * (b - a * a)
    return f, g


def golden_lines():
    if not os.path.exists(GOLDEN):
        pytest.skip("conformance goldens not available")
    with open(GOLDEN) as fh:
        return {line.split()[0]: line.rstrip("\n") for line in fh if line.strip()}


@pytest.mark.parametrize("name,method,config,steps", RUNS, ids=[r[0] for r in RUNS])
def test_final_point_matches_torch7(name, method, config, steps):
    expected = golden_lines()[name]
    x = torch.Tensor([-1.2, 1.0])
    start = x
    config = dict(config)
    fx = None
    for _ in range(steps):
        result = method(rosenbrock, x, config)
        x, fs = result[0], result[1]
        fx = fs[-1]
    assert x is start
    line = "%-13s x = (%.6f, %.6f) f = %.6e\t" % (name, x[1], x[2], fx)  # noqa: UP031 - Lua's
    numbers = [float(v) for v in re.findall(r"[-+]?\d+\.\d+(?:e[-+]\d+)?", expected)]
    np.testing.assert_allclose([x[1], x[2], fx], numbers, rtol=1e-6)
    assert line == expected
