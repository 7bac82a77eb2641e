"""optim.nag: SGD with Nesterov's accelerated gradient (Sutskever et al. 2013), as
torch/optim's nag.lua."""

from ._common import (
    add_learning_rate_step,
    arr,
    check_x,
    evaluate,
    new_like,
    number_option,
    setup,
    tensor_option,
)


def nag(opfunc, x, config=None, state=None):
    """One NAG step. Returns ``(x, [f(x + momentum * previous step)])``; ``x`` updated in place.

    config: learningRate (1e-3), learningRateDecay (0), weightDecay (0), momentum (0.9),
    learningRates (tensor).  state keeps evalCounter, x_copy, dfdx (the velocity),
    deltaParameters.
    """
    op = "nag"
    check_x(x, op)
    config, state = setup(config, state)
    lr = number_option(config, "learningRate", 1e-3, op)
    lrd = number_option(config, "learningRateDecay", 0, op)
    wd = number_option(config, "weightDecay", 0, op)
    mom = number_option(config, "momentum", 0.9, op)
    number_option(config, "dampening", mom, op)  # read (and checked) but unused, as in Torch7
    lrs = tensor_option(config, "learningRates", op)
    nevals = number_option(state, "evalCounter", 0, op, "state")
    state["evalCounter"] = nevals
    if mom <= 0:
        raise ValueError("Momentum must be positive for Nesterov Accelerated Gradient")

    # first step along the velocity, then the gradient at that point
    x_copy = state.get("x_copy")
    if x_copy is None:
        x_copy = x.clone()
        state["x_copy"] = x_copy
    else:
        x_copy.resizeAs(x).copy(x)
    X = x._a
    velocity = state.get("dfdx")
    if velocity is not None:
        X[...] = X + mom * arr(velocity, X.shape)
    fx, dfdx = evaluate(opfunc, x, op)
    G = dfdx._a
    if wd != 0:
        G[...] = G + wd * arr(x, G.shape)

    clr = lr / (1 + nevals * lrd)

    if velocity is None:
        velocity = new_like(dfdx, dfdx, fill=0)
        state["dfdx"] = velocity
    else:
        velocity._a[...] = velocity._a * mom
    add_learning_rate_step(velocity, dfdx, clr, lrs, x, state, op)
    C = x_copy._a
    C[...] = C + 1 * arr(velocity, C.shape)
    x.copy(x_copy)

    state["evalCounter"] = nevals + 1
    return x, [fx]
