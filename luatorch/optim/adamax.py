"""optim.adamax: AdaMax (Kingma & Ba 2014, section 7), as torch/optim's adamax.lua."""

import numpy as np

from ._common import arr, check_x, evaluate, number_option, setup


def adamax(opfunc, x, config=None, state=None):
    """One AdaMax step. Returns ``(x, [f(x)])``; ``x`` is updated in place.

    config: learningRate (0.002), beta1 (0.9), beta2 (0.999), epsilon (1e-38).
    state keeps t, m, u (exponentially weighted infinity norm) and max (a 2-row buffer).
    """
    op = "adamax"
    check_x(x, op)
    config, state = setup(config, state)
    lr = number_option(config, "learningRate", 0.002, op)
    beta1 = number_option(config, "beta1", 0.9, op)
    beta2 = number_option(config, "beta2", 0.999, op)
    epsilon = number_option(config, "epsilon", 1e-38, op)

    fx, dfdx = evaluate(opfunc, x, op)

    t = number_option(state, "t", 0, op, "state")
    if state.get("m") is None:
        state["m"] = x.new(*dfdx._size).zero()
    if state.get("u") is None:
        state["u"] = x.new(*dfdx._size).zero()
    if state.get("max") is None:
        state["max"] = x.new(2, *dfdx._size).zero()
    m, u, buf = state["m"], state["u"], state["max"]
    t = t + 1
    state["t"] = t

    M = m._a
    g = arr(dfdx, M.shape)
    M[...] = M * beta1
    M[...] = M + (1 - beta1) * g
    B = buf._a.reshape(2, -1)
    B[0] = u._a.reshape(-1) * beta2
    B[1] = np.abs(g.reshape(-1)) + epsilon
    # Torch7's u:max(buffer, 1) leaves u with a leading dimension of size 1
    u.resize(1, *dfdx._size)
    np.max(buf._a, axis=0, out=u._a[0])

    step_size = lr / (1 - beta1 ** t)
    X = x._a
    X[...] = X + (-step_size * arr(m, X.shape)) / arr(u, X.shape)
    return x, [fx]
