"""BatchNormalization family and SpatialCrossMapLRN against numpy formulas, Jacobians,
train/evaluate behaviour, texts and errors."""

import os

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian

from luatorch import nn, torch


def bn_ref(x, w, b, eps):
    """Per-feature normalisation of x (B, C, ...) with batch statistics."""
    axes = (0,) + tuple(range(2, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return (x - mean) / np.sqrt(var + eps) * w.reshape(shape) + b.reshape(shape)


@pytest.mark.parametrize("cls,shape", [
    (nn.BatchNormalization, (6, 3)),
    (nn.SpatialBatchNormalization, (4, 3, 2, 5)),
    (nn.VolumetricBatchNormalization, (2, 3, 2, 2, 3)),
])
def test_batch_normalization_training_and_running_stats(cls, shape):
    m = cls(3, 1e-5, 0.2)
    m.weight._a[...] = [0.5, 1.5, -2.0]
    m.bias._a[...] = [0.1, -0.2, 0.3]
    x = np.random.randn(*shape) * 2 + 1
    out = m.forward(T(x))
    np.testing.assert_allclose(out._a, bn_ref(x, m.weight._a, m.bias._a, 1e-5), atol=1e-12)
    axes = (0,) + tuple(range(2, x.ndim))
    n = x.size // 3
    np.testing.assert_allclose(m.running_mean._a, 0.2 * x.mean(axis=axes), atol=1e-12)
    np.testing.assert_allclose(m.running_var._a, 0.8 + 0.2 * x.var(axis=axes) * n / (n - 1), atol=1e-12)
    np.testing.assert_allclose(m.save_std._a, 1 / np.sqrt(x.var(axis=axes) + 1e-5), atol=1e-12)
    # evaluation uses the running statistics
    m.evaluate()
    ev = m.forward(T(x))
    sh = (1, -1) + (1,) * (x.ndim - 2)
    ref = ((x - m.running_mean._a.reshape(sh)) / np.sqrt(m.running_var._a.reshape(sh) + 1e-5)
           * m.weight._a.reshape(sh) + m.bias._a.reshape(sh))
    np.testing.assert_allclose(ev._a, ref, atol=1e-12)
    # a single sample is accepted while evaluating; the output keeps a leading 1 as in Torch7
    single = m.forward(T(x[0]))
    assert single.size().totable() == [1] + list(shape[1:])
    np.testing.assert_allclose(single._a[0], ref[0], atol=1e-12)


def test_batch_normalization_jacobians_train_and_evaluate():
    m = nn.BatchNormalization(3)
    assert_jacobian(m, torch.rand(5, 3))
    s = nn.SpatialBatchNormalization(2)
    assert_jacobian(s, torch.rand(3, 2, 3, 2))
    s.evaluate()
    s.running_mean._a[...] = [0.3, -0.1]
    s.running_var._a[...] = [2.0, 0.5]
    assert_jacobian(s, torch.rand(3, 2, 3, 2))
    na = nn.BatchNormalization(4, None, None, False)
    assert na.parameters() is None and na.affine is False
    assert nn.Jacobian.testJacobian(na, torch.rand(6, 4)) < 1e-5


def test_batch_normalization_fields_text_and_defaults():
    torch.manualSeed(3)
    m = nn.BatchNormalization(3)
    torch.manualSeed(3)
    w = torch.Tensor(3).uniform()
    assert np.array_equal(m.weight._a, w._a)
    assert list(m.bias._a) == [0, 0, 0]
    assert (m.eps, m.momentum, m.affine, m.train) == (1e-5, 0.1, True, True)
    assert list(m.running_mean._a) == [0, 0, 0] and list(m.running_var._a) == [1, 1, 1]
    assert str(m) == "nn.BatchNormalization (2D) (3)"
    assert str(nn.SpatialBatchNormalization(16)) == "nn.SpatialBatchNormalization (4D) (16)"


def test_batch_normalization_errors():
    m = nn.BatchNormalization(3)
    with pytest.raises(ValueError, match=r"only mini-batch supported \(2D tensor\), got 1D tensor instead"):
        m.forward(torch.rand(3))
    with pytest.raises(ValueError, match="got 4-feature tensor, expected 3"):
        m.forward(torch.rand(2, 4))
    with pytest.raises(ValueError, match=r"only mini-batch supported \(4D tensor\), got 5D"):
        nn.SpatialBatchNormalization(3).forward(torch.rand(2, 3, 2, 2, 2))
    assert list(m.running_mean._a) == [0, 0, 0]  # failed calls leave the statistics alone


def test_batch_normalization_gradients_accumulate():
    m = nn.SpatialBatchNormalization(2)
    x, go = torch.rand(3, 2, 2, 2), torch.rand(3, 2, 2, 2)
    m.zeroGradParameters()
    m.forward(x)
    m.backward(x, go)
    gb = m.gradBias.clone()
    np.testing.assert_allclose(gb._a, go._a.sum(axis=(0, 2, 3)), atol=1e-12)
    m.backward(x, go, 2)
    np.testing.assert_allclose(m.gradBias._a, 3 * gb._a, atol=1e-12)


def test_cross_map_lrn():
    m = nn.SpatialCrossMapLRN(3, 0.01, 0.75, 2)
    x = np.random.randn(2, 5, 3, 3)
    out = m.forward(T(x))
    ref = np.zeros_like(x)
    for c in range(5):
        s = sum(x[:, j] ** 2 for j in range(max(0, c - 1), min(5, c + 2)))
        ref[:, c] = x[:, c] / (2 + 0.01 / 3 * s) ** 0.75
    np.testing.assert_allclose(out._a, ref, atol=1e-12)
    assert_jacobian(m, torch.rand(4, 3, 3))
    assert_jacobian(nn.SpatialCrossMapLRN(5, 0.5, 0.75, 1), torch.rand(2, 6, 2, 2))


FIXTURES = os.environ["LUATORCH_SHARED"] + "/t7"


@pytest.mark.skipif(not os.path.exists(FIXTURES + "/batchnorm_trained.bin.t7"),
                    reason="no fixtures")
def test_torch7_trained_batchnorm_loads_and_evaluates():
    m = torch.load(FIXTURES + "/batchnorm_trained.bin.t7")
    assert str(m) == "nn.BatchNormalization (2D) (3)"
    assert set(vars(m)) >= set(vars(nn.BatchNormalization(3)))
    m.evaluate()
    x = np.random.rand(4, 3)
    ref = ((x - m.running_mean._a) / np.sqrt(m.running_var._a + m.eps) * m.weight._a + m.bias._a)
    np.testing.assert_allclose(m.forward(T(x))._a, ref, atol=1e-12)


def local_sums_ref(x, k):
    """(sum_c conv(x_c, k), sum_c conv(1, k)) with the kernel normalised to sum 1 over all
    planes and zero padding, for x (C, H, W) and an odd 2-D kernel k."""
    C, H, W = x.shape
    kh, kw = k.shape
    ph, pw = kh // 2, kw // 2
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    ones = np.pad(np.ones_like(x), ((0, 0), (ph, ph), (pw, pw)))
    num, den = np.zeros((H, W)), np.zeros((H, W))
    for y in range(H):
        for z in range(W):
            num[y, z] = (xp[:, y:y + kh, z:z + kw] * k).sum()
            den[y, z] = (ones[:, y:y + kh, z:z + kw] * k).sum()
    return num / (k.sum() * C), den / (k.sum() * C)


def local_mean_ref(x, k):
    num, den = local_sums_ref(x, k)
    return num / den


def test_subtractive_normalization():
    k = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
    m = nn.SpatialSubtractiveNormalization(2, T(k))
    x = np.random.randn(2, 5, 6)
    out = m.forward(T(x))
    np.testing.assert_allclose(out._a, x - local_mean_ref(x, k), atol=1e-12)
    # batch mode: the same per sample
    xb = np.random.randn(3, 2, 5, 6)
    outb = m.forward(T(xb))
    for n in range(3):
        np.testing.assert_allclose(outb._a[n], xb[n] - local_mean_ref(xb[n], k), atol=1e-12)
    assert nn.Jacobian.testJacobian(m, torch.rand(2, 4, 5)) < 1e-5
    assert nn.Jacobian.testJacobian(m, torch.rand(2, 2, 4, 5)) < 1e-5
    # a separable 1-D kernel gives the outer-product 2-D kernel's result
    m1 = nn.SpatialSubtractiveNormalization(2, T([1.0, 2.0, 1.0]))
    np.testing.assert_allclose(m1.forward(T(x))._a, x - local_mean_ref(x, k), atol=1e-12)
    with pytest.raises(ValueError, match="ODD dimensions"):
        nn.SpatialSubtractiveNormalization(1, torch.Tensor(4, 4).fill(1))


def test_divisive_and_contrastive_normalization():
    k = np.ones((3, 3))
    m = nn.SpatialDivisiveNormalization(2, T(k), 0.5, 0.5)
    x = np.random.randn(2, 5, 4)
    out = m.forward(T(x))
    num, den = local_sums_ref(x ** 2, k)
    std = np.sqrt(num) / den  # Torch7 divides the root by the border coefficient
    ref_std = np.where(std > 0.5, std, 0.5)
    np.testing.assert_allclose(out._a, x / ref_std, atol=1e-12)
    assert nn.Jacobian.testJacobian(m, torch.rand(2, 4, 4).add(1)) < 1e-4
    c = nn.SpatialContrastiveNormalization(2, T(k), 0.5)
    sub = x - local_mean_ref(x, k)
    num, den = local_sums_ref(sub ** 2, k)
    s = np.sqrt(num) / den
    np.testing.assert_allclose(c.forward(T(x))._a, sub / np.where(s > 0.5, s, 0.5), atol=1e-12)
    assert c.forward(torch.rand(3, 2, 5, 4)).size().totable() == [3, 2, 5, 4]


def test_weight_norm_wraps_linear():
    lin = nn.Linear(4, 3)
    m = nn.WeightNorm(lin)
    assert str(m) == "nn.WeightNorm [nn.Linear(4 -> 3)]"
    v, g = m.v._a, m.g._a
    np.testing.assert_allclose(g, np.sqrt((v ** 2).sum(axis=1)))
    x = np.random.randn(2, 4)
    out = m.forward(T(x))
    w = g[:, None] * v / np.sqrt((v ** 2).sum(axis=1) + 1e-4)[:, None]
    np.testing.assert_allclose(out._a, x @ w.T + lin.bias._a, atol=1e-12)
    params = m.parameters()[0]
    assert params[0] is m.v and params[1] is m.g and params[2] is lin.bias
    # (accUpdateGradParameters does not reach v and g, in Torch7 either: only these two checks)
    for x in (torch.rand(2, 4), torch.rand(4)):
        assert_wn_jacobian(m, x)


def assert_wn_jacobian(m, x):
    assert nn.Jacobian.testJacobian(m, x) < 1e-5
    params, grads = m.parameters()
    for p, g in zip(params, grads):
        assert nn.Jacobian.testJacobianParameters(m, x, p, g) < 1e-5


def test_weight_norm_convolution_output_dim():
    conv = nn.SpatialConvolution(2, 3, 2, 2)
    m = nn.WeightNorm(conv, 2)  # norm per input plane (dimension 2 of the weight)
    assert m.v.size().totable() == [2, 12]
    m.forward(torch.rand(2, 3, 3))
    w = conv.weight._a
    norms = np.sqrt((np.moveaxis(w, 1, 0).reshape(2, -1) ** 2).sum(axis=1))
    np.testing.assert_allclose(norms, m.g._a * np.sqrt((m.v._a ** 2).sum(axis=1))
                               / np.sqrt((m.v._a ** 2).sum(axis=1) + 1e-4), rtol=1e-12)
    assert_wn_jacobian(m, torch.rand(2, 3, 3))


def test_collapse():
    m = nn.Collapse(3)
    x = torch.rand(2, 3, 4, 5)
    out = m.forward(x)
    assert out.size().totable() == [2, 60] and out.storage() is x.storage()
    assert m.forward(torch.rand(3, 4, 5)).size().totable() == [60]
    gi = m.backward(x, torch.rand(2, 60))
    assert gi.size().totable() == [2, 3, 4, 5]
