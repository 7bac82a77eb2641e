"""Overhead of nn.gModule's graph walk against the same network as nn containers.

Prints, per forward+backward, the time of (1) a small MLP as nn.gModule and as nn.Sequential
(the graph's bookkeeping per node is what differs), (2) a small LSTM cell (conformance 10's
graph, 8 Linear and 9 pointwise/table nodes), and the ratio gModule / Sequential measured in
the same run. Small layers make the per-node overhead visible; large ones hide it in BLAS.

usage: python bench/bench_nngraph.py [--repeat N]
"""

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from luatorch import nn, nngraph, torch  # noqa: F401 (nngraph: module calls build nodes)


def best_of(f, repeat, rounds=5):
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(repeat):
            f()
        best = min(best, (time.perf_counter() - t) / repeat)
    return best


def mlp_pair(width, depth):
    layers = [nn.Linear(width, width) for _ in range(depth)]
    seq = nn.Sequential()
    for layer in layers:
        seq.add(layer.clone()).add(nn.Tanh())
    x = nn.Identity()()
    h = x
    for layer in layers:
        h = nn.Tanh()(layer(h))
    return nn.gModule([x], [h]), seq


def lstm(n):
    x, prev_c, prev_h = nn.Identity()(), nn.Identity()(), nn.Identity()()

    def total():
        return nn.CAddTable()([nn.Linear(n, n)(x), nn.Linear(n, n)(prev_h)])

    in_gate, forget_gate = nn.Sigmoid()(total()), nn.Sigmoid()(total())
    out_gate, in_transform = nn.Sigmoid()(total()), nn.Tanh()(total())
    next_c = nn.CAddTable()([nn.CMulTable()([forget_gate, prev_c]), nn.CMulTable()([in_gate, in_transform])])
    next_h = nn.CMulTable()([out_gate, nn.Tanh()(next_c)])
    return nn.gModule([x, prev_c, prev_h], [next_c, next_h])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    torch.manualSeed(1)
    for width, depth, batch in ((16, 4, 8), (256, 4, 64)):
        g, seq = mlp_pair(width, depth)
        inp, grad = torch.randn(batch, width), torch.randn(batch, width)

        def step(m, inp=inp, grad=grad):
            return lambda: (m.forward(inp), m.backward(inp, grad))

        tg, ts = best_of(step(g), args.repeat), best_of(step(seq), args.repeat)
        print(f"MLP {depth}x{width}, batch {batch}: gModule {tg * 1e6:8.1f} us  Sequential "
              f"{ts * 1e6:8.1f} us  ratio {tg / ts:5.2f}")
    cell = lstm(32)
    state = [torch.randn(16, 32), torch.zeros(16, 32), torch.zeros(16, 32)]
    grads = [torch.ones(16, 32), torch.ones(16, 32)]
    t = best_of(lambda: (cell.forward(state), cell.backward(state, grads)), args.repeat)
    print(f"LSTM cell 32, batch 16 ({len(cell.forwardnodes)} nodes): {t * 1e6:8.1f} us per forward+backward")


if __name__ == "__main__":
    main()
