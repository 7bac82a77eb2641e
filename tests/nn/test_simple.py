"""Simple layers: outputs against numpy formulas, and finite-difference Jacobians of
updateGradInput / accGradParameters / accUpdateGradParameters, batch and non-batch."""

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian

from luatorch import nn, torch


def rnd(*shape):
    return T(np.random.uniform(-1, 1, shape))


# (name, module factory, non-batch input shape, batch input shape)
JACOBIAN_CASES = [
    ("Linear", lambda: nn.Linear(5, 3), (5,), (4, 5)),
    ("LinearNoBias", lambda: nn.Linear(5, 3, False), (5,), (4, 5)),
    ("Add", lambda: nn.Add(5), (5,), (3, 5)),
    ("AddScalar", lambda: nn.Add(5, True), (5,), (3, 5)),
    ("Mul", lambda: nn.Mul(), (5,), (3, 5)),
    ("CMul", lambda: nn.CMul(5), (5,), (3, 5)),
    ("CMul2d", lambda: nn.CMul(1, 5), (1, 5), (3, 5)),
    ("CAdd", lambda: nn.CAdd(5), (5,), (3, 5)),
    ("MulConstant", lambda: nn.MulConstant(-1.5), (5,), (3, 5)),
    ("AddConstant", lambda: nn.AddConstant(2), (5,), (3, 5)),
    ("Euclidean", lambda: nn.Euclidean(5, 3), (5,), (4, 5)),
    ("WeightedEuclidean", lambda: nn.WeightedEuclidean(5, 3), (5,), (4, 5)),
    ("Cosine", lambda: nn.Cosine(5, 3), (5,), (4, 5)),
    ("Reshape", lambda: nn.Reshape(2, 3), (6,), (4, 6)),
    ("View", lambda: nn.View(2, 3), (6,), (4, 6)),
    ("ViewInfer", lambda: nn.View(-1, 2), (6,), (4, 6)),
    ("Select", lambda: nn.Select(1, 2), (3, 4), (3, 4, 2)),
    ("SelectNeg", lambda: nn.Select(-1, -1), (3, 4), (3, 4, 2)),
    ("Narrow", lambda: nn.Narrow(1, 2, 2), (4, 3), (5, 3)),
    ("Squeeze", lambda: nn.Squeeze(), (3, 1, 4), (2, 1, 4)),
    ("Unsqueeze", lambda: nn.Unsqueeze(2), (3, 4), (2, 3, 4)),
    ("Transpose", lambda: nn.Transpose((1, 2)), (3, 4), (3, 4, 2)),
    ("Replicate", lambda: nn.Replicate(3), (4,), (2, 4)),
    ("Replicate2", lambda: nn.Replicate(3, 2), (4,), (2, 4)),
    ("Padding", lambda: nn.Padding(1, 2), (3,), (3, 2)),
    ("PaddingBefore", lambda: nn.Padding(1, -2, None, 5), (3,), (3, 2)),
    ("Contiguous", lambda: nn.Contiguous(), (3,), (3, 2)),
    ("Exp", lambda: nn.Exp(), (5,), (3, 5)),
    ("Square", lambda: nn.Square(), (5,), (3, 5)),
    ("Power", lambda: nn.Power(3), (5,), (3, 5)),
    ("Clamp", lambda: nn.Clamp(-0.5, 0.5), (5,), (3, 5)),
    ("Normalize2", lambda: nn.Normalize(2), (5,), (3, 5)),
    ("Normalize1.5", lambda: nn.Normalize(1.5), (5,), (3, 5)),
    ("Sum", lambda: nn.Sum(1), (5,), (3, 5)),
    ("SumBatch", lambda: nn.Sum(1, 1), (5,), (3, 5)),
    ("Mean", lambda: nn.Mean(2), (3, 5), (2, 3, 5)),
    ("Max", lambda: nn.Max(1), (5,), (3, 5)),
    ("Min", lambda: nn.Min(2), (3, 5), (2, 3, 5)),
    ("Constant", lambda: nn.Constant(T([1, 2]), 1), (5,), (3, 5)),
    ("GatedLinearUnit", lambda: nn.GatedLinearUnit(), (6,), (3, 6)),
    ("Maxout", lambda: nn.Maxout(4, 3, 2), (4,), (5, 4)),
    ("PartialLinear", lambda: nn.PartialLinear(5, 4), (1, 5), (3, 5)),
]


