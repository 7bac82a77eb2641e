"""optim.sgd: stochastic gradient descent with weight decay, momentum (optionally Nesterov's),
learning-rate annealing and per-parameter learning rates, as torch/optim's sgd.lua."""

from ._common import (
    add_learning_rate_step,
    arr,
    check_same_elements,
    check_x,
    evaluate,
    lua_or,
    new_like,
    number_option,
    setup,
    tensor_option,
)


def sgd(opfunc, x, config=None, state=None):
    """One SGD step. Returns ``(x, [f(x) before the step])``; ``x`` is updated in place.

    config: learningRate (1e-3), learningRateDecay (0), weightDecay (0), weightDecays (tensor),
    momentum (0), dampening (= momentum), nesterov (false), learningRates (tensor).
    state keeps evalCounter, dfdx (momentum buffer), decayParameters, deltaParameters.
    """
    op = "sgd"
    check_x(x, op)
    config, state = setup(config, state)
    lr = number_option(config, "learningRate", 1e-3, op)
    lrd = number_option(config, "learningRateDecay", 0, op)
    wd = number_option(config, "weightDecay", 0, op)
    mom = number_option(config, "momentum", 0, op)
    damp = number_option(config, "dampening", mom, op)
    nesterov = lua_or(config.get("nesterov"), False)
    lrs = tensor_option(config, "learningRates", op)
    wds = tensor_option(config, "weightDecays", op)
    nevals = number_option(state, "evalCounter", 0, op, "state")
    state["evalCounter"] = nevals
    if nesterov and not (mom > 0 and damp == 0):
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    fx, dfdx = evaluate(opfunc, x, op)
    G = dfdx._a  # written in place, as Torch7 does to the gradient opfunc returned

    # weight decay, single or per parameter
    if wd != 0:
        G[...] = G + wd * arr(x, G.shape)
    elif wds is not None:
        check_same_elements(wds, x, "config.weightDecays", op)
        decay = state.get("decayParameters")
        if decay is None:
            decay = new_like(x, dfdx)
            state["decayParameters"] = decay
        D = decay._a
        D[...] = arr(wds, D.shape)
        D[...] = D * arr(x, D.shape)
        G[...] = G + arr(decay, G.shape)

    # momentum
    if mom != 0:
        buf = state.get("dfdx")
        if buf is None:
            buf = dfdx.new().resizeAs(dfdx).copy(dfdx)
            state["dfdx"] = buf
        else:
            B = buf._a
            B *= mom
            B += (1 - damp) * arr(dfdx, B.shape)
        if nesterov:
            G[...] = G + mom * arr(buf, G.shape)
        else:
            dfdx = buf

    # learning-rate annealing, then the step with one or per-parameter learning rates
    clr = lr / (1 + nevals * lrd)
    add_learning_rate_step(x, dfdx, clr, lrs, x, state, op)

    state["evalCounter"] = nevals + 1
    return x, [fx]
