"""optim.FistaLS: FISTA with backtracking line search (Beck & Teboulle 2009), as
torch/optim's fista.lua."""

import math

from ..torch.printing import lua_print
from ..torch.tensor import Tensor
from ._common import as_number, lua_or, number_option, value_only


def FistaLS(f, g, pl, xinit, params=None):
    """Minimise ``f(x) + g(x)`` with ``f`` smooth and ``g`` not.

    ``f(x, 'dx')`` returns ``(f(x), grad f(x))`` and ``f(x)`` the value; ``g(x)`` returns the
    non-smooth value; ``pl(x, L)`` solves the proximal problem in place in ``x``.
    params: L (0.1), Lstep (1.5), maxiter (50), maxline (20), errthres (1e-4),
    doFistaUpdate (nil, i.e. ISTA, unless true), verbose.  params keeps L and the buffers
    xkm, y, ply.  Returns ``(solution, history)``; ``xinit`` receives the solution too.
    """
    op = "FistaLS"
    params = lua_or(params, {})
    L = number_option(params, "L", 0.1, op)
    l_step = number_option(params, "Lstep", 1.5, op)
    maxiter = number_option(params, "maxiter", 50, op)
    maxline = number_option(params, "maxline", 20, op)
    errthres = number_option(params, "errthres", 1e-4, op)
    do_fista_update = lua_or(params.get("doFistaUpdate"), False)
    verbose = lua_or(params.get("verbose"), False)

    for key in ("xkm", "y", "ply"):
        if params.get(key) is None:
            params[key] = Tensor()
    xkm, y, ply = params["xkm"], params["y"], params["ply"]

    # start from all zeros
    xk = xinit
    xkm.resizeAs(xk).zero()
    ply.resizeAs(xk).zero()
    y.resizeAs(xk).zero()

    history = []
    niter = 0
    converged = False
    tk = 1  # FISTA's momentum parameter
    tkp = 0

    g(y)  # evaluated once up front, as Torch7 does (its value is unused)
    fval = math.inf
    while not converged and niter < maxiter:
        fy, gfy = f(y, "dx")
        fy = as_number(fy, "f(y)", op)
        fply = 0
        gply = 0
        Q = 0

        # line search for the new current point, from the FISTA point
        nline = 0
        linesearch_done = False
        while not linesearch_done:
            ply.copy(y)
            ply._a[...] = ply._a + (-1 / L) * gfy._a.reshape(ply._a.shape)
            pl(ply, L)  # solve the auxiliary problem
            xk.copy(ply)  # candidate for the new iterate
            fply = as_number(value_only(f(ply)), "f(ply)", op)
            ply._a[...] = ply._a + -1 * y._a
            Q2 = float((gfy._a.reshape(-1) * ply._a.reshape(-1)).sum())
            Q3 = L / 2 * float((ply._a.reshape(-1) ** 2).sum())
            Q = fy + Q2 + Q3
            if verbose:
                lua_print("nline=%d L=%g fply=%g Q=%g fy=%g Q2=%g Q3=%g"  # noqa: UP031
                          % (nline, L, fply, Q, fy, Q2, Q3))
            if fply <= Q:
                linesearch_done = True
            elif nline >= maxline:
                linesearch_done = True
                xk.copy(xkm)  # no better point found: stay at the previous iterate
            else:
                L = L * l_step
            nline += 1

        if do_fista_update:
            tkp = (1 + math.sqrt(1 + 4 * tk * tk)) / 2
            xkm._a[...] = xkm._a + -1 * xk._a.reshape(xkm._a.shape)
            y.copy(xk)
            y._a[...] = y._a + ((1 - tk) / tkp) * xkm._a
            xkm.copy(xk)
        else:
            y.copy(xk)
        tk = tkp
        fply = as_number(value_only(f(y)), "f(y)", op)
        gply = as_number(value_only(g(y)), "g(y)", op)
        if verbose:
            lua_print("iter=%d eold=%g enew=%g" % (niter, fval, fply + gply))  # noqa: UP031

        niter += 1
        fval = fply + gply
        entry = {"nline": nline, "L": L, "F": fval, "Fply": fply, "Gply": gply, "Q": Q}
        history.append(entry)
        params["L"] = L
        if verbose:
            entry["xk"] = xk.clone()
            entry["y"] = y.clone()

        if niter > 1 and abs(history[-1]["F"] - history[-2]["F"]) <= errthres:
            converged = True
            xinit.copy(y)
            return y, history
        if niter >= maxiter:
            xinit.copy(y)
            return y, history
    raise RuntimeError("not supposed to be here")