@pytest.mark.parametrize("name,factory,single,batch", JACOBIAN_CASES, ids=[c[0] for c in JACOBIAN_CASES])
def test_jacobian(name, factory, single, batch):
    for shape in (single, batch):
        assert_jacobian(factory(), torch.Tensor(*shape))


@pytest.mark.parametrize("factory", [lambda: nn.Log(), lambda: nn.Sqrt()], ids=["Log", "Sqrt"])
def test_jacobian_positive_domain(factory):
    m = factory()
    for shape in ((5,), (3, 5)):
        x = torch.Tensor(*shape)
        assert nn.Jacobian.testJacobian(m, x, 0.5, 2) < 1e-5


def test_abs_jacobian_away_from_zero():
    m = nn.Abs()
    x = T([[-2, -0.5, 0.7], [1.5, -1, 0.3]])
    assert nn.Jacobian.backward(m, x)._a.shape == (6, 6)
    np.testing.assert_allclose(nn.Jacobian.backward(m, x)._a, nn.Jacobian.forward(m, x)._a, atol=1e-6)


def test_linear_numbers():
    m = nn.Linear(3, 2)
    x = rnd(4, 3)
    w, b = m.weight._a, m.bias._a
    np.testing.assert_allclose(m.forward(x)._a, x._a @ w.T + b)
    go = rnd(4, 2)
    m.zeroGradParameters()
    m.backward(x, go)
    np.testing.assert_allclose(m.gradInput._a, go._a @ w)
    np.testing.assert_allclose(m.gradWeight._a, go._a.T @ x._a)
    np.testing.assert_allclose(m.gradBias._a, go._a.sum(0))
    np.testing.assert_allclose(m.forward(x.select(1, 2))._a, x._a[1] @ w.T + b)


def test_linear_reset_stdv_and_nobias():
    m = nn.Linear(100, 50)
    assert np.abs(m.weight._a).max() <= 0.1 and np.abs(m.weight._a).max() > 0.09
    m.reset(0.01)
    assert np.abs(m.weight._a).max() <= 0.01 * np.sqrt(3)
    m.noBias()
    assert m.parameters()[0] == [m.weight]
    x = rnd(2, 100)
    np.testing.assert_allclose(m.forward(x)._a, x._a @ m.weight._a.T)


def test_linear_noncontiguous_input():
    m = nn.Linear(3, 2)
    x = rnd(3, 4).t()
    np.testing.assert_allclose(m.forward(x)._a, x._a @ m.weight._a.T + m.bias._a)


def test_bilinear_numbers_and_jacobian():
    m = nn.Bilinear(3, 2, 4)
    x1, x2 = rnd(5, 3), rnd(5, 2)
    out = m.forward([x1, x2])._a
    ref = np.einsum("ni,kij,nj->nk", x1._a, m.weight._a, x2._a) + m.bias._a
    np.testing.assert_allclose(out, ref)
    # gradients by finite differences on the whole table
    go = rnd(5, 4)
    m.zeroGradParameters()
    m.backward([x1, x2], go)
    eps = 1e-6

    def loss():
        return float((m.forward([x1, x2])._a * go._a).sum())
    for t, g in ((x1, m.gradInput[0]), (x2, m.gradInput[1]), (m.weight, m.gradWeight), (m.bias, m.gradBias)):
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
        np.testing.assert_allclose(g._a.reshape(-1), num, atol=1e-6)
    with pytest.raises(ValueError, match="nn.Bilinear"):
        m.forward([rnd(5, 2), x2])


