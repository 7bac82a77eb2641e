"""L-BFGS (fixed steps and with lswolfe), CG, lswolfe and polyinterp."""

import itertools

import numpy as np
import pytest
from optim_objectives import QUAD_A, QUAD_B, make_opfunc, quad_np, rosen_np

from luatorch import optim, torch


def seq_dot(u, v):
    return sum((u * v).tolist())


def ref_lbfgs(fn, x, max_iter=20, lr=1.0, tol_fun=1e-5, tol_x=1e-9, n_corr=100):
    """L-BFGS with fixed steps, as minFunc's two-loop recursion, written out in numpy."""
    max_eval = max_iter * 1.25
    f, g = fn(x)
    hist = [f]
    evals = 1
    if np.abs(g).sum() <= tol_fun:
        return x, hist
    dirs, stps = [], []
    d = t = g_old = None
    h_diag = 1
    for n in range(1, max_iter + 1):
        if n == 1:
            d = -g
        else:
            y = g - g_old
            s = d * t
            ys = seq_dot(y, s)
            if ys > 1e-10:
                if len(dirs) == n_corr:
                    dirs.pop(0)
                    stps.pop(0)
                dirs.append(s)
                stps.append(y)
                h_diag = ys / seq_dot(y, y)
            ro = [1 / seq_dot(stps[i], dirs[i]) for i in range(len(dirs))]
            q = -g
            al = [0.0] * len(dirs)
            for i in reversed(range(len(dirs))):
                al[i] = seq_dot(dirs[i], q) * ro[i]
                q = q + -al[i] * stps[i]
            d = q * h_diag
            for i in range(len(dirs)):
                d = d + (al[i] - seq_dot(stps[i], d) * ro[i]) * dirs[i]
        g_old, f_old = g.copy(), f
        gtd = seq_dot(g, d)
        if gtd > -tol_x:
            break
        t = min(1, 1 / np.abs(g).sum()) * lr if n == 1 else lr
        x = x + t * d
        if n != max_iter:
            f, g = fn(x)
            hist.append(f)
            evals += 1
        if n == max_iter or evals >= max_eval or np.abs(g).sum() <= tol_fun:
            break
        if np.abs(d * t).sum() <= tol_x or abs(f - f_old) < tol_x:
            break
    return x, hist


@pytest.mark.parametrize("config", [{}, {"maxIter": 50}, {"maxIter": 30, "learningRate": 0.5},
                                    {"maxIter": 40, "nCorrection": 3}])
def test_lbfgs_fixed_steps(problem, config):
    fn, x0 = problem
    x = torch.Tensor(x0.tolist())
    cfg = dict(config)
    x2, hist, evals = optim.lbfgs(make_opfunc(fn), x, cfg)
    ref_x, ref_hist = ref_lbfgs(fn, x0, max_iter=cfg.get("maxIter", 20),
                               lr=cfg.get("learningRate", 1), n_corr=cfg.get("nCorrection", 100))
    assert x2 is x
    np.testing.assert_allclose(x._a, ref_x, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hist, ref_hist, rtol=1e-10, atol=1e-14)
    assert evals == len(hist) and cfg["funcEval"] == evals
    assert len(cfg["old_dirs"]) <= cfg.get("nCorrection", 100)
    assert len(cfg["dir_bufs"]) + len(cfg["old_dirs"]) == cfg.get("nCorrection", 100) + 1


def test_lbfgs_state_continues_across_calls():
    # two calls of 6 iterations follow the same path as one call of 12: the direction
    # memory, step and previous gradient are kept in state
    fn, x0 = rosen_np, np.array([-1.2, 1.0])
    x_once = torch.Tensor(x0.tolist())
    optim.lbfgs(make_opfunc(fn), x_once, {"maxIter": 12, "maxEval": 1000})
    x_twice = torch.Tensor(x0.tolist())
    state = {"maxIter": 6, "maxEval": 1000}
    optim.lbfgs(make_opfunc(fn), x_twice, state)
    assert state["nIter"] == 6
    optim.lbfgs(make_opfunc(fn), x_twice, state)
    assert state["nIter"] == 12
    np.testing.assert_allclose(x_twice._a, x_once._a, rtol=1e-12)


def test_lbfgs_stops_at_optimum_without_moving():
    x = torch.Tensor([0.0, 0.0])
    opfunc = make_opfunc(lambda v: (float(v @ v), 2 * v))
    x2, hist, evals = optim.lbfgs(opfunc, x, {})
    assert x2 is x and hist == [0.0] and evals == 1 and opfunc.calls == 1


