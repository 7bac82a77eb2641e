"""optim.lbfgs: limited-memory BFGS (after Mark Schmidt's minFunc), as torch/optim's lbfgs.lua.

Without ``config.lineSearch`` it takes fixed steps of ``learningRate``; with one (such as
``optim.lswolfe``) the step length comes from the line search.
"""

import numpy as np

from ..torch.printing import lua_print
from ..torch.tensor import Tensor
from ._common import (
    as_number,
    check_x,
    dot,
    evaluate,
    lua_or,
    number_option,
    setup,
    tonumber_option,
)


def _abs_sum(t):
    """``t:abs():sum()`` — in place, as Torch7 leaves its tmp1 buffer."""
    np.abs(t._a, out=t._a)
    return float(t._a.sum())


def lbfgs(opfunc, x, config=None, state=None):
    """Run up to ``maxIter`` L-BFGS iterations. Returns ``(x, f_hist, currentFuncEval)``.

    config: maxIter (20), maxEval (maxIter*1.25), tolFun (1e-5), tolX (1e-9), nCorrection
    (100), lineSearch (function), lineSearchOptions, learningRate (1), verbose (false).
    state keeps funcEval, nIter, tmp1, dir_bufs, stp_bufs, d, t, old_dirs, old_stps, Hdiag,
    g_old, f_old, ro, al — so a later call continues the same run.
    """
    op = "lbfgs"
    check_x(x, op)
    config, state = setup(config, state)
    max_iter = tonumber_option(config, "maxIter", 20, op)
    max_eval = tonumber_option(config, "maxEval", max_iter * 1.25, op)
    tol_fun = number_option(config, "tolFun", 1e-5, op)
    tol_x = number_option(config, "tolX", 1e-9, op)
    n_correction = int(number_option(config, "nCorrection", 100, op))
    line_search = lua_or(config.get("lineSearch"), None)
    line_search_opts = config.get("lineSearchOptions")
    learning_rate = number_option(config, "learningRate", 1, op)
    is_verbose = lua_or(config.get("verbose"), False)

    state["funcEval"] = number_option(state, "funcEval", 0, op, "state")
    state["nIter"] = number_option(state, "nIter", 0, op, "state")

    def verbose(*args):
        if is_verbose:
            lua_print("<optim.lbfgs> ", *args)

    # evaluate initial f(x) and df/dx
    f, g = evaluate(opfunc, x, op)
    f = as_number(f, "f(x) returned by opfunc", op)
    f_hist = [f]
    current_func_eval = 1
    state["funcEval"] = state["funcEval"] + 1
    p = g.nElement()

    # check optimality of initial point
    tmp1 = state.get("tmp1")
    if tmp1 is None:
        tmp1 = g.new(*g._size).zero()
        state["tmp1"] = tmp1
    tmp1.copy(g)
    if _abs_sum(tmp1) <= tol_fun:
        verbose("optimality condition below tolFun")
        return x, f_hist, current_func_eval

    if state.get("dir_bufs") is None:
        # reusable buffers for the y's and s's, rows of one (nCorrection+1) x p block each
        verbose("creating recyclable direction/step/history buffers")
        dirs = g.new(n_correction + 1, p)
        stps = g.new(n_correction + 1, p)
        state["dir_bufs"] = [dirs.select(1, i) for i in range(1, n_correction + 2)]
        state["stp_bufs"] = [stps.select(1, i) for i in range(1, n_correction + 2)]
    dir_bufs, stp_bufs = state["dir_bufs"], state["stp_bufs"]

    # variables cached in state
    d = state.get("d")
    t = state.get("t")
    old_dirs = state.get("old_dirs")
    old_stps = state.get("old_stps")
    h_diag = state.get("Hdiag")
    g_old = state.get("g_old")
    f_old = state.get("f_old")

    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        state["nIter"] = state["nIter"] + 1

        # --- gradient descent direction
        if state["nIter"] == 1:
            d = g.clone()
            d._a[...] = d._a * -1
            old_dirs = []
            old_stps = []
            h_diag = 1
        else:
            # L-BFGS update of the memory
            y = dir_bufs.pop()
            s = stp_bufs.pop()
            y._a[...] = g._a.reshape(y._a.shape) + -1 * g_old._a.reshape(y._a.shape)
            s._a[...] = d._a.reshape(s._a.shape) * t
            ys = dot(y, s)
            if ys > 1e-10:
                if len(old_dirs) == n_correction:
                    # shift the history by one (limited memory)
                    dir_bufs.append(old_dirs.pop(0))
                    stp_bufs.append(old_stps.pop(0))
                old_dirs.append(s)
                old_stps.append(y)
                h_diag = ys / dot(y, y)
            else:
                dir_bufs.append(y)
                stp_bufs.append(s)

            # approximate inverse Hessian times the gradient (two-loop recursion)
            k = len(old_dirs)
            ro = state.get("ro")
            if ro is None:
                ro = Tensor(n_correction)
                state["ro"] = ro
            for i in range(k):
                ro._a[i] = 1 / dot(old_stps[i], old_dirs[i])
            q = tmp1  # tmp1 doubles as the q buffer
            al = state.get("al")
            if al is None:
                al = Tensor(n_correction).zero()
                state["al"] = al
            Q = q._a
            Q[...] = g._a.reshape(Q.shape) * -1
            for i in range(k - 1, -1, -1):
                al._a[i] = dot(old_dirs[i], q) * ro._a[i]
                Q[...] = Q + -al._a[i] * old_stps[i]._a.reshape(Q.shape)
            # multiply by the initial Hessian; r shares d's buffer
            r = d
            R = r._a
            R[...] = Q.reshape(R.shape) * h_diag
            for i in range(k):
                be_i = dot(old_stps[i], r) * ro._a[i]
                R[...] = R + (al._a[i] - be_i) * old_dirs[i]._a.reshape(R.shape)
        if g_old is None:
            g_old = g.clone()
        g_old.copy(g)
        f_old = f

        # --- step length
        gtd = dot(g, d)
        if gtd > -tol_x:
            break  # no progress possible along this direction
        if state["nIter"] == 1:
            tmp1.copy(g)
            t = min(1, 1 / _abs_sum(tmp1)) * learning_rate
        else:
            t = learning_rate

        ls_func_eval = 0
        if line_search is not None and callable(line_search):
            f, g, x, t, ls_func_eval = line_search(opfunc, x, t, d, f, g, gtd, line_search_opts)[:5]
            f_hist.append(f)
        else:
            X = x._a
            X[...] = X + t * d._a.reshape(X.shape)
            if n_iter != max_iter:
                # re-evaluate only if not in the last iteration (no use in a stochastic setting)
                f, g = evaluate(opfunc, x, op)
                f = as_number(f, "f(x) returned by opfunc", op)
                ls_func_eval = 1
                f_hist.append(f)

        current_func_eval += ls_func_eval
        state["funcEval"] = state["funcEval"] + ls_func_eval

        # --- stopping conditions
        if n_iter == max_iter:
            verbose("reached max number of iterations")
            break
        if current_func_eval >= max_eval:
            verbose("max nb of function evals")
            break
        tmp1.copy(g)
        if _abs_sum(tmp1) <= tol_fun:
            verbose("optimality condition below tolFun")
            break
        tmp1.copy(d)
        tmp1._a[...] = tmp1._a * t
        if _abs_sum(tmp1) <= tol_x:
            verbose("step size below tolX")
            break
        if abs(f - f_old) < tol_x:
            verbose("function value changing less than tolX")
            break

    state["old_dirs"] = old_dirs
    state["old_stps"] = old_stps
    state["Hdiag"] = h_diag
    state["g_old"] = g_old
    state["f_old"] = f_old
    state["t"] = t
    state["d"] = d
    return x, f_hist, current_func_eval
