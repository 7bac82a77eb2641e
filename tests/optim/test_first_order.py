"""First-order algorithms against their update rules written out in numpy, on a quadratic and
on Rosenbrock, with state carried across calls and x updated in place."""

import math

import numpy as np
import pytest
from optim_objectives import make_opfunc

from luatorch import optim, torch

STEPS = 60


def run(method, fn, x0, config, state=None, steps=STEPS, fresh_gradient=True):
    x = torch.Tensor(x0.tolist())
    opfunc = make_opfunc(fn, fresh_gradient)
    fs = []
    for _ in range(steps):
        result = method(opfunc, x, config, state)
        assert result[0] is x
        fs.extend(result[1])
    return x, fs


# --- numpy references ---------------------------------------------------------------------
def ref_sgd(fn, x, steps, lr=1e-3, lrd=0, wd=0, mom=0, damp=None, nesterov=False, lrs=None,
            wds=None):
    damp = mom if damp is None else damp
    buf = None
    fs = []
    for n in range(steps):
        f, g = fn(x)
        fs.append(f)
        if wd != 0:
            g = g + wd * x
        elif wds is not None:
            g = g + wds * x
        if mom != 0:
            buf = g.copy() if buf is None else buf * mom + (1 - damp) * g
            g = g + mom * buf if nesterov else buf
        clr = lr / (1 + n * lrd)
        x = x + -clr * (lrs * g if lrs is not None else g)
    return x, fs


def ref_adagrad(fn, x, steps, lr=1e-3, lrd=0, wd=0):
    var = np.zeros_like(x)
    fs = []
    for n in range(steps):
        f, g = fn(x)
        fs.append(f)
        if wd:
            g = g + wd * x
        var = var + g * g
        x = x + (-(lr / (1 + n * lrd)) * g) / (np.sqrt(var) + 1e-10)
    return x, fs


def ref_adadelta(fn, x, steps, rho=0.9, eps=1e-6, wd=0):
    var = np.zeros_like(x)
    acc = np.zeros_like(x)
    fs = []
    for _ in range(steps):
        f, g = fn(x)
        fs.append(f)
        if wd:
            g = g + wd * x
        var = var * rho + ((1 - rho) * g) * g
        delta = np.sqrt(acc + eps) / np.sqrt(var + eps) * g
        x = x - delta
        acc = acc * rho + ((1 - rho) * delta) * delta
    return x, fs


def ref_adam(fn, x, steps, lr=1e-3, lrd=0, beta1=0.9, beta2=0.999, eps=1e-8, wd=0):
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    fs = []
    for t in range(1, steps + 1):
        f, g = fn(x)
        fs.append(f)
        if wd:
            g = g + wd * x
        clr = lr / (1 + (t - 1) * lrd)
        m = m * beta1 + (1 - beta1) * g
        v = v * beta2 + ((1 - beta2) * g) * g
        step = clr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        x = x + (-step * m) / (np.sqrt(v) + eps)
    return x, fs


def ref_adamax(fn, x, steps, lr=0.002, beta1=0.9, beta2=0.999, eps=1e-38):
    m = np.zeros_like(x)
    u = np.zeros_like(x)
    fs = []
    for t in range(1, steps + 1):
        f, g = fn(x)
        fs.append(f)
        m = m * beta1 + (1 - beta1) * g
        u = np.maximum(u * beta2, np.abs(g) + eps)
        x = x + (-(lr / (1 - beta1 ** t)) * m) / u
    return x, fs


def ref_rmsprop(fn, x, steps, lr=1e-2, alpha=0.99, eps=1e-8, wd=0, mean0=0):
    m = np.full_like(x, mean0)
    fs = []
    for _ in range(steps):
        f, g = fn(x)
        fs.append(f)
        if wd:
            g = g + wd * x
        m = m * alpha + ((1 - alpha) * g) * g
        x = x + (-lr * g) / (np.sqrt(m) + eps)
    return x, fs


def ref_nag(fn, x, steps, lr=1e-3, lrd=0, wd=0, mom=0.9, lrs=None):
    v = None
    fs = []
    for n in range(steps):
        start = x.copy()
        look = x + mom * v if v is not None else x
        f, g = fn(look)
        fs.append(f)
        if wd:
            g = g + wd * look
        clr = lr / (1 + n * lrd)
        v = np.zeros_like(x) if v is None else v * mom
        v = v + -clr * (lrs * g if lrs is not None else g)
        x = start + v
    return x, fs


def ref_asgd(fn, x, steps, eta0=1e-4, lam=1e-4, alpha=0.75, t0=1e6):
    eta, mu, ax = eta0, 1, np.zeros_like(x)
    fs = []
    for t in range(1, steps + 1):
        f, g = fn(x)
        fs.append(f)
        x = x * (1 - lam * eta)
        x = x + -eta * g
        ax = ax + (x - ax) * mu if mu != 1 else x.copy()
        eta = eta0 / (1 + lam * eta0 * t) ** alpha
        mu = 1 / max(1, t - t0)
    return x, fs, ax


