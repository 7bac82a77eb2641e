"""Criterions: losses against numpy formulas, gradients by finite differences, Torch7's
numbers (golden 13_criterions.out), sizeAverage, number targets, bad input."""

import numpy as np
import pytest
from nn_helpers import T

from luatorch import nn, torch


def rnd(*shape, lo=-1, hi=1):
    return T(np.random.uniform(lo, hi, shape))


def flatten(x):
    if isinstance(x, torch.Tensor):
        return [x]
    out = []
    for v in x:
        out.extend(flatten(v))
    return out


def assert_gradient(crit, input, target, atol=1e-6):
    crit.forward(input, target)
    analytic = [g._a.copy() for g in flatten(crit.backward(input, target))]
    eps = 1e-6
    for t, g in zip(flatten(input), analytic):
        a = t._a.reshape(-1)
        num = np.zeros(a.size)
        for i in range(a.size):
            old = a[i]
            a[i] = old + eps
            fp = crit.forward(input, target)
            a[i] = old - eps
            fm = crit.forward(input, target)
            a[i] = old
            num[i] = (fp - fm) / (2 * eps)
        np.testing.assert_allclose(g.reshape(-1), num, atol=atol)


def signs(n):
    return T(np.where(np.arange(n) % 2 == 0, 1.0, -1.0))


def classes(n, k):
    return T(np.random.randint(1, k + 1, n).astype(float))


# (name, criterion factory, input factory, target factory, numpy loss)
CASES = [
    ("MSE", lambda: nn.MSECriterion(), lambda: rnd(4, 3), lambda: rnd(4, 3),
     lambda x, y: ((x - y) ** 2).mean()),
    ("MSEsum", lambda: nn.MSECriterion(False), lambda: rnd(5), lambda: rnd(5),
     lambda x, y: ((x - y) ** 2).sum()),
    ("Abs", lambda: nn.AbsCriterion(), lambda: rnd(4, 3), lambda: rnd(4, 3),
     lambda x, y: np.abs(x - y).mean()),
    ("SmoothL1", lambda: nn.SmoothL1Criterion(), lambda: rnd(4, 3, lo=-2, hi=2), lambda: rnd(4, 3),
     lambda x, y: np.where(np.abs(x - y) < 1, 0.5 * (x - y) ** 2, np.abs(x - y) - 0.5).mean()),
    ("BCE", lambda: nn.BCECriterion(), lambda: rnd(4, 3, lo=0.1, hi=0.9), lambda: T(np.random.randint(0, 2, (4, 3))),
     lambda x, y: -(y * np.log(x) + (1 - y) * np.log(1 - x)).mean()),
    ("BCEweighted", lambda: nn.BCECriterion(T([1, 2, 0.5])), lambda: rnd(4, 3, lo=0.1, hi=0.9),
     lambda: T(np.random.randint(0, 2, (4, 3))),
     lambda x, y: -((y * np.log(x) + (1 - y) * np.log(1 - x)) * [1, 2, 0.5]).mean()),
    ("DistKLDiv", lambda: nn.DistKLDivCriterion(), lambda: rnd(4, 3), lambda: rnd(4, 3, lo=0, hi=1),
     lambda x, y: (y * (np.log(y) - x)).mean()),
    ("Margin", lambda: nn.MarginCriterion(0.5), lambda: rnd(6), lambda: signs(6),
     lambda x, y: np.maximum(0, 0.5 - x * y).mean()),
    ("SoftMargin", lambda: nn.SoftMarginCriterion(), lambda: rnd(6), lambda: signs(6),
     lambda x, y: np.log1p(np.exp(-x * y)).mean()),
    ("HingeEmbedding", lambda: nn.HingeEmbeddingCriterion(0.5), lambda: rnd(6, lo=0, hi=1), lambda: signs(6),
     lambda x, y: np.where(y == 1, x, np.maximum(0, 0.5 - x)).mean()),
    ("ClassNLL", lambda: nn.ClassNLLCriterion(), lambda: rnd(5, 4), lambda: classes(5, 4),
     lambda x, y: -x[np.arange(5), y.astype(int) - 1].mean()),
    ("ClassNLLsum", lambda: nn.ClassNLLCriterion(None, False), lambda: rnd(5, 4), lambda: classes(5, 4),
     lambda x, y: -x[np.arange(5), y.astype(int) - 1].sum()),
    ("ClassNLLweighted", lambda: nn.ClassNLLCriterion(T([1, 2, 3, 4])), lambda: rnd(5, 4), lambda: classes(5, 4),
     lambda x, y: -(x[np.arange(5), y.astype(int) - 1] * y).sum() / y.sum()),
    ("CrossEntropy", lambda: nn.CrossEntropyCriterion(), lambda: rnd(5, 4), lambda: classes(5, 4),
     lambda x, y: -(x - np.log(np.exp(x).sum(1, keepdims=True)))[np.arange(5), y.astype(int) - 1].mean()),
    ("MultiMargin", lambda: nn.MultiMarginCriterion(), lambda: rnd(5, 4), lambda: classes(5, 4),
     lambda x, y: _multimargin(x, y, 1, 1)),
    ("MultiMarginP2", lambda: nn.MultiMarginCriterion(2, None, 0.5), lambda: rnd(5, 4), lambda: classes(5, 4),
     lambda x, y: _multimargin(x, y, 2, 0.5)),
    ("MultiLabelSoftMargin", lambda: nn.MultiLabelSoftMarginCriterion(), lambda: rnd(4, 3),
     lambda: T(np.random.randint(0, 2, (4, 3))),
     lambda x, y: -(y * np.log(1 / (1 + np.exp(-x))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-x)))).mean()),
    ("WeightedMSE", lambda: nn.WeightedMSECriterion(T([1, 2, 3])), lambda: rnd(4, 3), lambda: rnd(4, 3),
     lambda x, y: ((x - y * [1, 2, 3]) ** 2).mean()),
    ("ClassSimplex", lambda: nn.ClassSimplexCriterion(4), lambda: rnd(5, 4), lambda: classes(5, 4), None),
]


