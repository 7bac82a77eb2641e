"""optim.lswolfe: a line search satisfying the strong Wolfe conditions, as torch/optim's
lswolfe.lua (the line search to give optim.lbfgs as config.lineSearch)."""

import numpy as np

from ..torch.printing import lua_print
from ..torch.tensor import Tensor
from ._common import (
    as_number,
    check_same_elements,
    dot,
    evaluate,
    lua_or,
    number_option,
)
from .polyinterp import polyinterp


def lswolfe(opfunc, x, t, d, f, g, gtd, options=None):
    """Search along ``d`` from ``x`` (``x`` is moved in place to ``x + t*d``).

    options: c1 (1e-4, sufficient decrease), c2 (0.9, curvature), tolX (1e-9), maxIter (20),
    verbose.  Returns ``(f_new, g_new, x, t, lsFuncEval)``.
    """
    op = "lswolfe"
    options = lua_or(options, {})
    c1 = number_option(options, "c1", 1e-4, op)
    c2 = number_option(options, "c2", 0.9, op)
    tol_x = number_option(options, "tolX", 1e-9, op)
    max_iter = number_option(options, "maxIter", 20, op)
    is_verbose = lua_or(options.get("verbose"), False)
    check_same_elements(d, x, "the direction d", op)

    def objective(point):
        f_val, g_val = evaluate(opfunc, point, op)
        return as_number(f_val, "f(x) returned by opfunc", op), g_val

    X = x._a
    D = d._a.reshape(X.shape)

    def move_to(step):
        X[...] = x_init
        X[...] = X + step * D

    # evaluate the objective and gradient with the initial step
    x_init = X.copy()
    X[...] = X + t * D
    f_new, g_new = objective(x)
    ls_func_eval = 1
    gtd_new = dot(g_new, d)
    p = g_new.nElement()

    def gval_rows(*rows):
        out = Tensor(len(rows), p)
        for k, row in enumerate(rows):
            out._a[k] = row._a.reshape(-1)
        return out

    # bracket an interval containing a point satisfying the Wolfe criteria
    ls_iter, t_prev, done = 0, 0, False
    f_prev, g_prev, gtd_prev = f, g.clone(), gtd
    bracket = bracket_f = bracket_g = None
    while ls_iter < max_iter:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g = gval_rows(g_prev, g_new)
            break
        elif abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f = [t], [f_new]
            bracket_g = gval_rows(g_new)
            done = True
            break
        elif gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g = gval_rows(g_prev, g_new)
            break
        # interpolate
        tmp = t_prev
        t_prev = t
        min_step = t + 0.01 * (t - tmp)
        max_step = t * 10
        t = polyinterp(np.array([[tmp, f_prev, gtd_prev], [t, f_new, gtd_new]]),
                       min_step, max_step)[0]
        # next step
        f_prev = f_new
        g_prev = g_new.clone()
        gtd_prev = gtd_new
        move_to(t)
        f_new, g_new = objective(x)
        ls_func_eval += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1

    if ls_iter == max_iter:
        bracket, bracket_f = [0, t], [f, f_new]
        bracket_g = gval_rows(g, g_new)

    # zoom: refine the bracket until a point satisfies the criteria
    insuf_progress = False
    while not done and ls_iter < max_iter:
        lo = int(np.argmin(bracket_f))
        hi = 1 - lo
        f_lo = bracket_f[lo]

        t = polyinterp(np.array([
            [bracket[0], bracket_f[0], dot(bracket_g.select(1, 1), d)],
            [bracket[1], bracket_f[1], dot(bracket_g.select(1, 2), d)]]))

        # make sure we are making sufficient progress
        b_max, b_min = max(bracket), min(bracket)
        if min(b_max - t, t - b_min) / (b_max - b_min) < 0.1:
            if insuf_progress or t >= b_max or t <= b_min:
                if abs(t - b_max) < abs(t - b_min):
                    t = b_max - 0.1 * (b_max - b_min)
                else:
                    t = b_min + 0.1 * (b_max - b_min)
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        move_to(t)
        f_new, g_new = objective(x)
        ls_func_eval += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= f_lo:
            # Armijo condition not met, or not lower than the lowest point
            bracket[hi] = t
            bracket_f[hi] = f_new
            bracket_g._a[hi] = g_new._a.reshape(-1)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True  # Wolfe conditions satisfied
            elif gtd_new * (bracket[hi] - bracket[lo]) >= 0:
                # the old high becomes the new low
                bracket[hi] = bracket[lo]
                bracket_f[hi] = bracket_f[lo]
                bracket_g._a[hi] = bracket_g._a[lo]
            bracket[lo] = t
            bracket_f[lo] = f_new
            bracket_g._a[lo] = g_new._a.reshape(-1)

        if not done and abs((bracket[0] - bracket[1]) * gtd_new) < tol_x:
            break

    if ls_iter == max_iter and is_verbose:
        lua_print("<optim.lswolfe> ", "reached max number of iterations")

    lo = int(np.argmin(bracket_f))
    t = bracket[lo]
    f_new = bracket_f[lo]
    g_new = bracket_g.select(1, lo + 1) if p > 0 else bracket_g
    move_to(t)
    return f_new, g_new, x, t, ls_func_eval
