"""nn speed against the bare numpy operations each module is made of (ratios; lower is
better, 1.0 = as fast as numpy). Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python bench/bench_nn.py
"""

import timeit

import numpy as np

from luatorch import nn, torch

N, D = 256, 1024
REPEAT = 25


def best_pair(ours, bare, number):
    """Best time of each, measured alternately so that load on the machine hits both alike."""
    t_ours, t_bare = [], []
    for _ in range(REPEAT):
        t_ours.append(timeit.timeit(ours, number=number) / number)
        t_bare.append(timeit.timeit(bare, number=number) / number)
    return min(t_ours), min(t_bare)


def report(name, ours, bare):
    print(f"{name:<34} ours {ours * 1e3:8.3f} ms   numpy {bare * 1e3:8.3f} ms   ratio {ours / bare:5.2f}")


def bench_linear():
    rng = np.random.default_rng(0)
    x = torch.Tensor(rng.standard_normal((N, D)))
    go = torch.Tensor(rng.standard_normal((N, D)))
    m = nn.Linear(D, D)
    W, b = m.weight._a.copy(), m.bias._a.copy()
    gW, gb = np.zeros_like(W), np.zeros_like(b)
    xa, goa = x._a, go._a

    def ours_fwd():
        m.forward(x)

    def bare_fwd():
        return xa @ W.T + b

    def ours_bwd():
        m.backward(x, go)

    def bare_bwd():
        gi = goa @ W
        gW[...] += goa.T @ xa
        gb[...] += goa.sum(0)
        return gi

    report("Linear forward", *best_pair(ours_fwd, bare_fwd, 10))
    report("Linear backward", *best_pair(ours_bwd, bare_bwd, 5))


def bench_criterions():
    rng = np.random.default_rng(1)
    x = torch.Tensor(rng.standard_normal((N, D)))
    y = torch.Tensor(rng.standard_normal((N, D)))
    p = torch.Tensor(rng.uniform(0.05, 0.95, (N, D)))
    t01 = torch.Tensor(rng.integers(0, 2, (N, D)).astype(float))
    logp = nn.LogSoftMax().forward(x).clone()
    cls = torch.Tensor(rng.integers(1, D + 1, N).astype(float))
    xa, ya, pa, ta, la = x._a, y._a, p._a, t01._a, logp._a
    ci = cls._a.astype(np.int64) - 1
    rows = np.arange(N)
    n = xa.size
    eps = 1e-12

    # Each baseline does what the module's forward and backward each must do, as two separate
    # computations (forward's loss, then backward's gradient), the way Torch7 code calls them.
    def mse_bare():
        d = xa - ya
        f = np.vdot(d, d) / n
        return f, (xa - ya) * (2.0 / n)

    def abs_bare():
        f = np.abs(xa - ya).sum() / n
        return f, np.sign(xa - ya) / n

    def smoothl1_bare():
        z = np.abs(xa - ya)
        f = np.where(z < 1, 0.5 * z * z, z - 0.5).sum() / n
        return f, np.clip(xa - ya, -1, 1) / n

    def bce_bare():
        f = -(ta * np.log(pa + eps) + (1 - ta) * np.log(1 - pa + eps)).sum() / n
        return f, -(ta - pa) / ((1 - pa + eps) * (pa + eps)) / n

    def nll_bare():
        f = -la[rows, ci].sum() / N
        g = np.zeros_like(la)
        g[rows, ci] = -1.0 / N
        return f, g

    def ce_bare():
        # forward: log-softmax, pick; backward: NLL gradient, then log-softmax's backward
        lp = xa - xa.max(1, keepdims=True)
        lp -= np.log(np.exp(lp).sum(1, keepdims=True))
        f = -lp[rows, ci].sum() / N
        gn = np.zeros_like(lp)
        gn[rows, ci] = -1.0 / N
        g = gn - np.exp(lp) * gn.sum(1, keepdims=True)
        return f, g

    sgn = torch.Tensor(np.where(rng.random((N, D)) < 0.5, -1.0, 1.0))
    sa = sgn._a
    q = torch.Tensor(rng.uniform(0.01, 1, (N, D)))
    qa = q._a

    def margin_bare():
        f = np.maximum(0.0, 1 - xa * sa).sum() / n
        return f, np.where(xa * sa < 1, -sa, 0.0) / n

    def softmargin_bare():
        f = np.logaddexp(0.0, -xa * sa).sum() / n
        z = np.exp(-xa * sa)
        return f, -sa * z / (1 + z) / n

    def kldiv_bare():
        f = (qa * (np.log(qa) - la)).sum() / n
        return f, -qa / n

    def multimargin_bare():
        z = 1 - xa[rows, ci][:, None] + xa
        z[rows, ci] = 0
        z = np.maximum(z, 0)
        f = z.sum() / D / N
        z = 1 - xa[rows, ci][:, None] + xa
        z[rows, ci] = 0
        g = (z > 0) / (D * N)
        g[rows, ci] = -g.sum(1)
        return f, g

    cases = [
        ("MSECriterion fwd+bwd", nn.MSECriterion(), x, y, mse_bare),
        ("MarginCriterion fwd+bwd", nn.MarginCriterion(), x, sgn, margin_bare),
        ("SoftMarginCriterion fwd+bwd", nn.SoftMarginCriterion(), x, sgn, softmargin_bare),
        ("DistKLDivCriterion fwd+bwd", nn.DistKLDivCriterion(), logp, q, kldiv_bare),
        ("MultiMarginCriterion fwd+bwd", nn.MultiMarginCriterion(), x, cls, multimargin_bare),
        ("AbsCriterion fwd+bwd", nn.AbsCriterion(), x, y, abs_bare),
        ("SmoothL1Criterion fwd+bwd", nn.SmoothL1Criterion(), x, y, smoothl1_bare),
        ("BCECriterion fwd+bwd", nn.BCECriterion(), p, t01, bce_bare),
        ("ClassNLLCriterion fwd+bwd", nn.ClassNLLCriterion(), logp, cls, nll_bare),
        ("CrossEntropyCriterion fwd+bwd", nn.CrossEntropyCriterion(), x, cls, ce_bare),
    ]
    for name, crit, inp, tgt, bare in cases:
        def ours(crit=crit, inp=inp, tgt=tgt):
            crit.forward(inp, tgt)
            crit.backward(inp, tgt)
        # the numbers agree before we time them
        f, g = bare()
        assert abs(crit.forward(inp, tgt) - f) <= 1e-9 * max(1.0, abs(f)), name
        assert np.allclose(crit.backward(inp, tgt)._a, g), name
        report(name, *best_pair(ours, bare, 10))