def test_identity_passes_tensors_and_tables():
    m = nn.Identity()
    x = rnd(3)
    assert m.forward(x) is x
    tbl = [x, rnd(2)]
    assert m.forward(tbl) is tbl
    assert m.backward(tbl, tbl) is tbl


def test_add_mul_cmul_numbers():
    x = rnd(3, 4)
    a = nn.Add(4)
    np.testing.assert_allclose(a.forward(x)._a, x._a + a.bias._a)
    m = nn.Mul()
    np.testing.assert_allclose(m.forward(x)._a, x._a * m.weight._a[0])
    c = nn.CMul(4)
    np.testing.assert_allclose(c.forward(x)._a, x._a * c.weight._a)
    c2 = nn.CAdd(3, 1)
    np.testing.assert_allclose(c2.forward(x)._a, x._a + c2.bias._a)
    assert nn.MulConstant(3).forward(x)._a.tolist() == (x._a * 3).tolist()
    assert nn.AddConstant(3).forward(x)._a.tolist() == (x._a + 3).tolist()


def test_inplace_constants_restore_input():
    x = T([1.0, 2.0])
    m = nn.MulConstant(2, True)
    out = m.forward(x)
    assert out._a.tolist() == [2, 4] and x._a.tolist() == [2, 4]
    g = m.backward(x, T([1.0, 1.0]))
    assert g._a.tolist() == [2, 2] and x._a.tolist() == [1, 2]


def test_distance_layers_numbers():
    x = rnd(4, 5)
    e = nn.Euclidean(5, 3)
    ref = np.sqrt(((x._a[:, :, None] - e.weight._a[None]) ** 2).sum(1))
    np.testing.assert_allclose(e.forward(x)._a, ref)
    c = nn.Cosine(5, 3)
    w = c.weight._a
    ref = (x._a @ w.T) / np.outer(np.linalg.norm(x._a, axis=1), np.linalg.norm(w, axis=1))
    np.testing.assert_allclose(c.forward(x)._a, ref)
    we = nn.WeightedEuclidean(5, 3)
    we.diagCov._a[...] = np.random.uniform(0.5, 2, (5, 3))
    ref = np.sqrt(((we.diagCov._a[None] * (x._a[:, :, None] - we.weight._a[None])) ** 2).sum(1))
    np.testing.assert_allclose(we.forward(x)._a, ref)


def test_lookup_table():
    m = nn.LookupTable(6, 3)
    idx = torch.LongTensor([[1, 3, 3], [6, 2, 1]])
    out = m.forward(idx)
    assert out._size == (2, 3, 3)
    np.testing.assert_array_equal(out._a, m.weight._a[idx._a - 1])
    m.zeroGradParameters()
    go = T(np.ones((2, 3, 3)))
    m.backward(idx, go)
    np.testing.assert_array_equal(m.gradWeight._a[:, 0], [2, 1, 2, 0, 0, 1])
    assert m.forward(torch.LongTensor([2]))._size == (1, 3)
    with pytest.raises(IndexError, match="nn.LookupTable.*7"):
        m.forward(torch.LongTensor([7]))
    # paddingValue: its rows get no gradient
    p = nn.LookupTable(4, 2, 2)
    p.zeroGradParameters()
    p.forward(torch.LongTensor([2, 3]))
    p.backward(torch.LongTensor([2, 3]), T(np.ones((2, 2))))
    assert p.gradWeight._a[1].tolist() == [0, 0] and p.gradWeight._a[2].tolist() == [1, 1]
    # maxNorm renormalises the rows it reads
    r = nn.LookupTable(4, 3, 0, 1.0)
    r.weight._a[...] = 5
    r.forward(torch.LongTensor([1]))
    assert abs(np.linalg.norm(r.weight._a[0]) - 1) < 1e-6 and r.weight._a[1, 0] == 5