def ref_rprop(fn, x, steps, step0=0.1, etaplus=1.2, etaminus=0.5, smax=50.0, smin=1e-6):
    prev = np.zeros_like(x)
    size = np.full_like(x, step0)
    fs = []
    for _ in range(steps):
        f, g = fn(x)
        fs.append(f)
        s = np.sign(g * prev)
        factor = np.where(s > 0, etaplus, np.where(s < 0, etaminus, 1.0))
        size = np.clip(size * factor, smin, smax)
        g = np.where(s < 0, 0.0, g)
        x = x - np.sign(g) * size
        prev = g
    return x, fs


def check(x, fs, ref_x, ref_fs):
    assert np.all(np.isfinite(ref_x)) and np.all(np.isfinite(ref_fs)), "reference diverged"
    np.testing.assert_allclose(x._a, ref_x, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fs, ref_fs, rtol=1e-12, atol=1e-14)


# --- tests --------------------------------------------------------------------------------
SGD_CONFIGS = [
    {},
    {"learningRate": 0.01},
    {"learningRate": 0.01, "learningRateDecay": 0.1},
    {"learningRate": 0.01, "weightDecay": 0.05},
    {"learningRate": 0.005, "momentum": 0.9},
    {"learningRate": 0.005, "momentum": 0.9, "dampening": 0.2},
    {"learningRate": 0.005, "momentum": 0.8, "dampening": 0, "nesterov": True},
    {"learningRate": 0.004, "momentum": 0.5, "dampening": 0, "nesterov": True,
     "weightDecay": 0.01, "learningRateDecay": 0.01},
]


@pytest.mark.parametrize("config", SGD_CONFIGS)
def test_sgd(problem, lr_scale, config):
    fn, x0 = problem
    cfg = dict(config)
    if "learningRate" in cfg:
        cfg["learningRate"] *= lr_scale
    config = dict(cfg)
    x, fs = run(optim.sgd, fn, x0, cfg)
    kw = {"lr": config.get("learningRate", 1e-3), "lrd": config.get("learningRateDecay", 0),
          "wd": config.get("weightDecay", 0), "mom": config.get("momentum", 0),
          "damp": config.get("dampening"), "nesterov": config.get("nesterov", False)}
    check(x, fs, *ref_sgd(fn, x0, STEPS, **kw))
    assert cfg["evalCounter"] == STEPS
    if kw["mom"]:
        assert torch.isTensor(cfg["dfdx"])


def test_sgd_per_parameter_rates_and_decays(problem, lr_scale):
    fn, x0 = problem
    n = x0.size
    lrs = np.linspace(0.5, 1.5, n)
    wds = np.linspace(0.0, 0.1, n)
    cfg = {"learningRate": 0.01 * lr_scale, "learningRates": torch.Tensor(lrs.tolist()),
           "weightDecays": torch.Tensor(wds.tolist())}
    x, fs = run(optim.sgd, fn, x0, cfg)
    check(x, fs, *ref_sgd(fn, x0, STEPS, lr=0.01 * lr_scale, lrs=lrs, wds=wds))
    assert cfg["deltaParameters"].nElement() == n
    assert cfg["decayParameters"].nElement() == n


def test_sgd_separate_state_and_shared_gradient_buffer(problem, lr_scale):
    fn, x0 = problem
    config = {"learningRate": 0.01 * lr_scale, "momentum": 0.5}
    state = {}
    x, fs = run(optim.sgd, fn, x0, config, state, fresh_gradient=False)
    check(x, fs, *ref_sgd(fn, x0, STEPS, lr=0.01 * lr_scale, mom=0.5))
    assert set(config) == {"learningRate", "momentum"}  # state went to `state`
    assert state["evalCounter"] == STEPS and "dfdx" in state


def test_sgd_momentum_buffer_starts_as_copy():
    # the first momentum step copies the gradient; the buffer is not the gradient itself
    grad = torch.Tensor([1.0, 2.0])
    x = torch.Tensor([0.0, 0.0])
    state = {"learningRate": 1.0, "momentum": 0.5}
    optim.sgd(lambda p: (0.0, grad), x, state)
    assert state["dfdx"] is not grad
    np.testing.assert_array_equal(x._a, [-1.0, -2.0])
    optim.sgd(lambda p: (0.0, grad), x, state)
    np.testing.assert_array_equal(state["dfdx"]._a, [1.0, 2.0])  # 0.5*1 + 0.5*1


@pytest.mark.parametrize("config", [{}, {"learningRate": 0.2}, {"learningRate": 0.3,
                                    "learningRateDecay": 0.05, "weightDecay": 0.01}])
