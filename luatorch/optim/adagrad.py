"""optim.adagrad: AdaGrad, as torch/optim's adagrad.lua."""

import numpy as np

from ..torch.printing import lua_print
from ._common import arr, check_x, evaluate, new_like, number_option, setup


def adagrad(opfunc, x, config=None, state=None):
    """One AdaGrad step. Returns ``(x, [f(x)])``; ``x`` is updated in place.

    config: learningRate (1e-3), learningRateDecay (0), weightDecay (0).
    state keeps evalCounter, paramVariance (sum of squared gradients), paramStd.
    """
    op = "adagrad"
    check_x(x, op)
    if config is None and state is None:
        lua_print("no state table, ADAGRAD initializing")
    config, state = setup(config, state)
    lr = number_option(config, "learningRate", 1e-3, op)
    lrd = number_option(config, "learningRateDecay", 0, op)
    wd = number_option(config, "weightDecay", 0, op)
    nevals = number_option(state, "evalCounter", 0, op, "state")
    state["evalCounter"] = nevals

    fx, dfdx = evaluate(opfunc, x, op)
    G = dfdx._a
    if wd != 0:
        G[...] = G + wd * arr(x, G.shape)

    clr = lr / (1 + nevals * lrd)

    variance = state.get("paramVariance")
    if variance is None:
        variance = new_like(x, dfdx, fill=0)
        state["paramVariance"] = variance
        state["paramStd"] = new_like(x, dfdx)
    std = state["paramStd"].resizeAs(variance)
    V, S = variance._a, std._a
    g = arr(dfdx, V.shape)
    V += g * g  # Torch7's addcmul(1, g, g): 1 * g is exact
    np.sqrt(V, out=S)
    S += 1e-10
    X = x._a
    update = -clr * arr(dfdx, X.shape)
    update /= arr(std, X.shape)
    X += update

    state["evalCounter"] = nevals + 1
    return x, [fx]