def test_view_batch_and_numInputDims():
    v = nn.View(6)
    assert v.forward(rnd(2, 3))._size == (6,)
    assert v.forward(rnd(4, 2, 3))._size == (4, 6)
    v2 = nn.View(-1).setNumInputDims(2)
    assert v2.forward(rnd(5, 2, 3))._size == (5, 6)
    assert v2.forward(rnd(2, 3))._size == (6,)
    x = rnd(4, 6)
    out = nn.View(2, 3).forward(x)
    assert out.storage() is x.storage()
    with pytest.raises(ValueError, match="do not match"):
        nn.View(4).forward(rnd(3, 3))


def test_reshape_batch_mode():
    r = nn.Reshape(3, 2)
    assert r.forward(rnd(6))._size == (3, 2)
    assert r.forward(rnd(4, 6))._size == (4, 3, 2)
    assert nn.Reshape(6, False).forward(rnd(2, 3))._size == (6,)
    assert nn.Reshape(6, True).forward(rnd(1, 6))._size == (1, 6)


def test_select_narrow_index():
    x = rnd(3, 4)
    np.testing.assert_array_equal(nn.Select(2, 3).forward(x)._a, x._a[:, 2])
    np.testing.assert_array_equal(nn.Select(1, -1).forward(x)._a, x._a[-1])
    np.testing.assert_array_equal(nn.Narrow(2, 2, 2).forward(x)._a, x._a[:, 1:3])
    np.testing.assert_array_equal(nn.Narrow(-1, 3, 2).forward(x)._a, x._a[:, 2:4])
    np.testing.assert_array_equal(nn.Narrow(2, 2, -1).forward(x)._a, x._a[:, 1:4])
    with pytest.raises(ValueError, match="nn.Narrow"):
        nn.Narrow(2, 4, 3).forward(x)
    idx = torch.LongTensor([3, 1, 3])
    m = nn.Index(1)
    np.testing.assert_array_equal(m.forward([x, idx])._a, x._a[[2, 0, 2]])
    g = m.backward([x, idx], T(np.ones((3, 4))))
    assert g[0]._a[:, 0].tolist() == [1, 0, 2]


def test_squeeze_unsqueeze_transpose_replicate_padding():
    assert nn.Squeeze().forward(rnd(2, 1, 3, 1))._size == (2, 3)
    assert nn.Squeeze(2).forward(rnd(2, 1, 3, 1))._size == (2, 3, 1)
    assert nn.Squeeze(1, 2).forward(rnd(5, 1, 3))._size == (5, 3)
    assert nn.Unsqueeze(1).forward(rnd(2, 3))._size == (1, 2, 3)
    assert nn.Unsqueeze(1, 2).forward(rnd(4, 2, 3))._size == (4, 1, 2, 3)
    x = rnd(2, 3, 4)
    np.testing.assert_array_equal(nn.Transpose((1, 3), (1, 2)).forward(x)._a,
                                  x._a.swapaxes(0, 2).swapaxes(0, 1))
    r = nn.Replicate(3, 2).forward(T([1, 2]))
    assert r._a.tolist() == [[1, 1, 1], [2, 2, 2]]
    assert nn.Replicate(2, 1, 1).forward(rnd(5, 3))._size == (5, 2, 3)
    p = nn.Padding(1, 2, None, 9).forward(T([1, 2]))
    assert p._a.tolist() == [1, 2, 9, 9]
    p = nn.Padding(1, -1).forward(T([1, 2]))
    assert p._a.tolist() == [0, 1, 2]
    p = nn.Padding(1, 1, 1).forward(T([[1, 2], [3, 4]]))
    assert p._a.tolist() == [[1, 2, 0], [3, 4, 0]]


def test_copy_converts_types():
    m = nn.Copy("torch.DoubleTensor", "torch.FloatTensor")
    out = m.forward(T([1.5, 2]))
    assert out.type() == "torch.FloatTensor" and out._a.tolist() == [1.5, 2]
    g = m.backward(T([1.5, 2]), torch.FloatTensor(np.array([1, 2], np.float32)))
    assert g.type() == "torch.DoubleTensor"