def test_adagrad(problem, config):
    fn, x0 = problem
    cfg = dict(config)
    x, fs = run(optim.adagrad, fn, x0, cfg)
    check(x, fs, *ref_adagrad(fn, x0, STEPS, lr=config.get("learningRate", 1e-3),
                              lrd=config.get("learningRateDecay", 0),
                              wd=config.get("weightDecay", 0)))
    np.testing.assert_allclose(cfg["paramStd"]._a, np.sqrt(cfg["paramVariance"]._a) + 1e-10)
    assert cfg["evalCounter"] == STEPS


@pytest.mark.parametrize("config", [{}, {"rho": 0.95, "eps": 1e-4}, {"weightDecay": 0.1}])
def test_adadelta(problem, config):
    fn, x0 = problem
    cfg = dict(config)
    x, fs = run(optim.adadelta, fn, x0, cfg)
    check(x, fs, *ref_adadelta(fn, x0, STEPS, rho=config.get("rho", 0.9),
                               eps=config.get("eps", 1e-6), wd=config.get("weightDecay", 0)))
    assert {"paramVariance", "paramStd", "delta", "accDelta", "evalCounter"} <= set(cfg)


@pytest.mark.parametrize("config", [{}, {"learningRate": 0.05}, {"learningRate": 0.05,
                                    "beta1": 0.5, "beta2": 0.9, "epsilon": 1e-6},
                                    {"learningRate": 0.02, "learningRateDecay": 0.1,
                                     "weightDecay": 0.01}])
def test_adam(problem, config):
    fn, x0 = problem
    cfg = dict(config)
    x, fs = run(optim.adam, fn, x0, cfg)
    check(x, fs, *ref_adam(fn, x0, STEPS, lr=config.get("learningRate", 1e-3),
                           lrd=config.get("learningRateDecay", 0),
                           beta1=config.get("beta1", 0.9), beta2=config.get("beta2", 0.999),
                           eps=config.get("epsilon", 1e-8), wd=config.get("weightDecay", 0)))
    assert cfg["t"] == STEPS
    assert {"m", "v", "denom"} <= set(cfg)


@pytest.mark.parametrize("config", [{}, {"learningRate": 0.05, "beta1": 0.8}])
def test_adamax(problem, config):
    fn, x0 = problem
    cfg = dict(config)
    x, fs = run(optim.adamax, fn, x0, cfg)
    check(x, fs, *ref_adamax(fn, x0, STEPS, lr=config.get("learningRate", 0.002),
                             beta1=config.get("beta1", 0.9)))
    assert cfg["t"] == STEPS and cfg["max"].size(1) == 2


@pytest.mark.parametrize("config", [{}, {"learningRate": 0.001, "alpha": 0.9},
                                    {"weightDecay": 0.05, "initialMean": 1.0}])
def test_rmsprop(problem, config):
    fn, x0 = problem
    cfg = dict(config)
    x, fs = run(optim.rmsprop, fn, x0, cfg)
    check(x, fs, *ref_rmsprop(fn, x0, STEPS, lr=config.get("learningRate", 1e-2),
                              alpha=config.get("alpha", 0.99), wd=config.get("weightDecay", 0),
                              mean0=config.get("initialMean", 0)))
    assert {"m", "tmp"} <= set(cfg)


@pytest.mark.parametrize("config", [{}, {"learningRate": 0.002, "momentum": 0.5},
                                    {"learningRate": 0.002, "learningRateDecay": 0.1,
                                     "weightDecay": 0.01}])
def test_nag(problem, config):
    fn, x0 = problem
    cfg = dict(config)
    x, fs = run(optim.nag, fn, x0, cfg)
    check(x, fs, *ref_nag(fn, x0, STEPS, lr=config.get("learningRate", 1e-3),
                          lrd=config.get("learningRateDecay", 0),
                          wd=config.get("weightDecay", 0), mom=config.get("momentum", 0.9)))
    assert {"x_copy", "dfdx", "evalCounter"} <= set(cfg)


def test_nag_per_parameter_rates(problem):
    fn, x0 = problem
    lrs = np.linspace(0.5, 1.0, x0.size)
    cfg = {"learningRate": 0.002, "learningRates": torch.Tensor(lrs.tolist())}
    x, fs = run(optim.nag, fn, x0, cfg)
    check(x, fs, *ref_nag(fn, x0, STEPS, lr=0.002, lrs=lrs))


@pytest.mark.parametrize("config", [{"eta0": 1e-3}, {"eta0": 1e-2, "lambda": 1e-3, "t0": 10,
                                                     "alpha": 0.6}])
