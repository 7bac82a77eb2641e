"""optim.adam: Adam (Kingma & Ba 2014), as torch/optim's adam.lua."""

import math

import numpy as np

from ._common import arr, check_x, evaluate, number_option, setup


def adam(opfunc, x, config=None, state=None):
    """One Adam step. Returns ``(x, [f(x)])``; ``x`` is updated in place.

    config: learningRate (1e-3), learningRateDecay (0), beta1 (0.9), beta2 (0.999),
    epsilon (1e-8), weightDecay (0).  state keeps t, m, v, denom.
    """
    op = "adam"
    check_x(x, op)
    config, state = setup(config, state)
    lr = number_option(config, "learningRate", 0.001, op)
    lrd = number_option(config, "learningRateDecay", 0, op)
    beta1 = number_option(config, "beta1", 0.9, op)
    beta2 = number_option(config, "beta2", 0.999, op)
    epsilon = number_option(config, "epsilon", 1e-8, op)
    wd = number_option(config, "weightDecay", 0, op)

    fx, dfdx = evaluate(opfunc, x, op)
    G = dfdx._a
    if wd != 0:
        G[...] = G + wd * arr(x, G.shape)

    t = number_option(state, "t", 0, op, "state")
    for key in ("m", "v", "denom"):
        if state.get(key) is None:
            state[key] = x.new(*dfdx._size).zero()
    m, v, denom = state["m"], state["v"], state["denom"]

    clr = lr / (1 + t * lrd)
    t = t + 1
    state["t"] = t

    M, V, Dn = m._a, v._a, denom._a
    g = arr(dfdx, M.shape)
    # in place, with the rounding of Torch7's operation order
    M *= beta1
    M += (1 - beta1) * g
    V *= beta2
    scaled = (1 - beta2) * g
    scaled *= g
    V += scaled
    np.sqrt(arr(v, Dn.shape), out=Dn)
    Dn += epsilon

    bias_correction1 = 1 - beta1 ** t
    bias_correction2 = 1 - beta2 ** t
    step_size = clr * math.sqrt(bias_correction2) / bias_correction1
    X = x._a
    update = -step_size * arr(m, X.shape)
    update /= arr(denom, X.shape)
    X += update
    return x, [fx]
