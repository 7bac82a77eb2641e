"""Speed of Torch7-exact random fills against numpy's own generators (ratios printed).

Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_random.py
numpy's generators draw different numbers (53-bit uniforms, other normal methods); they are the
yardstick for speed only. luatorch must reproduce Torch7's streams bit for bit.
"""

import time

import numpy as np

from luatorch import torch

N = 1_000_000


def best_of(fn, repeat=7):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    torch.manualSeed(1)
    legacy = np.random.RandomState(1)
    modern = np.random.default_rng(1)
    t = torch.Tensor(N)
    out = np.empty(N)
    cases = [
        ("rand 10^6", lambda: torch.rand(N), lambda: legacy.random_sample(N)),
        ("randn 10^6", lambda: torch.randn(N), lambda: legacy.standard_normal(N)),
        ("t:uniform(-1, 1) 10^6", lambda: t.uniform(-1, 1), lambda: legacy.uniform(-1, 1, N)),
        ("t:normal(0, 2) 10^6", lambda: t.normal(0, 2), lambda: legacy.normal(0, 2, N)),
        ("t:bernoulli(0.3) 10^6", lambda: t.bernoulli(0.3), lambda: legacy.binomial(1, 0.3, N)),
        ("t:exponential(2) 10^6", lambda: t.exponential(2), lambda: legacy.exponential(0.5, N)),
        ("randperm(10^5)", lambda: torch.randperm(100_000), lambda: legacy.permutation(100_000)),
        ("multinomial 10 cats, 10^5 draws",
         lambda: torch.multinomial(torch.Tensor([0.1] * 10), 100_000, True),
         lambda: legacy.choice(10, 100_000, p=[0.1] * 10)),
    ]
    print(f"{'case':36s} {'luatorch':>10s} {'numpy':>10s} {'ratio':>7s}")
    for name, ours, theirs in cases:
        a, b = best_of(ours), best_of(theirs)
        print(f"{name:36s} {a * 1e3:8.2f}ms {b * 1e3:8.2f}ms {a / b:7.2f}")
    a = best_of(lambda: modern.standard_normal(N, out=out))
    print(f"(numpy Generator.standard_normal 10^6, ziggurat: {a * 1e3:.2f}ms)")


if __name__ == "__main__":
    main()