def _multimargin(x, y, p, margin):
    t = y.astype(int) - 1
    z = np.maximum(0, margin - x[np.arange(len(t)), t][:, None] + x)
    z[np.arange(len(t)), t] = 0
    return (z ** p).sum() / x.shape[1] / x.shape[0]


@pytest.mark.parametrize("name,factory,inp,tgt,ref", CASES, ids=[c[0] for c in CASES])
def test_loss_and_gradient(name, factory, inp, tgt, ref):
    crit, x, y = factory(), inp(), tgt()
    f = crit.forward(x, y)
    assert isinstance(f, float) and crit.output == f
    if ref is not None:
        np.testing.assert_allclose(f, ref(x._a, y._a), rtol=1e-9)
    assert_gradient(crit, x, y)
    g = crit.backward(x, y)
    assert g is crit.gradInput and g._size == x._size


def test_class_simplex_embeds_classes_as_equidistant_unit_vectors():
    c = nn.ClassSimplexCriterion(4)
    s = c.simplex._a
    assert s.shape == (4, 4)
    np.testing.assert_allclose(np.linalg.norm(s, axis=1), 1)
    d = np.linalg.norm(s[:, None] - s[None], axis=2)
    np.testing.assert_allclose(d[~np.eye(4, dtype=bool)], d[0, 1])
    x = T(s[[2, 0]])
    assert c.forward(x, T([3, 1])) < 1e-20
    assert c.getTopPrediction(x)._a.tolist() == [3, 1]


def test_multilabel_margin():
    c = nn.MultiLabelMarginCriterion()
    x = T([0.1, 0.2, 0.4, 0.8])
    y = torch.LongTensor([4, 1, 0, 2])  # targets 4 and 1; the 0 ends the list
    ref = sum(max(0, 1 - (x._a[j] - x._a[i])) for j in (3, 0) for i in (1, 2)) / 4
    np.testing.assert_allclose(c.forward(x, y), ref)
    xb = rnd(3, 4)
    yb = torch.LongTensor([[1, 3, 0, 0], [2, 0, 0, 0], [4, 3, 2, 0]])
    assert_gradient(c, xb, yb)


def test_class_nll_number_target_ignore_index_and_errors():
    c = nn.ClassNLLCriterion()
    x = T([-0.1, -2.0, -3.0])
    assert c.forward(x, 2) == 2.0
    assert c.backward(x, 2)._a.tolist() == [0, -1, 0]
    ign = nn.ClassNLLCriterion(None, True, 2)
    xb = T([[-1.0, -2.0], [-3.0, -4.0]])
    assert ign.forward(xb, T([2, 1])) == 3.0
    assert ign.backward(xb, T([2, 1]))._a.tolist() == [[0, 0], [-1, 0]]
    with pytest.raises(IndexError, match="nn.ClassNLLCriterion.*target 4"):
        c.forward(x, 4)
    with pytest.raises(ValueError, match="nn.ClassNLLCriterion.*3 targets for 2"):
        c.forward(xb, T([1, 1, 1]))
    assert c.forward(x, 1) == pytest.approx(0.1)


def test_pointwise_size_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="nn.MSECriterion.*4x3.*5"):
        nn.MSECriterion().forward(rnd(4, 3), rnd(5))


