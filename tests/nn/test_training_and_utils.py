"""nn.StochasticGradient, nn.Jacobian helpers (testIO, backwardUpdate), nn.utils."""

import os
import numpy as np
import pytest
from nn_helpers import T

from luatorch import nn, torch


class Dataset:
    """A dataset as Torch7's StochasticGradient expects: size() and 1-based indexing."""

    def __init__(self, pairs):
        self.pairs = pairs

    def size(self):
        return len(self.pairs)

    def __getitem__(self, i):
        return self.pairs[i - 1]


def test_stochastic_gradient_matches_hand_written_sgd(capsys):
    xs = [T([0, 0]), T([0, 1]), T([1, 0]), T([1, 1])]
    ys = [T([0]), T([1]), T([1]), T([2])]
    data = Dataset(list(zip(xs, ys)))
    mlp = nn.Linear(2, 1)
    ref = mlp.clone()
    torch.manualSeed(3)
    trainer = nn.StochasticGradient(mlp, nn.MSECriterion())
    trainer.maxIteration = 4
    trainer.learningRate = 0.1
    trainer.learningRateDecay = 0.5
    errors = []
    trainer.hookIteration = lambda self, it, err: errors.append((it, err))
    trainer.train(data)
    # the same steps by hand, in the order of one randperm drawn after the same seed
    torch.manualSeed(3)
    order = [int(i) for i in torch.randperm(4)._a]
    lr = 0.1
    crit = nn.MSECriterion()
    expected = []
    for it in range(1, 5):
        total = 0.0
        for i in order:
            x, y = xs[i - 1], ys[i - 1]
            total += crit.forward(ref.forward(x), y)
            ref.updateGradInput(x, crit.updateGradInput(ref.output, y))
            ref.accUpdateGradParameters(x, crit.gradInput, lr)
        expected.append((it, total / 4))
        lr = 0.1 / (1 + (it + 1) * 0.5)
    np.testing.assert_allclose(mlp.weight._a, ref.weight._a)
    assert [e[0] for e in errors] == [1, 2, 3, 4]
    np.testing.assert_allclose([e[1] for e in errors], [e[1] for e in expected])
    out = capsys.readouterr().out.splitlines()
    # th's print ends each value with a tab; numbers concatenate as Lua's %.14g
    assert out[0] == "# StochasticGradient: training\t"
    assert out[1].startswith("# current error = ")
    assert out[-2] == "# StochasticGradient: you have reached the maximum number of iterations\t"
    assert out[-1] == "# training error = " + f"{errors[-1][1]:.14g}" + "\t"


def test_jacobian_testIO_round_trips_through_a_file():
    net = nn.Sequential().add(nn.Linear(3, 4)).add(nn.Tanh()).add(nn.Linear(4, 2))
    errf, errb = nn.Jacobian.testIO(net, torch.randn(5, 3))
    assert errf == 0 and errb == 0


def test_saved_module_keeps_torch7_fields_and_sharing():
    a = nn.Linear(2, 2)
    b = nn.Linear(2, 2).share(a, "weight")
    seq = nn.Sequential().add(a).add(b).add(nn.Dropout(0.2))
    copy = torch.deserialize(torch.serialize(seq))
    assert str(copy) == str(seq)
    assert copy.modules[0].weight.storage() is copy.modules[1].weight.storage()
    assert copy.modules[2].p == 0.2 and copy.modules[2].v2 is True
    assert "accUpdateGradParameters" not in copy.modules[1].__dict__  # not persistent


def test_jacobian_forward_and_backward_agree_for_a_network():
    net = nn.Sequential().add(nn.Linear(3, 4)).add(nn.Tanh()).add(nn.Linear(4, 2))
    x = torch.randn(3)
    jf = nn.Jacobian.forward(net, x)
    jb = nn.Jacobian.backward(net, x)
    assert jf._size == (3, 2)
    np.testing.assert_allclose(jf._a, jb._a, atol=1e-7)
    np.testing.assert_allclose(jb._a, net.modules[0].weight._a.T @ np.diag(1 - net.modules[1].output._a ** 2)
                               @ net.modules[2].weight._a.T)


def test_utils():
    a = [T([1, 2]), [T([3])]]
    b, _ = nn.utils.recursiveResizeAs(None, a)
    assert b[0]._size == (2,) and b[1][0]._size == (1,)
    nn.utils.recursiveFill(b, 2)
    nn.utils.recursiveAdd(b, 3, a)
    assert b[0]._a.tolist() == [5, 8] and b[1][0]._a.tolist() == [11]
    c, _ = nn.utils.recursiveCopy(None, a)
    assert c[0]._a.tolist() == [1, 2] and c[0] is not a[0]
    assert nn.utils.addSingletonDimension(T([1, 2]), 2)._size == (2, 1)
    x = torch.Tensor(3, 2).t()
    v = nn.utils.contiguousView(None, x, 6)
    assert v._size == (6,)
    m = nn.Linear(2, 2)
    m.forward(T([1, 2]))
    nn.utils.clear(m, "output", "gradInput")
    assert m.output.nElement() == 0
    converted = nn.utils.recursiveType([T([1.5])], "torch.FloatTensor")
    assert converted[0].type() == "torch.FloatTensor"


