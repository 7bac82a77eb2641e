"""cmaes and de (they draw from the RNG) and FistaLS, checkgrad."""

import numpy as np
import pytest
from optim_objectives import make_opfunc, rosen_np

from luatorch import optim, torch


def sphere(x):
    return float((x._a.astype(np.float64) ** 2).sum())


def test_cmaes_minimises_and_is_reproducible_after_manual_seed():
    def run():
        torch.manualSeed(123)
        x = torch.Tensor([1.0, -2.0, 0.5])
        state = {"sigma": 0.5, "maxEval": 1500, "verb_disp": 0}
        best, fs, evals = optim.cmaes(lambda p: (sphere(p), None), x, state)
        np.testing.assert_array_equal(x._a, [1.0, -2.0, 0.5])  # x itself is not modified
        return best, fs, evals

    best, fs, evals = run()
    assert fs[0] == pytest.approx(5.25)  # f at the starting point comes first
    assert fs[-1] < 1e-8 and sphere(best) == pytest.approx(fs[-1])
    assert evals <= 1500 + 7  # one generation (popsize 4 + floor(3 log 3) = 7) past the limit
    best2, fs2, evals2 = run()
    assert fs2 == fs and evals2 == evals
    np.testing.assert_array_equal(best2._a, best._a)


def test_cmaes_rosenbrock_with_odd_population():
    torch.manualSeed(7)
    x = torch.Tensor([-1.0, 1.5])
    best, fs, _ = optim.cmaes(make_opfunc(rosen_np), x,
                              {"sigma": 0.3, "maxEval": 3000, "popsize": 7, "verb_disp": 0})
    assert fs[-1] < 1e-6
    np.testing.assert_allclose(best._a, [1.0, 1.0], atol=1e-3)


def test_cmaes_verbose_prints_progress(capsys):
    torch.manualSeed(1)
    optim.cmaes(lambda p: sphere(p), torch.Tensor([1.0, 1.0]),
                {"sigma": 0.5, "maxEval": 60, "verb_disp": 1})
    out = capsys.readouterr().out
    assert "evals:\t ax-ratio max(std)   f-value" in out
    assert "best f-value =" in out and "termination by" in out


def test_cmaes_needs_float_or_double():
    with pytest.raises(TypeError, match="torch.symeig not available for torch.LongTensor"):
        optim.cmaes(lambda p: 0.0, torch.LongTensor([1, 2]), {"sigma": 1, "verb_disp": 0})


def test_de_minimises_with_its_own_generator():
    def run():
        x = torch.Tensor(2).zero()
        config = {"popsize": 20, "scaleFactor": 0.5, "crossoverRate": 0.9, "maxFEs": 2000}
        return optim.de(make_opfunc(rosen_np), x, config)

    torch.manualSeed(5)
    before = torch.uniform()
    torch.manualSeed(5)
    best, fx = run()
    after = torch.uniform()
    assert after == before  # de draws from its own generator, not the global one
    assert torch.isTensor(fx) and fx.nElement() == 2000
    f_best, _ = rosen_np(np.array(best._a))
    assert f_best == pytest.approx(float(fx._a.min()))
    assert f_best < 1e-3
    _, fx2 = run()
    np.testing.assert_array_equal(fx2._a, fx._a)  # seeded with 1 inside: always the same


def test_de_max_fes_must_fit_whole_generations():
    with pytest.raises(IndexError, match="maxFEs"):
        optim.de(make_opfunc(rosen_np), torch.Tensor(2).zero(),
                 {"popsize": 10, "scaleFactor": 0.5, "crossoverRate": 0.9, "maxFEs": 25})


# --- FISTA on a lasso problem -------------------------------------------------------------
def lasso(seed=0, n=12, m=20, lam=0.3):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    b = A @ np.where(rng.random(n) < 0.3, rng.standard_normal(n), 0.0)
    return A, b, lam


def fista_functions(A, b, lam):
    def f(x, mode=None):
        r = A @ x._a - b
        value = 0.5 * float(r @ r)
        if mode == "dx":
            return value, torch.Tensor((A.T @ r).tolist())
        return value

    def g(x):
        return lam * float(np.abs(x._a).sum())

    def pl(x, L):
        x._a[...] = np.sign(x._a) * np.maximum(np.abs(x._a) - lam / L, 0)

    return f, g, pl


def ref_ista(A, b, lam, L=0.1, Lstep=1.5, maxiter=50, maxline=20, errthres=1e-4, fista=False):
    """ISTA / FISTA with backtracking, written out in numpy."""
    def fval(v):
        r = A @ v - b
        return 0.5 * r @ r

    def shrink(v, L):
        return np.sign(v) * np.maximum(np.abs(v) - lam / L, 0)

    n = A.shape[1]
    y = np.zeros(n)
    xkm = np.zeros(n)
    tk = 1
    history = []
    while True:
        fy = fval(y)
        grad = A.T @ (A @ y - b)
        nline = 0
        while True:
            ply = shrink(y - grad / L, L)
            xk = ply.copy()
            Q = fy + grad @ (ply - y) + L / 2 * (ply - y) @ (ply - y)
            if fval(ply) <= Q:
                break
            if nline >= maxline:
                xk = xkm.copy()
                break
            L *= Lstep
            nline += 1
        if fista:
            tkp = (1 + np.sqrt(1 + 4 * tk * tk)) / 2
            y = xk + (1 - tk) / tkp * (xkm - xk)
            xkm = xk.copy()
            tk = tkp
        else:
            y = xk.copy()
        history.append(fval(y) + lam * np.abs(y).sum())
        if len(history) > 1 and abs(history[-1] - history[-2]) <= errthres:
            return y, history, L
        if len(history) >= maxiter:
            return y, history, L


@pytest.mark.parametrize("do_fista", [False, True])
def test_fista_matches_numpy_reference(do_fista):
    A, b, lam = lasso()
    f, g, pl = fista_functions(A, b, lam)
    xinit = torch.Tensor(A.shape[1]).zero()
    params = {"doFistaUpdate": do_fista, "maxiter": 200, "errthres": 1e-9}
    sol, history = optim.FistaLS(f, g, pl, xinit, params)
    ref_y, ref_hist, ref_L = ref_ista(A, b, lam, maxiter=200, errthres=1e-9, fista=do_fista)
    np.testing.assert_allclose(sol._a, ref_y, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose([h["F"] for h in history], ref_hist, rtol=1e-9)
    assert params["L"] == pytest.approx(ref_L)
    np.testing.assert_array_equal(xinit._a, sol._a)  # xinit receives the solution
    assert sol is params["y"]
    assert {"nline", "L", "F", "Fply", "Gply", "Q"} <= set(history[0])


# --- checkgrad ------------------------------------------------------------------------------
def test_checkgrad_accepts_a_right_gradient_and_flags_a_wrong_one():
    x = torch.Tensor([-1.2, 1.0])
    diff, dC, dC_est = optim.checkgrad(make_opfunc(rosen_np), x)
    assert diff < 1e-7
    np.testing.assert_allclose(dC_est._a, dC._a, rtol=1e-5)
    # x is put back (to rounding: +eps, -2eps, +eps, as Torch7 does)
    np.testing.assert_allclose(x._a, [-1.2, 1.0], rtol=1e-15)

    def wrong(p):
        f, g = make_opfunc(rosen_np)(p)
        g._a[0] += 1.0
        return f, g

    diff, _, _ = optim.checkgrad(wrong, x, 1e-6)
    assert diff > 1e-4
