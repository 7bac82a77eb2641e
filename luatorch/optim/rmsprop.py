"""optim.rmsprop: RMSprop, as torch/optim's rmsprop.lua."""

import numpy as np

from ._common import arr, check_x, evaluate, new_like, number_option, setup


def rmsprop(opfunc, x, config=None, state=None):
    """One RMSprop step. Returns ``(x, [f(x)])``; ``x`` is updated in place.

    config: learningRate (1e-2), alpha (0.99), epsilon (1e-8), weightDecay (0),
    initialMean (0).  state keeps m (leaky mean of squared gradients) and tmp.
    """
    op = "rmsprop"
    check_x(x, op)
    config, state = setup(config, state)
    lr = number_option(config, "learningRate", 1e-2, op)
    alpha = number_option(config, "alpha", 0.99, op)
    epsilon = number_option(config, "epsilon", 1e-8, op)
    wd = number_option(config, "weightDecay", 0, op)
    mfill = number_option(config, "initialMean", 0, op)

    fx, dfdx = evaluate(opfunc, x, op)
    G = dfdx._a
    if wd != 0:
        G[...] = G + wd * arr(x, G.shape)

    if state.get("m") is None:
        state["m"] = new_like(x, dfdx, fill=mfill)
        state["tmp"] = new_like(x, dfdx)
    m, tmp = state["m"], state["tmp"]
    M, T = m._a, tmp.resizeAs(m)._a
    g = arr(dfdx, M.shape)
    M *= alpha
    scaled = (1.0 - alpha) * g
    scaled *= g
    M += scaled
    np.sqrt(M, out=T)
    T += epsilon
    X = x._a
    update = -lr * arr(dfdx, X.shape)
    update /= arr(tmp, X.shape)
    X += update
    return x, [fx]