@pytest.mark.parametrize("module,bad,good", [
    (lambda: nn.Linear(3, 2), lambda: torch.Tensor(2, 4), lambda: torch.Tensor(2, 3)),
    (lambda: nn.Euclidean(3, 2), lambda: torch.Tensor(2, 4), lambda: torch.Tensor(2, 3)),
    (lambda: nn.Cosine(3, 2), lambda: torch.Tensor(4), lambda: torch.Tensor(3)),
    (lambda: nn.View(4), lambda: torch.Tensor(3, 3), lambda: torch.Tensor(2, 4)),
    (lambda: nn.Reshape(4), lambda: torch.Tensor(3, 3), lambda: torch.Tensor(2, 4)),
    (lambda: nn.CMul(3), lambda: torch.Tensor(2, 4), lambda: torch.Tensor(2, 3)),
    (lambda: nn.SoftMax(), lambda: torch.Tensor(1, 1, 1, 1, 1), lambda: torch.Tensor(3)),
    (lambda: nn.Sum(3), lambda: torch.Tensor(2, 3), lambda: torch.Tensor(2, 3, 1)),
    (lambda: nn.Concat(2).add(nn.Linear(3, 2)).add(nn.Linear(3, 1)),
     lambda: torch.Tensor(2, 4), lambda: torch.Tensor(2, 3)),
])
def test_bad_sizes_raise_naming_the_module_and_leave_it_usable(module, bad, good):
    m = module()
    name = torch.type(m)
    with pytest.raises((ValueError, IndexError)) as info:
        m.forward(bad())
    assert name in str(info.value) or "do not match" in str(info.value)
    before = [p._a.copy() for p in (m.parameters() or ([], []))[0]]
    m.forward(good())
    after = [p._a for p in (m.parameters() or ([], []))[0]]
    for x, y in zip(before, after):
        np.testing.assert_array_equal(x, y)


T7 = os.environ["LUATORCH_SHARED"] + "/t7"


def _expected_params(name):
    """The 'param i ... values ...' lines Torch7 printed for fixture ``name``."""
    with open(f"{T7}/expected.txt") as f:
        blocks = f.read().split("== ")
    block = next(b for b in blocks if b.startswith((name + "\t", name + "\n")))
    params = []
    for line in block.splitlines():
        if line.startswith("param "):
            values = line.split(" values ")[1].split()
            params.append([float(v) for v in values])
    return params


def test_fixture_modules_written_by_torch7_load_and_run():
    import os

    if not os.path.exists(f"{T7}/mlp.bin.t7"):
        pytest.skip("Torch7 fixtures not present")
    mlp = torch.load(f"{T7}/mlp.bin.t7")
    assert str(mlp).startswith("nn.Sequential {\n  [input -> (1) -> (2) -> (3) -> (4) -> output]")
    x = torch.randn(5, 4)
    w1, b1 = mlp.modules[0].weight._a, mlp.modules[0].bias._a
    w2, b2 = mlp.modules[2].weight._a, mlp.modules[2].bias._a
    h = np.tanh(x._a @ w1.T + b1) @ w2.T + b2
    ref = h - np.log(np.exp(h).sum(1, keepdims=True))
    np.testing.assert_allclose(mlp.forward(x)._a, ref)
    params, grads = mlp.getParameters()
    assert params.nElement() == 23 == grads.nElement()
    shared = torch.load(f"{T7}/shared_weights.bin.t7")
    assert shared.modules[0].weight.storage() is shared.modules[1].weight.storage()
    # clone('weight', 'bias') shares no gradients: Torch7's getParameters refuses, as here
    with pytest.raises(ValueError, match="check that you are sharing parameters and gradParameters"):
        shared.getParameters()
    crit = torch.load(f"{T7}/criterion.bin.t7")
    assert crit.forward(T([[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0]]), T([3, 1])) == pytest.approx((9 + 4) / 4)


def test_seeded_modules_match_the_parameters_torch7_saved():
    torch.manualSeed(1)  # as make_fixtures.lua: the Linear is its first random draw
    lin = nn.Linear(3, 2)
    mlp = nn.Sequential().add(nn.Linear(4, 3)).add(nn.Tanh()).add(nn.Linear(3, 2)).add(nn.LogSoftMax())
    for mine, torch7 in zip([lin.weight, lin.bias], _expected_params("linear")):
        assert [f"{v:.17g}" for v in mine._a.reshape(-1)] == [f"{v:.17g}" for v in torch7]
    for mine, torch7 in zip(mlp.parameters()[0], _expected_params("mlp")):
        assert [f"{v:.17g}" for v in mine._a.reshape(-1)] == [f"{v:.17g}" for v in torch7]
