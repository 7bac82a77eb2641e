"""optim.checkgrad: compare opfunc's gradient with central finite differences."""

import numpy as np

from ._common import as_number, check_same_elements, check_x, evaluate, value_only


def checkgrad(opfunc, x, eps=None):
    """Returns ``(diff, dC, dC_est)``: the relative error ``|dC - dC_est| / |dC + dC_est|``,
    opfunc's gradient (resized as x) and the finite-difference estimate (step ``eps``,
    default 1e-7). As in Torch7, the steps perturb ``x[i]`` for i along the first dimension."""
    op = "checkgrad"
    check_x(x, op)
    _, dC = evaluate(opfunc, x, op)
    dC.resize(x.size())
    eps = 1e-7 if eps is None else eps
    dC_est = dC.new().resizeAs(dC)
    X, E = x._a, dC_est._a
    for i in range(dC.size(1)):
        X[i] = X[i].astype(np.float64) + eps
        C1 = as_number(value_only(opfunc(x)), "f(x)", op)
        X[i] = X[i].astype(np.float64) - 2 * eps
        C2 = as_number(value_only(opfunc(x)), "f(x)", op)
        X[i] = X[i].astype(np.float64) + eps
        E[i] = (C1 - C2) / (2 * eps)
    check_same_elements(dC_est, x, "the estimate", op)
    G = dC._a.astype(np.float64)
    Ge = E.astype(np.float64)
    diff = float(np.sqrt(((G - Ge) ** 2).sum()) / np.sqrt(((G + Ge) ** 2).sum()))
    return diff, dC, dC_est
