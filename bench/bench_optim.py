"""Speed of optim's steps against the same update written directly in numpy (ratios printed).

Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_optim.py
The numpy baseline is the bare update rule on arrays (no config/state handling, no checks);
the ratio is what Torch7's semantics (config, state, in-place tensors, checks) cost on top.
"""

import time

import numpy as np

from luatorch import optim, torch


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    rows = []
    for n, steps in ((2, 2000), (1_000_000, 20)):
        x = torch.Tensor(n).fill(0.5)
        grad = torch.Tensor(n).fill(0.1)
        feval = lambda p: (0.0, grad)  # noqa: E731
        xa, ga = np.full(n, 0.5), np.full(n, 0.1)

        def run(method, config):
            def go():
                cfg = dict(config)
                for _ in range(steps):
                    method(feval, x, cfg)
            return go

        def np_sgd_momentum():
            buf = None
            for _ in range(steps):
                buf = ga.copy() if buf is None else buf * 0.9 + 0.1 * ga
                xa[...] = xa - 1e-3 * buf

        def np_adam():
            m = np.zeros(n)
            v = np.zeros(n)
            for t in range(1, steps + 1):
                m[...] = m * 0.9 + 0.1 * ga
                v[...] = v * 0.999 + 0.001 * ga * ga
                xa[...] = xa - (1e-3 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)) * m / (
                    np.sqrt(v) + 1e-8)

        cases = [
            ("sgd+momentum", run(optim.sgd, {"learningRate": 1e-3, "momentum": 0.9}),
             np_sgd_momentum),
            ("adam", run(optim.adam, {}), np_adam),
        ]
        for name, ours, base in cases:
            t_ours, t_base = best_of(ours, 3), best_of(base, 3)
            rows.append((f"{name} n={n} x{steps}", t_ours / steps, t_base / steps))
    print(f"{'case':34s} {'luatorch/step':>14s} {'numpy/step':>12s} {'ratio':>7s}")
    for name, a, b in rows:
        print(f"{name:34s} {a * 1e6:12.1f}us {b * 1e6:10.1f}us {a / b:7.2f}")


if __name__ == "__main__":
    main()