def bench_mlp_step():
    """One training step of Linear-Tanh-Linear-LogSoftMax + ClassNLL, against the same step
    written in numpy (what a Torch7 script's inner loop costs on top of the arithmetic)."""
    rng = np.random.default_rng(2)
    H, C = 512, 10
    x = torch.Tensor(rng.standard_normal((N, D)))
    y = torch.Tensor(rng.integers(1, C + 1, N).astype(float))
    net = nn.Sequential().add(nn.Linear(D, H)).add(nn.Tanh()).add(nn.Linear(H, C)).add(nn.LogSoftMax())
    crit = nn.ClassNLLCriterion()
    _params, grads = net.getParameters()
    W1, b1 = net.modules[0].weight._a.copy(), net.modules[0].bias._a.copy()
    W2, b2 = net.modules[2].weight._a.copy(), net.modules[2].bias._a.copy()
    xa, ci, rows = x._a, y._a.astype(np.int64) - 1, np.arange(N)

    def ours():
        grads.zero()
        out = net.forward(x)
        crit.forward(out, y)
        net.backward(x, crit.backward(out, y))

    def bare():
        h = np.tanh(xa @ W1.T + b1)
        z = h @ W2.T + b2
        lp = z - z.max(1, keepdims=True)
        lp -= np.log(np.exp(lp).sum(1, keepdims=True))
        f = -lp[rows, ci].mean()
        g = np.zeros_like(lp)
        g[rows, ci] = -1.0 / N
        gz = g - np.exp(lp) * g.sum(1, keepdims=True)
        gW2, gb2 = gz.T @ h, gz.sum(0)
        gh = (gz @ W2) * (1 - h * h)
        gW1, gb1 = gh.T @ xa, gh.sum(0)
        gx = gh @ W1
        return f, gW1, gb1, gW2, gb2, gx

    report("MLP 1024-512-10 train step", *best_pair(ours, bare, 5))


if __name__ == "__main__":
    bench_linear()
    bench_criterions()
    bench_mlp_step()
