"""Table layers and containers: outputs, gradients (finite differences through tables),
buffers, and Torch7's text."""

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian

from luatorch import nn, torch


def rnd(*shape):
    return T(np.random.uniform(-1, 1, shape))


def flatten(x):
    if isinstance(x, torch.Tensor):
        return [x]
    out = []
    for v in x:
        out.extend(flatten(v))
    return out


def numeric_table_grads(m, inputs, go):
    """d sum(output .* go) / d input, for every tensor of a (nested) table input."""
    eps = 1e-6

    def loss():
        out = m.forward(inputs)
        return sum(float((o._a * g._a).sum()) for o, g in zip(flatten(out), flatten(go)))
    grads = []
    for t in flatten(inputs):
        a = t._a.reshape(-1)
        num = np.zeros(a.size)
        for i in range(a.size):
            old = a[i]
            a[i] = old + eps
            fp = loss()
            a[i] = old - eps
            fm = loss()
            a[i] = old
            num[i] = (fp - fm) / (2 * eps)
        grads.append(num.reshape(t._size))
    return grads


def check_table_module(m, inputs):
    out = m.forward(inputs)
    go = [rnd(*o._size) for o in flatten(out)]
    go_struct = go[0] if isinstance(out, torch.Tensor) else _restructure(out, go)
    analytic = [g._a.copy() for g in flatten(m.backward(inputs, go_struct))]
    numeric = numeric_table_grads(m, inputs, go_struct)
    assert len(analytic) == len(numeric)
    for a, n in zip(analytic, numeric):
        np.testing.assert_allclose(a, n, atol=1e-6)


def _restructure(template, flat):
    it = iter(flat)

    def build(t):
        if isinstance(t, torch.Tensor):
            return next(it)
        return [build(v) for v in t]
    return build(template)


@pytest.mark.parametrize("factory,inputs", [
    (lambda: nn.CAddTable(), lambda: [rnd(3, 4), rnd(3, 4), rnd(3, 4)]),
    (lambda: nn.CSubTable(), lambda: [rnd(5), rnd(5)]),
    (lambda: nn.CMulTable(), lambda: [rnd(3, 4), rnd(3, 4), rnd(3, 4)]),
    (lambda: nn.CDivTable(), lambda: [rnd(5), T(np.random.uniform(1, 2, 5))]),
    (lambda: nn.CMaxTable(), lambda: [rnd(3, 4), rnd(3, 4), rnd(3, 4)]),
    (lambda: nn.CMinTable(), lambda: [rnd(3, 4), rnd(3, 4)]),
    (lambda: nn.JoinTable(1), lambda: [rnd(2, 3), rnd(4, 3)]),
    (lambda: nn.JoinTable(2, 2), lambda: [rnd(5, 2, 3), rnd(5, 2, 1)]),
    (lambda: nn.JoinTable(-1), lambda: [rnd(2, 3), rnd(2, 2)]),
    (lambda: nn.SelectTable(2), lambda: [rnd(3), rnd(4), rnd(2)]),
    (lambda: nn.SelectTable(-1), lambda: [rnd(3), [rnd(4), rnd(2)]]),
    (lambda: nn.NarrowTable(2, 2), lambda: [rnd(3), rnd(4), rnd(2)]),
    (lambda: nn.FlattenTable(), lambda: [rnd(3), [rnd(4), [rnd(2)]]]),
    (lambda: nn.ZipTable(), lambda: [[rnd(3), rnd(4)], [rnd(3), rnd(2)]]),
    (lambda: nn.MixtureTable(), lambda: [T(np.random.uniform(0, 1, (3, 2))), [rnd(3, 4), rnd(3, 4)]]),
    (lambda: nn.MixtureTable(), lambda: [T(np.random.uniform(0, 1, (2,))), [rnd(4), rnd(4)]]),
    (lambda: nn.MixtureTable(2), lambda: [T(np.random.uniform(0, 1, (3, 2))), rnd(3, 2, 4)]),
    (lambda: nn.Identity(), lambda: [rnd(3), rnd(2)]),
    (lambda: nn.ParallelTable().add(nn.Linear(3, 2)).add(nn.Tanh()), lambda: [rnd(4, 3), rnd(4, 2)]),
    (lambda: nn.MapTable(nn.Linear(3, 2)), lambda: [rnd(3), rnd(3), rnd(3)]),
    (lambda: nn.ConcatTable().add(nn.SelectTable(1)).add(nn.CAddTable()), lambda: [rnd(3), rnd(3)]),
])
def test_table_module_gradients(factory, inputs):
    check_table_module(factory(), inputs())