@pytest.mark.parametrize("factory,inputs,target", [
    (lambda: nn.CosineEmbeddingCriterion(0.1), lambda: [rnd(4, 3), rnd(4, 3)], lambda: signs(4)),
    (lambda: nn.CosineEmbeddingCriterion(-0.5), lambda: [rnd(3), rnd(3)], lambda: T([-1])),
    (lambda: nn.MarginRankingCriterion(0.5), lambda: [rnd(6), rnd(6)], lambda: signs(6)),
    (lambda: nn.MarginRankingCriterion(0.5), lambda: [rnd(1), rnd(1)], lambda: 1),
    (lambda: nn.L1HingeEmbeddingCriterion(3), lambda: [rnd(4), rnd(4)], lambda: -1),
    (lambda: nn.L1HingeEmbeddingCriterion(3), lambda: [rnd(4), rnd(4)], lambda: 1),
    (lambda: nn.DistanceRatioCriterion(), lambda: [rnd(5, lo=0, hi=2), rnd(5, lo=0, hi=2)], lambda: None),
    (lambda: nn.ParallelCriterion().add(nn.MSECriterion(), 0.5).add(nn.ClassNLLCriterion()),
     lambda: [rnd(3, 2), rnd(3, 4)], lambda: [rnd(3, 2), classes(3, 4)]),
    (lambda: nn.ParallelCriterion(True).add(nn.MSECriterion()).add(nn.AbsCriterion(), 2),
     lambda: [rnd(3, 2), rnd(3, 2)], lambda: rnd(3, 2)),
    (lambda: nn.MultiCriterion().add(nn.MSECriterion(), 0.5).add(nn.AbsCriterion()),
     lambda: rnd(3, 2), lambda: rnd(3, 2)),
])
def test_table_criterion_gradients(factory, inputs, target):
    assert_gradient(factory(), inputs(), target())


def test_table_criterion_numbers():
    x1, x2 = rnd(4, 3), rnd(4, 3)
    y = signs(4)
    cos = (x1._a * x2._a).sum(1) / np.linalg.norm(x1._a, axis=1) / np.linalg.norm(x2._a, axis=1)
    ref = np.where(y._a == 1, 1 - cos, np.maximum(0, cos - 0.1)).mean()
    np.testing.assert_allclose(nn.CosineEmbeddingCriterion(0.1).forward([x1, x2], y), ref)
    a, b = rnd(6), rnd(6)
    ref = np.maximum(0, -signs(6)._a * (a._a - b._a) + 0.5).mean()
    np.testing.assert_allclose(nn.MarginRankingCriterion(0.5).forward([a, b], signs(6)), ref)
    d = nn.L1HingeEmbeddingCriterion(10).forward([a, b], -1)
    np.testing.assert_allclose(d, 10 - np.abs(a._a - b._a).sum())
    dp, dn = rnd(5, lo=0, hi=2), rnd(5, lo=0, hi=2)
    ref = -np.log(np.exp(-dp._a) / (np.exp(-dp._a) + np.exp(-dn._a))).mean()
    np.testing.assert_allclose(nn.DistanceRatioCriterion().forward([dp, dn]), ref)
    m = nn.MultiCriterion().add(nn.MSECriterion(), 0.5).add(nn.AbsCriterion())
    np.testing.assert_allclose(m.forward(a, b), 0.5 * ((a._a - b._a) ** 2).mean() + np.abs(a._a - b._a).mean())


def test_golden_13_numbers():
    """The Lua script 13_criterions.lua replayed from Python: Torch7's printed numbers."""
    torch.manualSeed(17)
    got = {}

    def show(name, crit, input, target):
        f = crit.forward(input, target)
        g = crit.backward(input, target)
        got[name] = (f"{f:.10f}", f"{np.linalg.norm(g._a):.10f}")

    logp = nn.LogSoftMax().forward(torch.randn(4, 3))
    t = T([1, 3, 2, 3])
    show("ClassNLL", nn.ClassNLLCriterion(), logp, t)
    show("weighted", nn.ClassNLLCriterion(T([1, 2, 0.5])), logp, t)
    show("CrossEntropy", nn.CrossEntropyCriterion(), torch.randn(4, 3), t)
    a, b = torch.randn(4, 3), torch.randn(4, 3)
    show("MSE", nn.MSECriterion(), a, b)
    show("BCE-free Abs", nn.AbsCriterion(), a, b)
    assert got["ClassNLL"] == ("0.9841599850", "0.5000000000")
    assert got["weighted"] == ("1.1692897039", "0.5863019700")
    assert got["CrossEntropy"] == ("1.3761108512", "0.4885056847")
    assert got["MSE"] == ("0.5113782597", "0.4128673151")
    assert got["BCE-free Abs"] == ("0.6136702032", "0.2886751346")


def test_criterion_call_clone_and_type():
    c = nn.MSECriterion()
    f, g = c(T([1.0, 2.0]), T([0.0, 0.0]))
    assert f == 2.5 and g._a.tolist() == [1, 2]
    c2 = c.clone()
    assert c2.gradInput is not c.gradInput and c2.gradInput._a.tolist() == [1, 2]
    c.float()
    assert c.gradInput.type() == "torch.FloatTensor"
    ce = nn.CrossEntropyCriterion().float()
    assert ce.lsm.output.type() == "torch.FloatTensor"


def test_criterion_table_module():
    m = nn.CriterionTable(nn.MSECriterion())
    x, y = T([1.0, 2.0]), T([0.0, 0.0])
    assert m.forward([x, y]) == 2.5
    assert m.backward([x, y], None)[0]._a.tolist() == [1, 2]
