"""Convnet training step: luatorch against PyTorch (CPU, float64), as a ratio measured in one run.

LeNet-style network on 3x32x32 inputs, batch 32: conv 5x5 (3->6) + ReLU + max-pool 2x2,
conv 5x5 (6->16) + ReLU + max-pool 2x2, Linear 400->120 + ReLU, Linear 120->10, LogSoftMax,
ClassNLLCriterion; one iteration = forward + backward + SGD step.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_convnet.py [--torch-python PY]

PyTorch is not a dependency of luatorch: the PyTorch side runs in a subprocess with the first
interpreter that can ``import torch`` among --torch-python, $TORCH_PYTHON, this interpreter
and /tmp/ptvenv/bin/python; without one, only luatorch's time is printed.
"""

import argparse
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

BATCH, ITERS, WARMUP, REPEATS = 32, 30, 3, 5


def luatorch_step_time(input_gradient=True):
    """Best time per step; without ``input_gradient`` the first layer's gradInput is nil, the
    Torch7 idiom for not back-propagating into the data (PyTorch's default for an input)."""
    from luatorch import nn, torch

    torch.manualSeed(1)
    net = nn.Sequential()
    net.add(nn.SpatialConvolution(3, 6, 5, 5)).add(nn.ReLU()).add(nn.SpatialMaxPooling(2, 2, 2, 2))
    net.add(nn.SpatialConvolution(6, 16, 5, 5)).add(nn.ReLU()).add(nn.SpatialMaxPooling(2, 2, 2, 2))
    net.add(nn.View(16 * 5 * 5)).add(nn.Linear(400, 120)).add(nn.ReLU()).add(nn.Linear(120, 10))
    net.add(nn.LogSoftMax())
    if not input_gradient:
        net.modules[0].gradInput = None
    crit = nn.ClassNLLCriterion()
    x = torch.randn(BATCH, 3, 32, 32)
    y = torch.Tensor((np.arange(BATCH) % 10 + 1).astype(np.float64))

    def step():
        net.zeroGradParameters()
        out = net.forward(x)
        loss = crit.forward(out, y)
        net.backward(x, crit.backward(out, y))
        net.updateParameters(0.01)
        return loss

    for _ in range(WARMUP):
        step()
    best = cpu = float("inf")
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(ITERS):
            loss = step()
        best = min(best, (time.perf_counter() - t0) / ITERS)
        cpu = min(cpu, (time.process_time() - c0) / ITERS)
    return best, cpu, loss


TORCH_SCRIPT = r"""
import sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(1)
B, ITERS, WARMUP, REPEATS = (int(v) for v in sys.argv[2:6])
nn = torch.nn
net = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
                    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 10), nn.LogSoftmax(dim=1)).double()
crit = nn.NLLLoss()
x = torch.randn(B, 3, 32, 32, dtype=torch.float64)
y = torch.arange(B) % 10
opt = torch.optim.SGD(net.parameters(), lr=0.01)
def step():
    opt.zero_grad()
    loss = crit(net(x), y)
    loss.backward()
    opt.step()
    return loss
for _ in range(WARMUP):
    step()
best = cpu = float("inf")
for _ in range(REPEATS):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(ITERS):
        step()
    best = min(best, (time.perf_counter() - t0) / ITERS)
    cpu = min(cpu, (time.process_time() - c0) / ITERS)
print(best, cpu, torch.__version__)
"""


def find_torch_python(explicit):
    candidates = [explicit, os.environ.get("TORCH_PYTHON"), sys.executable, "/tmp/ptvenv/bin/python"]
    for py in candidates:
        if py and os.path.exists(py):
            probe = subprocess.run([py, "-c", "import torch"], capture_output=True, check=False)
            if probe.returncode == 0:
                return py
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch-python", help="an interpreter that can import torch")
    args = parser.parse_args()
    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    ours, ours_cpu, loss = luatorch_step_time()
    print(f"LeNet 3x32x32, batch {BATCH}, forward+backward+SGD step, float64, {threads} thread(s)")
    print("best of 5 runs; wall clock, and CPU time (steadier on a shared machine)")
    print(f"luatorch  {ours * 1e3:9.3f} ms/iter wall {ours_cpu * 1e3:9.3f} ms/iter CPU  (loss {loss:.4f})")
    lean, lean_cpu, _ = luatorch_step_time(input_gradient=False)
    print(f"luatorch  {lean * 1e3:9.3f} ms/iter wall {lean_cpu * 1e3:9.3f} ms/iter CPU  "
          "(first layer's gradInput = nil: no gradient w.r.t. the images, as PyTorch)")
    py = find_torch_python(args.torch_python)
    if py is None:
        print("PyTorch   not available (no interpreter with torch found)")
        return
    run = subprocess.run([py, "-c", TORCH_SCRIPT, str(threads), str(BATCH), str(ITERS), str(WARMUP),
                          str(REPEATS)], capture_output=True, text=True, check=True)
    theirs, theirs_cpu, version = run.stdout.split()
    theirs, theirs_cpu = float(theirs), float(theirs_cpu)
    print(f"PyTorch   {theirs * 1e3:9.3f} ms/iter wall {theirs_cpu * 1e3:9.3f} ms/iter CPU  (torch {version})")
    print(f"ratio luatorch / PyTorch: {ours / theirs:.2f}x wall, {ours_cpu / theirs_cpu:.2f}x CPU; "
          f"without the images' gradient {lean / theirs:.2f}x wall, {lean_cpu / theirs_cpu:.2f}x CPU")


if __name__ == "__main__":
    main()