def test_table_numbers():
    a, b = T([1.0, 2.0]), T([3.0, 4.0])
    assert nn.CAddTable().forward([a, b])._a.tolist() == [4, 6]
    assert nn.CSubTable().forward([a, b])._a.tolist() == [-2, -2]
    assert nn.CMulTable().forward([a, b])._a.tolist() == [3, 8]
    assert nn.CDivTable().forward([a, b])._a.tolist() == [1 / 3, 0.5]
    assert nn.CMaxTable().forward([a, T([0.0, 5.0])])._a.tolist() == [1, 5]
    assert nn.CMinTable().forward([a, T([0.0, 5.0])])._a.tolist() == [0, 2]
    assert nn.JoinTable(1).forward([a, b])._a.tolist() == [1, 2, 3, 4]
    split = nn.SplitTable(1).forward(T([[1, 2, 3], [4, 5, 6]]))
    assert len(split) == 2 and split[1]._a.tolist() == [4, 5, 6]
    assert nn.SplitTable(1, 1).forward(T([[1, 2], [3, 4]]))[0]._a.tolist() == [1, 3]
    zipped = nn.ZipTable().forward([[a, b], [b, a]])
    assert zipped[0][0] is a and zipped[0][1] is b and zipped[1][0] is b
    assert nn.FlattenTable().forward([a, [b, [a]]]) == [a, b, a]
    assert nn.SelectTable(1).forward([a, b]) is a
    assert nn.SelectTable("x").forward({"x": a, "y": b}) is a
    g = nn.SelectTable("x").backward({"x": a, "y": b}, T([1.0, 1.0]))
    assert g["x"]._a.tolist() == [1, 1] and g["y"]._a.tolist() == [0, 0]
    mix = nn.MixtureTable().forward([T([[0.25, 0.75]]), [T([[4.0]]), T([[8.0]])]])
    assert mix._a.tolist() == [[7.0]]


def test_split_table_gives_views_and_gathers_gradients():
    x = T([[1, 2, 3], [4, 5, 6]])
    m = nn.SplitTable(2)
    out = m.forward(x)
    assert len(out) == 3 and out[0].storage() is x.storage()
    g = m.backward(x, [T([1, 1]), T([2, 2]), T([3, 3])])
    assert g._a.tolist() == [[1, 2, 3], [1, 2, 3]]
    assert_jacobian(nn.Sequential().add(nn.SplitTable(1)).add(nn.JoinTable(1)), torch.Tensor(2, 3))


def test_table_size_errors_name_the_module():
    with pytest.raises(ValueError, match="nn.CAddTable.*2x3"):
        nn.CAddTable().forward([rnd(2, 3), rnd(4)])
    with pytest.raises(ValueError, match="nn.JoinTable.*dimension 2"):
        nn.JoinTable(2).forward([rnd(2, 3), rnd(3, 3)])
    with pytest.raises(TypeError, match="nn.CAddTable"):
        nn.CAddTable().forward(rnd(3))
    with pytest.raises(IndexError, match="nn.SelectTable"):
        nn.SelectTable(3).forward([rnd(1)])
    m = nn.CAddTable()
    assert m.forward([rnd(2), rnd(2)]).nElement() == 2  # still usable


def test_sequential_add_insert_remove_get_size():
    s = nn.Sequential()
    l1, l2, t = nn.Linear(2, 3), nn.Linear(3, 1), nn.Tanh()
    s.add(l1).add(l2)
    assert s.size() == 2 and s.get(1) is l1 and s.gradInput is l1.gradInput and s.output is l2.output
    s.insert(t, 2)
    assert s.get(2) is t and s.size() == 3
    s.remove(2)
    assert s.get(2) is l2
    s.remove()
    assert s.size() == 1 and s.output is l1.output
    with pytest.raises(IndexError):
        s.remove(5)
    assert_jacobian(nn.Sequential().add(nn.Linear(3, 4)).add(nn.Tanh()).add(nn.Linear(4, 2)), torch.Tensor(3))
    assert_jacobian(nn.Sequential().add(nn.Linear(3, 4)).add(nn.Sigmoid()), torch.Tensor(5, 3))


