"""optim.adadelta: ADADELTA (Zeiler 2012), as torch/optim's adadelta.lua."""

import numpy as np

from ..torch.printing import lua_print
from ._common import arr, check_x, evaluate, new_like, number_option, setup


def adadelta(opfunc, x, config=None, state=None):
    """One ADADELTA step. Returns ``(x, [f(x)])``; ``x`` is updated in place.

    config: rho (0.9), eps (1e-6), weightDecay (0).
    state keeps evalCounter, paramVariance, paramStd, delta, accDelta.
    """
    op = "adadelta"
    check_x(x, op)
    if config is None and state is None:
        lua_print("no state table, ADADELTA initializing")
    config, state = setup(config, state)
    rho = number_option(config, "rho", 0.9, op)
    eps = number_option(config, "eps", 1e-6, op)
    wd = number_option(config, "weightDecay", 0, op)
    nevals = number_option(state, "evalCounter", 0, op, "state")
    state["evalCounter"] = nevals

    fx, dfdx = evaluate(opfunc, x, op)
    G = dfdx._a
    if wd != 0:
        G[...] = G + wd * arr(x, G.shape)

    if state.get("paramVariance") is None:
        for key in ("paramVariance", "paramStd", "delta", "accDelta"):
            state[key] = new_like(x, dfdx, fill=0)
    variance = state["paramVariance"]
    std = state["paramStd"].resizeAs(variance)
    delta = state["delta"].resizeAs(variance)
    acc = state["accDelta"]
    V, S, D, A = variance._a, std._a, delta._a, acc._a
    g = arr(dfdx, V.shape)
    V[...] = V * rho
    V[...] = V + ((1 - rho) * g) * g
    np.sqrt(V + eps, out=S)
    D[...] = np.sqrt(arr(acc, D.shape) + eps) / S * g
    X = x._a
    X[...] = X + -1 * arr(delta, X.shape)
    A[...] = A * rho
    A[...] = A + ((1 - rho) * arr(delta, A.shape)) * arr(delta, A.shape)

    state["evalCounter"] = nevals + 1
    return x, [fx]