def test_reductions_numbers():
    x = rnd(3, 4)
    np.testing.assert_allclose(nn.Sum(2).forward(x)._a, x._a.sum(1))
    np.testing.assert_allclose(nn.Mean(1).forward(x)._a, x._a.mean(0))
    np.testing.assert_allclose(nn.Max(2).forward(x)._a, x._a.max(1))
    np.testing.assert_allclose(nn.Min(1).forward(x)._a, x._a.min(0))
    np.testing.assert_allclose(nn.Sum(1, 1).forward(x)._a, x._a.sum(1))
    assert nn.Sum(2, None, False, False).forward(x)._size == (3, 1)
    np.testing.assert_allclose(nn.Sum(-1).forward(x)._a, x._a.sum(1))


def test_table_products():
    a, b = rnd(3, 4), rnd(4, 2)
    mm = nn.MM()
    np.testing.assert_allclose(mm.forward([a, b])._a, a._a @ b._a)
    g = mm.backward([a, b], T(np.ones((3, 2))))
    np.testing.assert_allclose(g[0]._a, np.ones((3, 2)) @ b._a.T)
    np.testing.assert_allclose(g[1]._a, a._a.T @ np.ones((3, 2)))
    ba, bb = rnd(2, 4, 3), rnd(2, 4, 5)
    np.testing.assert_allclose(nn.MM(True, False).forward([ba, bb])._a, ba._a.swapaxes(1, 2) @ bb._a)
    with pytest.raises(ValueError, match="nn.MM"):
        mm.forward([a, a])
    v = rnd(4)
    np.testing.assert_allclose(nn.MV().forward([a, v])._a, a._a @ v._a)
    np.testing.assert_allclose(nn.MV(True).forward([b, rnd(4)])._a.shape, (2,))
    x, y = rnd(3, 4), rnd(3, 4)
    np.testing.assert_allclose(nn.DotProduct().forward([x, y])._a, (x._a * y._a).sum(1))
    np.testing.assert_allclose(nn.PairwiseDistance(2).forward([x, y])._a, np.linalg.norm(x._a - y._a, axis=1))
    cos = (x._a * y._a).sum(1) / np.linalg.norm(x._a, axis=1) / np.linalg.norm(y._a, axis=1)
    np.testing.assert_allclose(nn.CosineDistance().forward([x, y])._a, cos)


def _table_grad_check(m, inputs):
    """Finite differences for a module taking a table of tensors and giving a tensor."""
    out = m.forward(inputs)
    go = rnd(*out._size)
    grads = [g.clone() for g in m.backward(inputs, go)]
    eps = 1e-6
    for t, g in zip(inputs, grads):
        a = t._a.reshape(-1)
        num = np.zeros(a.size)
        for i in range(a.size):
            old = a[i]
            a[i] = old + eps
            fp = float((m.forward(inputs)._a * go._a).sum())
            a[i] = old - eps
            fm = float((m.forward(inputs)._a * go._a).sum())
            a[i] = old
            num[i] = (fp - fm) / (2 * eps)
        np.testing.assert_allclose(g._a.reshape(-1), num, atol=1e-6)


@pytest.mark.parametrize("factory,shapes", [
    (lambda: nn.MM(), [(3, 4), (4, 2)]),
    (lambda: nn.MM(False, True), [(2, 3, 4), (2, 5, 4)]),
    (lambda: nn.MV(), [(3, 4), (4,)]),
    (lambda: nn.MV(True), [(2, 4, 3), (2, 4)]),
    (lambda: nn.DotProduct(), [(3, 4), (3, 4)]),
    (lambda: nn.DotProduct(), [(4,), (4,)]),
    (lambda: nn.PairwiseDistance(2), [(3, 4), (3, 4)]),
    (lambda: nn.PairwiseDistance(1.5), [(4,), (4,)]),
    (lambda: nn.CosineDistance(), [(3, 4), (3, 4)]),
    (lambda: nn.CosineDistance(), [(4,), (4,)]),
])
def test_table_product_gradients(factory, shapes):
    _table_grad_check(factory(), [rnd(*s) for s in shapes])