def test_sequential_backward_equals_chain_of_children():
    s = nn.Sequential().add(nn.Linear(3, 4)).add(nn.Tanh()).add(nn.Linear(4, 2))
    x, go = rnd(5, 3), rnd(5, 2)
    s.zeroGradParameters()
    s.forward(x)
    gi = s.backward(x, go, 0.5).clone()
    ref = [m.clone() for m in s.modules]
    for m in ref:
        m.zeroGradParameters()
    h1 = ref[0].forward(x)
    h2 = ref[1].forward(h1)
    ref[2].forward(h2)
    g2 = ref[2].backward(h2, go, 0.5)
    g1 = ref[1].backward(h1, g2, 0.5)
    g0 = ref[0].backward(x, g1, 0.5)
    np.testing.assert_allclose(gi._a, g0._a)
    np.testing.assert_allclose(s.modules[0].gradWeight._a, ref[0].gradWeight._a)
    # updateGradInput + accGradParameters give the same
    s.zeroGradParameters()
    s.updateGradInput(x, go)
    s.accGradParameters(x, go, 0.5)
    np.testing.assert_allclose(s.modules[2].gradBias._a, ref[2].gradBias._a)


def test_concat_numbers_and_jacobian():
    c = nn.Concat(1).add(nn.Identity()).add(nn.MulConstant(2))
    assert c.forward(T([1, 2]))._a.tolist() == [1, 2, 2, 4]
    assert c.backward(T([1, 2]), T([1, 1, 1, 1]))._a.tolist() == [3, 3]
    c2 = nn.Concat(2).add(nn.Linear(3, 2)).add(nn.Linear(3, 4))
    assert c2.forward(rnd(5, 3))._size == (5, 6)
    assert_jacobian(c2, torch.Tensor(5, 3))
    assert_jacobian(nn.Concat(1).add(nn.Linear(3, 2)).add(nn.Tanh()), torch.Tensor(3))
    with pytest.raises(ValueError, match="nn.Concat"):
        nn.Concat(1).add(nn.Linear(3, 2)).add(nn.Identity()).forward(rnd(4, 3))


def test_concat_table_jacobian_on_tensor_input():
    ct = nn.ConcatTable().add(nn.Linear(3, 2)).add(nn.Tanh())
    out = ct.forward(rnd(4, 3))
    assert len(out) == 2
    net = nn.Sequential().add(ct).add(nn.FlattenTable()).add(
        nn.ParallelTable().add(nn.Identity()).add(nn.Narrow(2, 1, 2))).add(nn.CAddTable())
    assert_jacobian(net, torch.Tensor(4, 3))


def test_parallel():
    p = nn.Parallel(1, 1).add(nn.Linear(3, 2)).add(nn.Linear(3, 1))
    x = rnd(2, 3)
    out = p.forward(x)
    assert out._size == (3,)
    np.testing.assert_allclose(out._a[:2], p.modules[0].forward(x.select(1, 1))._a)
    assert_jacobian(p, torch.Tensor(2, 3))
    assert str(p).startswith("nn.Parallel {\n  input\n    |`-> (1): nn.Linear(3 -> 2)")


def test_maptable_shares_parameters():
    base = nn.Linear(3, 2)
    m = nn.MapTable(base)
    xs = [rnd(3), rnd(3)]
    out = m.forward(xs)
    assert len(out) == 2 and len(m.modules) == 2
    assert m.modules[1].weight.storage() is base.weight.storage()
    np.testing.assert_allclose(out[1]._a, base.weight._a @ xs[1]._a + base.bias._a)
    m.zeroGradParameters()
    m.backward(xs, [T([1, 0]), T([0, 1])])
    np.testing.assert_allclose(base.gradBias._a, [1, 1])
    assert len(m.parameters()[0]) == 2


def test_bottle_folds_leading_dimensions():
    b = nn.Bottle(nn.Linear(3, 2))
    x = rnd(4, 5, 3)
    out = b.forward(x)
    assert out._size == (4, 5, 2)
    np.testing.assert_allclose(out._a, x._a @ b.modules[0].weight._a.T + b.modules[0].bias._a)
    assert_jacobian(b, torch.Tensor(2, 3, 3))


def test_container_parameters_and_modes():
    net = nn.Sequential().add(nn.ConcatTable().add(nn.Linear(2, 2)).add(nn.Linear(2, 2))).add(nn.CAddTable())
    w, _g = net.parameters()
    assert len(w) == 4
    net.evaluate()
    assert net.modules[0].modules[1].train is False
    net.reset(0.01)
    assert np.abs(net.modules[0].modules[0].weight._a).max() <= 0.01 * np.sqrt(3)