def test_lbfgs_with_wolfe_line_search_reaches_minimum(problem):
    fn, x0 = problem
    x = torch.Tensor(x0.tolist())
    opfunc = make_opfunc(fn, fresh_gradient=False)  # lswolfe must clone what it keeps
    cfg = {"maxIter": 100, "lineSearch": optim.lswolfe}
    x2, hist, evals = optim.lbfgs(opfunc, x, cfg)
    expected = np.linalg.solve(QUAD_A, QUAD_B) if fn is quad_np else np.ones(2)
    assert x2 is x
    np.testing.assert_allclose(x._a, expected, atol=1e-5)
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(hist))  # Wolfe steps decrease f
    assert evals == opfunc.calls == cfg["funcEval"]


@pytest.mark.parametrize("start,direction", [([-1.2, 1.0], None), ([0.3, -0.4], [1.0, 0.5]),
                                             ([2.0, 2.0], None)])
def test_lswolfe_step_satisfies_strong_wolfe(start, direction):
    c1, c2 = 1e-4, 0.9
    x0 = np.array(start)
    f0, g0 = rosen_np(x0)
    d = -g0 if direction is None else np.array(direction)
    if seq_dot(g0, d) >= 0:
        d = -d
    gtd = seq_dot(g0, d)
    x = torch.Tensor(x0.tolist())
    f, g, x2, t, evals = optim.lswolfe(make_opfunc(rosen_np), x, 1.0, torch.Tensor(d.tolist()),
                                       f0, torch.Tensor(g0.tolist()), gtd)
    assert x2 is x
    np.testing.assert_allclose(x._a, x0 + t * d, rtol=1e-14)
    f_t, g_t = rosen_np(x0 + t * d)
    assert f == pytest.approx(f_t) and np.allclose(g._a, g_t)
    assert f <= f0 + c1 * t * gtd  # sufficient decrease
    assert abs(seq_dot(g_t, d)) <= -c2 * gtd  # curvature
    assert evals >= 1


def test_polyinterp_cubic_two_points():
    # f(x) = (x-1)^3/3 - (x-1) + 2 has its local minimum at x = 2
    f = lambda v: (v - 1) ** 3 / 3 - (v - 1) + 2
    df = lambda v: (v - 1) ** 2 - 1
    pts = torch.Tensor([[1.5, f(1.5), df(1.5)], [3.0, f(3.0), df(3.0)]])
    assert optim.polyinterp(pts) == pytest.approx(2.0)
    # the order of the rows does not matter
    pts2 = torch.Tensor([[3.0, f(3.0), df(3.0)], [1.5, f(1.5), df(1.5)]])
    assert optim.polyinterp(pts2) == pytest.approx(2.0)


def test_polyinterp_without_real_minimum_returns_midpoint():
    # d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2) = -2.5 and d1^2 - g1 g2 = 6.25 - 16 < 0: the cubic
    # has no real critical point, Torch7 falls back to the mean of the two x
    pts = torch.Tensor([[0.0, 0.0, 4.0], [1.0, 3.5, 4.0]])
    assert optim.polyinterp(pts) == pytest.approx(0.5)


def test_polyinterp_clips_to_the_interval():
    # a cubic whose minimum lies beyond the points is clipped to the farther point
    f = lambda v: (v - 5.0) ** 2
    df = lambda v: 2 * (v - 5.0)
    pts = torch.Tensor([[0.0, f(0.0), df(0.0)], [1.0, f(1.0), df(1.0)]])
    assert optim.polyinterp(pts) == pytest.approx(1.0)


def test_polyinterp_with_bounds_uses_the_general_solver():
    # quadratic-like data: f = (x - 0.7)^2, exact cubic fit has its minimum at 0.7
    f = lambda v: (v - 0.7) ** 2
    df = lambda v: 2 * (v - 0.7)
    pts = torch.Tensor([[0.0, f(0.0), df(0.0)], [2.0, f(2.0), df(2.0)]])
    pos, fmin = optim.polyinterp(pts, 0.0, 2.0)
    assert pos == pytest.approx(0.7) and fmin == pytest.approx(0.0, abs=1e-9)
    # bounds that exclude the minimum: the best bound wins
    pos, fmin = optim.polyinterp(pts, 1.0, 2.0)
    assert pos == pytest.approx(1.0) and fmin == pytest.approx(f(1.0))
    # three points: a quintic through (x, f, f')
    pts3 = torch.Tensor([[0.0, f(0.0), df(0.0)], [1.0, f(1.0), df(1.0)],
                         [2.0, f(2.0), df(2.0)]])
    pos, _ = optim.polyinterp(pts3)
    assert pos == pytest.approx(0.7, abs=1e-6)


def test_cg_quadratic_converges_in_few_iterations():
    x0 = np.array([0.5, -1.0, 2.0])
    x = torch.Tensor(x0.tolist())
    opfunc = make_opfunc(quad_np)
    state = {"maxIter": 20}
    x2, fx, evals = optim.cg(opfunc, x, state)
    assert x2 is x
    np.testing.assert_allclose(x._a, np.linalg.solve(QUAD_A, QUAD_B), atol=1e-8)
    assert all(b < a for a, b in itertools.pairwise(fx))  # each accepted line search lowers f
    assert evals == opfunc.calls <= 25  # maxEval = 1.25 * maxIter
    for key in ("df0", "df1", "df2", "df3", "x0", "s"):
        assert torch.isTensor(state[key])