def test_asgd(problem, lr_scale, config):
    fn, x0 = problem
    cfg = dict(config)
    cfg["eta0"] *= lr_scale
    x = torch.Tensor(x0.tolist())
    opfunc = make_opfunc(fn)
    fs = []
    for _ in range(STEPS):
        x2, f, ax = optim.asgd(opfunc, x, cfg)
        assert x2 is x and ax is cfg["ax"]
        fs.extend(f)
    ref_x, ref_fs, ref_ax = ref_asgd(fn, x0, STEPS, eta0=cfg["eta0"], lam=cfg["lambda"],
                                     alpha=cfg["alpha"], t0=cfg["t0"])
    check(x, fs, ref_x, ref_fs)
    np.testing.assert_allclose(ax._a, ref_ax, rtol=1e-12)
    assert cfg["t"] == STEPS  # defaults were written into config, as in Torch7
    assert {"eta0", "lambda", "alpha", "t0", "eta_t", "mu_t"} <= set(cfg)


@pytest.mark.parametrize("config", [{}, {"stepsize": 0.05, "etaplus": 1.5, "etaminus": 0.3,
                                         "stepsizemax": 0.2, "stepsizemin": 1e-3}])
def test_rprop(problem, config):
    fn, x0 = problem
    cfg = dict(config)
    x, fs = run(optim.rprop, fn, x0, cfg)
    check(x, fs, *ref_rprop(fn, x0, STEPS, step0=config.get("stepsize", 0.1),
                            etaplus=config.get("etaplus", 1.2),
                            etaminus=config.get("etaminus", 0.5),
                            smax=config.get("stepsizemax", 50.0),
                            smin=config.get("stepsizemin", 1e-6)))
    assert cfg["psign"].type() == "torch.ByteTensor"
    assert torch.isTensor(cfg["stepsize"])  # the per-parameter step sizes replace the number


def test_rprop_niter_returns_each_value(problem):
    fn, x0 = problem
    x = torch.Tensor(x0.tolist())
    x2, fs = optim.rprop(make_opfunc(fn), x, {"niter": 7})
    ref_x, ref_fs = ref_rprop(fn, x0, 7)
    assert x2 is x and len(fs) == 7
    check(x, fs, ref_x, ref_fs)


@pytest.mark.parametrize("method", [optim.sgd, optim.adagrad, optim.adadelta, optim.adam,
                                    optim.adamax, optim.rmsprop, optim.nag])
def test_float_tensor_parameters_stay_float(method):
    x = torch.FloatTensor([0.5, -0.25])

    def opfunc(p):
        g = torch.FloatTensor(2)
        g._a[...] = 2 * p._a
        return float((p._a.astype(np.float64) ** 2).sum()), g

    config = {"learningRate": 0.01}
    for _ in range(3):
        out = method(opfunc, x, config)
    assert out[0] is x and x.type() == "torch.FloatTensor"
    assert x._a.dtype == np.float32
    assert np.all(np.abs(x._a) < [0.5, 0.25])


def test_matrix_parameters():
    # x and the gradient may be any shape; updates are element-wise
    x = torch.Tensor([[1.0, 2.0], [3.0, 4.0]])
    target = np.array([[0.0, 1.0], [1.0, 0.0]])

    def opfunc(p):
        g = torch.Tensor(2, 2)
        g._a[...] = p._a - target
        return 0.5 * float(((p._a - target) ** 2).sum()), g

    cfg = {"learningRate": 0.1, "momentum": 0.5}
    for _ in range(200):
        optim.sgd(opfunc, x, cfg)
    np.testing.assert_allclose(x._a, target, atol=1e-8)
    for method in (optim.adam, optim.adamax, optim.rmsprop, optim.adagrad, optim.nag):
        y = torch.Tensor([[1.0, 2.0], [3.0, 4.0]])
        method(opfunc, y, {"learningRate": 0.01})
        assert y.size(1) == 2 and y.size(2) == 2


@pytest.mark.parametrize("method", [optim.sgd, optim.adam, optim.adagrad, optim.rmsprop,
                                    optim.nag, optim.adadelta, optim.rprop, optim.lbfgs])
def test_non_contiguous_parameters_are_updated_through_the_view(method):
    # x is a column of a matrix: the update must land in the matrix's storage
    whole = torch.Tensor([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    column = whole.select(2, 1)
    assert not column.isContiguous()
    reference = torch.Tensor([1.0, 2.0, 3.0])

    def opfunc(p):
        g = torch.Tensor(3)
        g._a[...] = 2 * p._a
        return float((p._a ** 2).sum()), g

    config_a, config_b = {"learningRate": 0.1}, {"learningRate": 0.1}
    for _ in range(3):
        assert method(opfunc, column, config_a)[0] is column
        method(opfunc, reference, config_b)
    np.testing.assert_array_equal(whole._a[:, 0], reference._a)
    np.testing.assert_array_equal(whole._a[:, 1], [10.0, 20.0, 30.0])
