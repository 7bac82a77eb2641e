"""BatchNormalization family and SpatialCrossMapLRN against numpy formulas, Jacobians,
train/evaluate behaviour, texts and errors."""

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


@pytest.mark.skipif(not __import__("os").path.exists("/work/shared/t7/batchnorm_trained.bin.t7"),
                    reason="no fixtures")
def test_torch7_trained_batchnorm_loads_and_evaluates():
    m = torch.load("/work/shared/t7/batchnorm_trained.bin.t7")
    assert str(m) == "nn.BatchNormalization (2D) (3)"
    assert set(vars(m)) >= set(vars(nn.BatchNormalization(3)))
    m.evaluate()
    x = np.random.rand(4, 3)
    ref = ((x - m.running_mean._a) / np.sqrt(m.running_var._a + m.eps) * m.weight._a + m.bias._a)
    np.testing.assert_allclose(m.forward(T(x))._a, ref, atol=1e-12)
