"""Transfer functions: outputs against numpy formulas, Jacobians batch and non-batch, in-place."""

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian

from luatorch import nn, torch


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# (name, factory, numpy reference of the output)
CASES = [
    ("Sigmoid", lambda: nn.Sigmoid(), sigmoid),
    ("Tanh", lambda: nn.Tanh(), np.tanh),
    ("ReLU", lambda: nn.ReLU(), lambda x: np.maximum(x, 0)),
    ("ReLU6", lambda: nn.ReLU6(), lambda x: np.clip(x, 0, 6)),
    ("Threshold", lambda: nn.Threshold(0.5, -3), lambda x: np.where(x > 0.5, x, -3)),
    ("HardTanh", lambda: nn.HardTanh(), lambda x: np.clip(x, -1, 1)),
    ("HardTanh2", lambda: nn.HardTanh(-0.5, 1.5), lambda x: np.clip(x, -0.5, 1.5)),
    ("LeakyReLU", lambda: nn.LeakyReLU(0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    ("ELU", lambda: nn.ELU(0.7), lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1))),
    ("HardShrink", lambda: nn.HardShrink(0.6), lambda x: np.where(np.abs(x) > 0.6, x, 0)),
    ("SoftShrink", lambda: nn.SoftShrink(0.6), lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.6, 0)),
    ("SoftPlus", lambda: nn.SoftPlus(), lambda x: np.log1p(np.exp(x))),
    ("SoftPlusBeta", lambda: nn.SoftPlus(2), lambda x: np.log1p(np.exp(2 * x)) / 2),
    ("SoftSign", lambda: nn.SoftSign(), lambda x: x / (1 + np.abs(x))),
    ("LogSigmoid", lambda: nn.LogSigmoid(), lambda x: np.log(sigmoid(x))),
    ("TanhShrink", lambda: nn.TanhShrink(), lambda x: x - np.tanh(x)),
    ("PReLU", lambda: nn.PReLU(), lambda x: np.where(x > 0, x, 0.25 * x)),
    ("SoftMax", lambda: nn.SoftMax(), lambda x: softmax(x, x.ndim - 1)),
    ("SoftMin", lambda: nn.SoftMin(), lambda x: softmax(-x, x.ndim - 1)),
    ("LogSoftMax", lambda: nn.LogSoftMax(), lambda x: np.log(softmax(x, x.ndim - 1))),
]


@pytest.mark.parametrize("name,factory,ref", CASES, ids=[c[0] for c in CASES])
def test_output_and_jacobian(name, factory, ref):
    for shape in ((7,), (4, 7)):
        x = T(np.random.uniform(-3, 3, shape))
        m = factory()
        np.testing.assert_allclose(m.forward(x)._a, ref(x._a), rtol=1e-12, atol=1e-12)
        assert_jacobian(m, torch.Tensor(*shape))


def test_softmax_family_on_images_normalises_over_planes():
    x = T(np.random.uniform(-2, 2, (3, 2, 2)))
    np.testing.assert_allclose(nn.SoftMax().forward(x)._a, softmax(x._a, 0))
    xb = T(np.random.uniform(-2, 2, (2, 3, 2, 2)))
    np.testing.assert_allclose(nn.LogSoftMax().forward(xb)._a, np.log(softmax(xb._a, 1)))
    assert_jacobian(nn.SoftMax(), torch.Tensor(2, 3, 2, 2))
    with pytest.raises(ValueError, match="nn.SoftMax"):
        nn.SoftMax().forward(torch.Tensor(1, 1, 1, 1, 2))


def test_logsoftmax_is_stable_for_large_inputs():
    out = nn.LogSoftMax().forward(T([1000.0, 0.0]))._a
    np.testing.assert_allclose(out, [0, -1000])


def test_prelu_per_channel():
    m = nn.PReLU(3)
    m.weight._a[...] = [0.1, 0.2, 0.3]
    x = T(-np.ones((2, 3, 2, 2)))
    out = m.forward(x)._a
    np.testing.assert_allclose(out[:, :, 0, 1], [[-0.1, -0.2, -0.3]] * 2)
    np.testing.assert_allclose(m.forward(T(-np.ones((3, 2, 2))))._a[:, 1, 0], [-0.1, -0.2, -0.3])
    assert_jacobian(nn.PReLU(3), torch.Tensor(4, 3))
    assert_jacobian(nn.PReLU(3), torch.Tensor(3))
    assert_jacobian(nn.PReLU(3), torch.Tensor(2, 3, 2, 2))
    with pytest.raises(ValueError, match="nn.PReLU"):
        m.forward(torch.Tensor(2, 4))


@pytest.mark.parametrize("factory", [
    lambda ip: nn.ReLU(ip), lambda ip: nn.Threshold(0.1, 0, ip), lambda ip: nn.HardTanh(-1, 1, ip),
    lambda ip: nn.LeakyReLU(0.2, ip), lambda ip: nn.ELU(1, ip), lambda ip: nn.ReLU6(ip)])
def test_inplace_matches_out_of_place(factory):
    x = np.random.uniform(-2, 2, (3, 4))
    go = np.random.uniform(-1, 1, (3, 4))
    ref = factory(False)
    out_ref = ref.forward(T(x))._a.copy()
    g_ref = ref.backward(T(x), T(go))._a.copy()
    m = factory(True)
    xin = T(x)
    out = m.forward(xin)
    assert out.storage() is xin.storage()
    np.testing.assert_allclose(out._a, out_ref)
    gin = T(go)
    g = m.backward(xin, gin)
    assert g.storage() is gin.storage()
    np.testing.assert_allclose(g._a, g_ref)


def test_rrelu_train_and_eval():
    m = nn.RReLU(0.1, 0.3)
    x = T(np.random.uniform(-2, 2, (5, 6)))
    out = m.forward(x)._a
    neg = x._a <= 0
    ratio = out[neg] / x._a[neg]
    assert ((ratio >= 0.1) & (ratio <= 0.3)).all()
    np.testing.assert_array_equal(out[~neg], x._a[~neg])
    g = m.backward(x, T(np.ones((5, 6))))._a
    np.testing.assert_allclose(g, m.noise._a)
    m.evaluate()
    np.testing.assert_allclose(m.forward(x)._a, np.where(x._a >= 0, x._a, 0.2 * x._a))
    assert str(m) == "nn.RReLU (l:0.100000, u:0.300000)"


def test_rrelu_draws_one_uniform_per_nonpositive_element():
    torch.manualSeed(5)
    x = T([1.0, -1.0, 2.0, -2.0])
    out = nn.RReLU(0.1, 0.3).forward(x)._a
    torch.manualSeed(5)
    draws = torch.Tensor(2).uniform(0.1, 0.3)._a
    np.testing.assert_allclose(out, [1, -draws[0], 2, -2 * draws[1]])


def test_non_tensor_input_is_a_clear_error():
    with pytest.raises(TypeError, match="nn.Tanh"):
        nn.Tanh().forward([T([1.0])])
