"""optim.rprop: resilient backpropagation (Riedmiller), as torch/optim's rprop.lua."""

import numpy as np

from ..torch.printing import lua_print
from ..torch.tensor import ByteTensor
from ._common import arr, check_x, evaluate, number_option, setup


def rprop(opfunc, x, config=None, state=None):
    """``niter`` Rprop steps. Returns ``(x, [f(x) at each step])``; ``x`` updated in place.

    config: stepsize (0.1), etaplus (1.2), etaminus (0.5), stepsizemax (50), stepsizemin
    (1e-6), niter (1).  state keeps delta (previous gradient), stepsize (per-parameter
    tensor), sign, and the ByteTensor masks psign, nsign, zsign, dminmax.
    """
    op = "rprop"
    check_x(x, op)
    if config is None and state is None:
        lua_print("no state table RPROP initializing")
    config, state = setup(config, state)
    # state.stepsize becomes a tensor on the first call, and config is state by default:
    # the initial step size is only needed (and checked) before that.
    stepsize = config.get("stepsize")
    etaplus = number_option(config, "etaplus", 1.2, op)
    etaminus = number_option(config, "etaminus", 0.5, op)
    stepsizemax = number_option(config, "stepsizemax", 50.0, op)
    stepsizemin = number_option(config, "stepsizemin", 1e-06, op)
    niter = number_option(config, "niter", 1, op)

    hfx = []
    i = 1
    while i <= niter:
        fx, dfdx = evaluate(opfunc, x, op)
        if state.get("delta") is None:
            if stepsize is None or stepsize is False:
                stepsize = 0.1
            number_option({"stepsize": stepsize}, "stepsize", 0.1, op)
            state["delta"] = dfdx.new(*dfdx._size).zero()
            state["stepsize"] = dfdx.new(*dfdx._size).fill(stepsize)
            state["sign"] = dfdx.new(*dfdx._size)
            for key in ("psign", "nsign", "zsign", "dminmax"):
                state[key] = ByteTensor(*dfdx._size)
        S, St, Dl = state["sign"]._a, state["stepsize"]._a, state["delta"]._a
        P, N, Z, M = (state[k]._a for k in ("psign", "nsign", "zsign", "dminmax"))
        G = dfdx._a
        g = arr(dfdx, S.shape)

        # sign of the derivative from the last step to this one
        np.sign(g * Dl, out=S)
        P[...] = S > 0
        N[...] = S < 0
        Z[...] = S == 0
        # step size factors, then the step sizes, clipped
        S[P.view(bool)] = etaplus
        S[N.view(bool)] = etaminus
        S[Z.view(bool)] = 1
        St[...] = St * S
        M[...] = St > stepsizemax
        St[M.view(bool)] = stepsizemax
        M[...] = St < stepsizemin
        St[M.view(bool)] = stepsizemin
        # where the derivative changed sign, no step and no memory of it
        G[N.reshape(G.shape).view(bool)] = 0
        np.sign(arr(dfdx, S.shape), out=S)
        X = x._a
        X[...] = X + (-1 * arr(state["sign"], X.shape)) * arr(state["stepsize"], X.shape)
        Dl[...] = arr(dfdx, Dl.shape)
        hfx.append(fx)
        i += 1
    return x, hfx