def test_dropout_train_eval_and_variants():
    d = nn.Dropout(0.25)
    x = T(np.ones((50, 40)))
    out = d.forward(x)._a
    kept = out != 0
    assert 0.65 < kept.mean() < 0.85
    np.testing.assert_allclose(out[kept], 1 / 0.75)
    g = d.backward(x, T(np.ones((50, 40))))._a
    np.testing.assert_array_equal(g != 0, kept)
    d.evaluate()
    np.testing.assert_array_equal(d.forward(x)._a, x._a)
    v1 = nn.Dropout(0.25, True)
    v1.evaluate()
    np.testing.assert_allclose(v1.forward(x)._a, 0.75)
    ip = nn.Dropout(0.5, False, True)
    y = T(np.ones(20))
    assert ip.forward(y).storage() is y.storage()
    with pytest.raises(ValueError, match="illegal percentage"):
        nn.Dropout(1)


def test_l1penalty_and_gradient_reversal():
    x = T([-1.0, 2.0])
    p = nn.L1Penalty(0.5)
    assert p.forward(x) is x and p.loss == 1.5
    assert p.backward(x, T([1.0, 1.0]))._a.tolist() == [0.5, 1.5]
    r = nn.GradientReversal(2)
    assert r.backward(x, T([1.0, -1.0]))._a.tolist() == [-2, 2]


def test_one_hot_and_constant():
    oh = nn.OneHot(4)
    assert oh.forward(torch.LongTensor([2, 4]))._a.tolist() == [[0, 1, 0, 0], [0, 0, 0, 1]]
    c = nn.Constant(T([1, 2]), 1)
    assert c.forward(rnd(3, 5))._a.tolist() == [[1, 2]] * 3
    assert c.forward(rnd(5))._a.tolist() == [1, 2]


def test_testAllUpdate_agrees_for_linear():
    errs = nn.Jacobian.testAllUpdate(nn.Linear(4, 3), rnd(2, 4), "weight", "gradWeight")
    assert set(errs) == {"accGradParameters", "accUpdateGradParameters",
                         "accGradParameters [shared]", "accUpdateGradParameters [shared]"}
    assert max(errs.values()) < 1e-10


def test_partial_linear_restricts_to_the_partition():
    m = nn.PartialLinear(5, 4)
    m.bias._a[...] = [[1, 2, 3, 4]]
    w = m.parameters()[0][0]._a  # the LookupTable's weight: one row per output unit
    x = rnd(3, 5)
    np.testing.assert_allclose(m.forward(x)._a, x._a @ w.T + [1, 2, 3, 4])
    m.setPartition(torch.LongTensor([4, 2]))
    np.testing.assert_allclose(m.forward(x)._a, x._a @ w[[3, 1]].T + [4, 2])
    m.zeroGradParameters()
    m.backward(x, T(np.ones((3, 2))))
    np.testing.assert_allclose(m.gradBias._a, [[0, 3, 0, 3]])
    assert_jacobian(m, torch.Tensor(3, 5))
    m.resetPartition()
    assert m.forward(x)._size == (3, 4)
    assert str(m) == "nn.PartialLinear(5 -> 4)"


def test_normalize_inf_norm():
    m = nn.Normalize(float("inf"))
    x = T([[1.0, -4.0, 2.0], [3.0, 1.0, -1.0]])
    np.testing.assert_allclose(m.forward(x)._a, x._a / np.abs(x._a).max(1, keepdims=True), rtol=1e-9)
    assert_jacobian(nn.Normalize(float("inf")), torch.Tensor(3, 4))


def test_linear_rejects_another_tensor_type_by_name():
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"nn.Linear\(2 -> 2\): input is a torch.FloatTensor"):
        m.forward(torch.FloatTensor(3, 2))
    assert m.forward(torch.Tensor(3, 2).zero())._size == (3, 2)
