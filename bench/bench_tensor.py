"""Tensor micro-benchmark: luatorch against plain numpy, as ratios measured in one run.

Run single-threaded, as the goldens were produced and as DESIGN.md asks:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_tensor.py

Each line prints the best time per call of both sides and luatorch / numpy (lower is better).
"""

import os
import sys
import timeit

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from luatorch import torch


def best(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def row(name, ours, theirs, number):
    t_ours, t_np = best(ours, number), best(theirs, number)
    print(f"{name:<34} {t_ours * 1e6:12.2f} us {t_np * 1e6:12.2f} us {t_ours / t_np:8.1f}x")


def main():
    print(f"{'operation':<34} {'luatorch':>15} {'numpy':>15} {'ratio':>9}")

    v = torch.Tensor(1000).fill(1.5)
    va = np.full(1000, 1.5)
    row("element read t[i] (1-D)", lambda: v[500], lambda: va[499], 20000)
    m = torch.Tensor(100, 100).fill(1)
    ma = np.ones((100, 100))
    row("element read t[{i, j}] (2-D)", lambda: m[(50, 50)], lambda: ma[49, 49], 20000)

    def write():
        v[500] = 2.0

    def write_np():
        va[499] = 2.0
    row("element write t[i] = x", write, write_np, 20000)

    for n in (100, 10_000, 1_000_000):
        x, y = torch.Tensor(n).fill(1), torch.Tensor(n).fill(2)
        xa, ya = np.ones(n), np.full(n, 2.0)
        number = max(10, 200_000 // n)
        row(f"x:add(y) in place, n={n}", lambda x=x, y=y: x.add(y),
            lambda xa=xa, ya=ya: np.add(xa, ya, out=xa), number)
        row(f"torch.add(x, y) new, n={n}", lambda x=x, y=y: torch.add(x, y),
            lambda xa=xa, ya=ya: xa + ya, number)
        row(f"x:add(2, y) scaled, n={n}", lambda x=x, y=y: x.add(2, y),
            lambda xa=xa, ya=ya: np.add(xa, 2 * ya, out=xa), number)

    for n in (16, 128, 512):
        a, b = torch.Tensor(n, n).fill(0.5), torch.Tensor(n, n).fill(0.25)
        aa, ba = np.full((n, n), 0.5), np.full((n, n), 0.25)
        res, ra = torch.Tensor(n, n), np.empty((n, n))
        number = max(3, 2_000_000 // (n * n * n) + 1)
        row(f"torch.mm(a, b) {n}x{n}", lambda a=a, b=b: torch.mm(a, b),
            lambda aa=aa, ba=ba: aa @ ba, number)
        row(f"res:addmm(0, res, 1, a, b) {n}x{n}", lambda a=a, b=b, res=res: res.addmm(0, res, 1, a, b),
            lambda aa=aa, ba=ba, ra=ra: np.matmul(aa, ba, out=ra), number)

    w = torch.Tensor(10, 100).fill(0.1)
    inp = torch.Tensor(32, 100).fill(1)
    out = torch.Tensor(32, 10)
    wa, ia, oa = np.full((10, 100), 0.1), np.ones((32, 100)), np.empty((32, 10))
    row("nn.Linear-sized addmm 32x100x10", lambda: out.addmm(0, out, 1, inp, w.t()),
        lambda: np.matmul(ia, wa.T, out=oa), 20000)


if __name__ == "__main__":
    main()
