"""optim.cmaes: Covariance Matrix Adaptation Evolution Strategy, as torch/optim's cmaes.lua
(a port of Hansen's barecmaes2). Candidates are drawn with the tensor RNG (``normal``), in
Torch7's order, so a seeded run draws the same numbers."""

import math

import numpy as np

from ..torch.printing import lua_number_str, lua_print
from ..torch.tensor import DoubleTensor, FloatTensor
from ._common import (
    as_number,
    check_x,
    number_option,
    setup,
    tonumber_option,
    value_only,
)


def cmaes(opfunc, x, config=None, state=None):
    """Minimise ``opfunc`` (only its value is used) from ``x``.

    With ``state`` given, ``config`` is not used at all. state: sigma (initial step size,
    required), maxEval (1e3 * N^2), ftarget, popsize (4 + floor(3 log N)), verb_disp
    (required: 0 for silence), min_iterations (1).
    Returns ``(best x, f_hist, number of evaluations)``; ``x`` itself is not modified.
    """
    op = "cmaes"
    check_x(x, op)
    if not isinstance(x, (DoubleTensor, FloatTensor)):
        # Torch7 finds out when torch.symeig fails on an integer type
        raise TypeError(f"torch.symeig not available for {x.type()} please use Float- or "
                        f"DoubleTensor for x")
    config, state = setup(config, state)
    xmean = x.clone().view(-1)  # distribution mean, a flattened copy
    N = xmean.size(1)
    sigma = number_option(state, "sigma", None, op, "state")
    if sigma is None:
        raise ValueError("optim.cmaes: state.sigma (the initial step size) is required")
    ftarget = number_option(state, "ftarget", None, op, "state")
    max_eval = tonumber_option(state, "maxEval", 1e3 * N ** 2, op, "state")
    verb_disp = number_option(state, "verb_disp", None, op, "state")
    if verb_disp is None:
        raise ValueError("optim.cmaes: state.verb_disp is required (0 for no display)")
    min_iterations = number_option(state, "min_iterations", 1, op, "state")
    lam = number_option(state, "popsize", None, op, "state")
    if lam is None:
        lam = 4 + math.floor(3 * math.log(N))
    lam = int(lam)

    def objective(point):
        return as_number(value_only(opfunc(point)), "f(x) returned by opfunc", op)

    # selection: mu may be fractional; Torch7's range(0, mu-1) then has floor(mu) weights
    mu = lam / 2
    n_mu = math.floor(mu - 1) + 1
    weights = np.array([math.log(mu + 0.5) - math.log(i + 1) for i in range(n_mu)])
    weights = weights / weights.sum()
    mueff = weights.sum() ** 2 / (weights ** 2).sum()
    dtype = x.dtype
    weights = weights.astype(dtype)

    # adaptation
    cc = (4 + mueff / N) / (N + 4 + 2 * mueff / N)
    cs = (mueff + 2) / (N + mueff + 5)
    c1 = 2 / ((N + 1.3) ** 2 + mueff)
    cmu = min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((N + 2) ** 2 + mueff))
    damps = 2 * mueff / lam + 0.3 + cs

    pc = np.zeros(N, dtype)
    ps = np.zeros(N, dtype)
    B = np.eye(N, dtype=dtype)
    D = type(x)(N).fill(1)  # a tensor: the candidates' normals are drawn through it
    C = np.eye(N, dtype=dtype)
    candidates = type(x)(lam, N)
    invsqrtC = np.eye(N, dtype=dtype)
    run = {"eigeneval": 0, "counteval": 0, "sigma": sigma}
    f_hist = [objective(x)]
    fitvals = np.zeros(lam)
    best = {"x": None, "f": None, "evals": 0}
    iteration = 0

    def ask():
        nonlocal B, C, invsqrtC
        if run["counteval"] - run["eigeneval"] > lam / (c1 + cmu) / N / 10:
            run["eigeneval"] = run["counteval"]
            C = np.triu(C) + np.triu(C, 1).T  # enforce symmetry
            eigenvalues, B = np.linalg.eigh(C)
            std = np.sqrt(eigenvalues)
            D._a[...] = std
            invsqrtC = (B @ np.diag(std ** -1.0)) @ B.T
        for k in range(lam):
            z = D.clone().normal(0, 1)._a * D._a
            candidates._a[k] = xmean._a + (B @ z) * run["sigma"]
        return candidates

    def tell(arx_tensor):
        nonlocal pc, ps, C, fitvals
        run["counteval"] += lam
        counteval = run["counteval"]
        sig = run["sigma"]
        xold = xmean._a.copy()
        order = np.argsort(fitvals, kind="stable")
        fitvals = fitvals[order]
        arx = arx_tensor._a[order[:n_mu]]
        f_hist.append(float(fitvals[0]))
        if best["f"] is None or fitvals[0] < best["f"]:
            best["x"] = type(x)(arx[0].copy())
            best["f"] = float(fitvals[0])
            best["evals"] = counteval
        xmean._a[...] = arx.T @ weights

        # cumulation: evolution paths
        y = xmean._a - xold
        z = invsqrtC @ y
        c = (cs * (2 - cs) * mueff) ** 0.5 / sig
        ps = ps - ps * cs + z * c
        hsig = ((ps ** 2).sum() / (1 - (1 - cs) ** (2 * counteval / lam)) / N
                < 2 + 4.0 / (N + 1))
        hsig = 1.0 if hsig else 0.0
        c = (cc * (2 - cc) * mueff) ** 0.5 / sig
        pc = pc - pc * cc + y * c * hsig

        # covariance matrix: rank-one and rank-mu updates
        c1a = c1 - (1 - hsig ** 2) * c1 * cc * (2 - cc)
        deviations = arx - xold
        cmu_matrix = (deviations.T * weights) @ deviations / sig ** 2
        C = C + ((-c1a - cmu) * C + c1 * np.outer(pc, pc) + cmu * cmu_matrix)

        # step size, by a factor of at most exp(0.6)
        run["sigma"] = sig * math.exp(min(0.6, (cs / damps) * ((ps ** 2).sum() / N - 1) / 2))

    def stop():
        res = {}
        counteval = run["counteval"]
        if counteval > 0:
            if counteval >= max_eval:
                res["evals"] = max_eval
            if ftarget is not None and fitvals.size > 0 and fitvals[0] <= ftarget:
                res["ftarget"] = ftarget
            if D._a.max() > 1e7 * D._a.min():
                res["condition"] = 1e7
            if fitvals.size > 1 and fitvals[-1] - fitvals[0] < 1e-12:
                res["tolfun"] = 1e-12
            if run["sigma"] * D._a.max() < 1e-11:
                res["tolx"] = 1e-11
        return res

    def disp(verb_modulo):
        if verb_disp == 0:
            return
        it = run["counteval"] / lam
        if it == 1 or it % (10 * verb_modulo) == 0:
            lua_print("evals:\t ax-ratio max(std)   f-value")
        if it <= 2 or it % verb_modulo == 0:
            max_std = math.sqrt(np.diag(C).max())
            lua_print(lua_number_str(run["counteval"]) + ": "
                      + " %6.1f %8.1e " % (D._a.max() / D._a.min(),  # noqa: UP031 - Lua format
                                           run["sigma"] * max_std)
                      + lua_number_str(fitvals[0]))

    while not stop() or iteration < min_iterations:
        iteration += 1
        X = ask()
        for i in range(lam):
            fitvals[i] = objective(X.select(1, i + 1).viewAs(x))
        tell(X)
        disp(verb_disp)

    bestmu, f = best["x"], best["f"]
    if verb_disp > 0:
        for k, v in stop().items():
            lua_print("termination by", k, "=", v)
        lua_print("best f-value =", f)
        lua_print("solution = ")
        lua_print(bestmu)
        lua_print("best found at iteration: ", best["evals"] / lam, " , total iterations: ",
                  iteration)
    f_hist.append(f)
    return bestmu, f_hist, run["counteval"]
