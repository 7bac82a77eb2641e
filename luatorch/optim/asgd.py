"""optim.asgd: averaged SGD (L. Bottou's sgd-2.0), as torch/optim's asgd.lua.

    x := (1 - lambda eta_t) x - eta_t df/dx
    a := a + mu_t [x - a]
    eta_t = eta0 / (1 + lambda eta0 t) ^ alpha,   mu_t = 1 / max(1, t - t0)
"""

from ._common import arr, check_x, evaluate, new_like, number_option, setup


def asgd(opfunc, x, config=None, state=None):
    """One ASGD step. Returns ``(x, [f(x)], ax)`` with ``ax`` the averaged parameters.

    config: eta0 (1e-4), lambda (1e-4), alpha (0.75), t0 (1e6) — written back into config, as
    Torch7 does.  state keeps eta_t, mu_t, t, ax, tmp.
    """
    op = "asgd"
    check_x(x, op)
    config, state = setup(config, state)
    for key, default in (("eta0", 1e-4), ("lambda", 1e-4), ("alpha", 0.75), ("t0", 1e6)):
        config[key] = number_option(config, key, default, op)
    eta0, lam, alpha, t0 = config["eta0"], config["lambda"], config["alpha"], config["t0"]

    eta_t = number_option(state, "eta_t", eta0, op, "state")
    mu_t = number_option(state, "mu_t", 1, op, "state")
    t = number_option(state, "t", 0, op, "state")
    state["eta_t"], state["mu_t"], state["t"] = eta_t, mu_t, t

    fx, dfdx = evaluate(opfunc, x, op)
    X = x._a
    X[...] = X * (1 - lam * eta_t)
    X[...] = X + -eta_t * arr(dfdx, X.shape)

    ax = state.get("ax")
    if ax is None:
        ax = new_like(x, x, fill=0)
        state["ax"] = ax
    tmp = state.get("tmp")
    if tmp is None:
        tmp = new_like(ax, ax)
        state["tmp"] = tmp
    A = ax._a
    if mu_t != 1:
        T = tmp._a
        T[...] = arr(x, T.shape)
        T[...] = T + -1 * A
        T[...] = T * mu_t
        A[...] = A + T
    else:
        A[...] = arr(x, A.shape)

    t = t + 1
    state["t"] = t
    state["eta_t"] = eta0 / (1 + lam * eta0 * t) ** alpha
    state["mu_t"] = 1 / max(1, t - t0)
    return x, [fx], ax
