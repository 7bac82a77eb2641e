"""torch.save / torch.load speed against numpy.save / numpy.load of the same bytes.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_serialization.py [--mb 100]

Cases: one large DoubleTensor (binary; ascii on a smaller one, as text is ~3x bigger: its numbers
are formatted vectorised and parsed in C, and also compared with numpy's savetxt/loadtxt), and a 10^4-module nn.Sequential (many small objects: the per-object cost of
the format) against numpy.savez / numpy.load of its tensors. Prints seconds and ratios (best of
the repeats); files go to a temporary directory.
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from luatorch import torch


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def row(name, ours, ref):
    print(f"{name:<44} ours {ours:8.4f} s   numpy {ref:8.4f} s   ratio {ours / ref:6.2f}x")


def bench_tensor(tmp, mb, repeat):
    n = mb * 1024 * 1024 // 8
    t = torch.randn(n // 1000, 1000)
    arr = t._a
    t7, npy = os.path.join(tmp, "t.t7"), os.path.join(tmp, "t.npy")
    save = best(lambda: torch.save(t7, t), repeat)
    np_save = best(lambda: np.save(npy, arr), repeat)
    row(f"save {mb} MB DoubleTensor (binary)", save, np_save)
    load = best(lambda: torch.load(t7), repeat)
    np_load = best(lambda: np.load(npy), repeat)
    row(f"load {mb} MB DoubleTensor (binary)", load, np_load)
    assert np.array_equal(torch.load(t7)._a, arr)
    ser = best(lambda: torch.deserialize(torch.serialize(t)), repeat)
    row(f"serialize+deserialize {mb} MB (memory)", ser, np_save + np_load)

    small = max(1, mb // 10)
    ts = torch.randn(small * 1024 * 1024 // 8)
    t7a = os.path.join(tmp, "a.t7")
    npy_small = os.path.join(tmp, "s.npy")
    save_a = best(lambda: torch.save(t7a, ts, "ascii"), 1)
    np_small = best(lambda: np.save(npy_small, ts._a), repeat)
    row(f"save {small} MB DoubleTensor (ascii)", save_a, np_small)
    load_a = best(lambda: torch.load(t7a, "ascii"), 1)
    row(f"load {small} MB DoubleTensor (ascii)", load_a, best(lambda: np.load(npy_small), repeat))
    assert np.array_equal(torch.load(t7a, "ascii")._a, ts._a)
    # against numpy's own text I/O of the same numbers (%.17g, one per line)
    txt = os.path.join(tmp, "s.txt")
    np_savetxt = best(lambda: np.savetxt(txt, ts._a, fmt="%.17g"), 1)
    row(f"save {small} MB DoubleTensor (ascii) vs np.savetxt", save_a, np_savetxt)
    np_loadtxt = best(lambda: np.loadtxt(txt), 1)
    row(f"load {small} MB DoubleTensor (ascii) vs np.loadtxt", load_a, np_loadtxt)


def bench_network(tmp, n_modules, repeat):
    try:
        from luatorch import nn
    except ImportError:
        print("network case skipped: luatorch.nn is not importable")
        return
    torch.manualSeed(1)
    net = nn.Sequential()
    for i in range(n_modules):
        net.add(nn.Linear(8, 8) if i % 2 == 0 else nn.Tanh())
    arrays = {}
    for i, m in enumerate(net.modules):
        for k, v in vars(m).items():
            if isinstance(v, torch.Tensor) and v.nElement():
                arrays[f"{i}.{k}"] = v._a
    t7, npz = os.path.join(tmp, "net.t7"), os.path.join(tmp, "net.npz")
    for fmt in ("binary", "ascii"):
        save = best(lambda fmt=fmt: torch.save(t7, net, fmt), repeat)
        np_save = best(lambda: np.savez(npz, **arrays), repeat)
        row(f"save {n_modules}-module network ({fmt})", save, np_save)
        load = best(lambda fmt=fmt: torch.load(t7, fmt), repeat)
        np_load = best(lambda: dict(np.load(npz)), repeat)
        row(f"load {n_modules}-module network ({fmt})", load, np_load)
    back = torch.load(t7, "ascii")
    assert len(back.modules) == n_modules
    print(f"  ({len(arrays)} tensors, {sum(a.nbytes for a in arrays.values())} bytes of tensor data)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mb", type=int, default=100)
    p.add_argument("--modules", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_tensor(tmp, args.mb, args.repeat)
        bench_network(tmp, args.modules, args.repeat)


if __name__ == "__main__":
    main()