def test_cg_reuses_state_buffers_and_respects_max_eval():
    x = torch.Tensor([-1.2, 1.0])
    state = {"maxEval": 10, "maxIter": 100}
    opfunc = make_opfunc(rosen_np)
    optim.cg(opfunc, x, state)
    buffers = {k: state[k] for k in ("df0", "df1", "df2", "s", "x0")}
    assert opfunc.calls <= 11
    optim.cg(opfunc, x, state)
    for k, t in buffers.items():
        assert state[k] is t
    f, _ = rosen_np(np.array(x._a))
    assert f < rosen_np(np.array([-1.2, 1.0]))[0]


def ref_cg(fn, x, max_iter=20, rho=0.01, sig=0.5, ext=3.0, ratio=100, intv=0.1):
    """Rasmussen's minimize.m, written out in numpy (stopping, as Torch7's cg does, at the
    first failed line search)."""
    max_eval = max_iter * 1.25
    f1, df1 = fn(x)
    hist = [f1]
    evals = 1
    s = -df1
    d1 = -seq_dot(s, s)
    z1 = 1 / (1 - d1)
    while evals < abs(max_eval):
        x0 = x.copy()  # where a failed line search returns to
        x = x + z1 * s
        f2, df2 = fn(x)
        evals += 1
        d2 = seq_dot(df2, s)
        f3, d3, z3 = f1, d1, -z1
        m = min(max_iter, max_eval - evals)
        success = False
        limit = -1
        while True:
            while (f2 > f1 + z1 * rho * d1 or d2 > -sig * d1) and m > 0:
                limit = z1
                if f2 > f1:
                    z2 = z3 - (0.5 * d3 * z3 * z3) / (d3 * z3 + f2 - f3)
                else:
                    A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)
                    B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
                    z2 = (np.sqrt(B * B - A * d2 * z3 * z3) - B) / A
                if not np.isfinite(z2):
                    z2 = z3 / 2
                z2 = max(min(z2, intv * z3), (1 - intv) * z3)
                z1 += z2
                x = x + z2 * s
                f2, df2 = fn(x)
                evals += 1
                m -= 1
                d2 = seq_dot(df2, s)
                z3 -= z2
            if f2 > f1 + z1 * rho * d1 or d2 > -sig * d1:
                break
            if d2 > sig * d1:
                success = True
                break
            if m == 0:
                break
            A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)
            B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
            with np.errstate(all="ignore"):
                z2 = -d2 * z3 * z3 / (B + np.sqrt(B * B - A * d2 * z3 * z3))
            if not np.isfinite(z2) or z2 < 0:
                z2 = z1 * (ext - 1) if limit < -0.5 else (limit - z1) / 2
            elif limit > -0.5 and z2 + z1 > limit:
                z2 = (limit - z1) / 2
            elif limit < -0.5 and z2 + z1 > z1 * ext:
                z2 = z1 * (ext - 1)
            elif z2 < -z3 * intv:
                z2 = -z3 * intv
            elif limit > -0.5 and z2 < (limit - z1) * (1 - intv):
                z2 = (limit - z1) * (1 - intv)
            f3, d3, z3 = f2, d2, -z2
            z1 += z2
            x = x + z2 * s
            f2, df2 = fn(x)
            evals += 1
            m -= 1
            d2 = seq_dot(df2, s)
        if not success:
            return x0, hist, evals
        f1 = f2
        hist.append(f1)
        s = s * ((seq_dot(df2, df2) - seq_dot(df2, df1)) / seq_dot(df1, df1)) + -1 * df2
        df1, df2 = df2, df1
        d2 = seq_dot(df1, s)
        if d2 > 0:
            s = -df1
            d2 = -seq_dot(s, s)
        z1 = z1 * min(ratio, d1 / (d2 - 1e-320))
        d1 = d2
    return x, hist, evals


@pytest.mark.parametrize("config", [{}, {"maxIter": 5}, {"maxIter": 60}, {"maxIter": 30,
                                    "rho": 0.05, "sig": 0.1, "ext": 2.0, "ratio": 10}])
def test_cg_matches_numpy_reference(problem, config):
    fn, x0 = problem
    x = torch.Tensor(x0.tolist())
    x2, hist, evals = optim.cg(make_opfunc(fn), x, dict(config))
    ref_x, ref_hist, ref_evals = ref_cg(fn, x0, max_iter=config.get("maxIter", 20),
                                        rho=config.get("rho", 0.01), sig=config.get("sig", 0.5),
                                        ext=config.get("ext", 3.0),
                                        ratio=config.get("ratio", 100))
    assert x2 is x
    np.testing.assert_allclose(x._a, ref_x, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(hist, ref_hist, rtol=1e-10, atol=1e-14)
    assert evals == ref_evals
