"""Temporal layers against direct loops, Jacobians, texts, errors and Torch7's init stream."""

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian

from luatorch import nn, torch


def tconv_ref(x, w, b, kW, dW):
    """x (T, F), w (O, kW*F): output[t] = b + w @ frames t*dW .. t*dW+kW-1."""
    n = (x.shape[0] - kW) // dW + 1
    return np.array([w @ x[t * dW:t * dW + kW].reshape(-1) + b for t in range(n)])


def test_temporal_convolution_matches_direct_loops():
    m = nn.TemporalConvolution(3, 4, 3, 2)
    assert m.weight.size().totable() == [4, 9]
    x = np.random.randn(2, 8, 3)
    out = m.forward(T(x))
    assert out.size().totable() == [2, 3, 4]
    for n in range(2):
        np.testing.assert_allclose(out._a[n], tconv_ref(x[n], m.weight._a, m.bias._a, 3, 2), atol=1e-12)
    single = m.forward(T(x[0]))
    np.testing.assert_allclose(single._a, tconv_ref(x[0], m.weight._a, m.bias._a, 3, 2), atol=1e-12)
    assert str(m) == "nn.TemporalConvolution"


def test_temporal_convolution_jacobians():
    m = nn.TemporalConvolution(2, 3, 2, 1)
    assert_jacobian(m, torch.rand(5, 2))
    assert_jacobian(m, torch.rand(2, 5, 2))
    assert_jacobian(nn.TemporalConvolution(2, 2, 3, 2), torch.rand(2, 7, 2))


def test_temporal_convolution_init_stream():
    torch.manualSeed(5)
    m = nn.TemporalConvolution(3, 2, 2)
    torch.manualSeed(5)
    s = 1 / 6 ** 0.5
    w, b = torch.Tensor(2, 6).uniform(-s, s), torch.Tensor(2).uniform(-s, s)
    assert np.array_equal(m.weight._a, w._a) and np.array_equal(m.bias._a, b._a)


def test_temporal_errors():
    m = nn.TemporalConvolution(3, 2, 4)
    with pytest.raises(ValueError, match="invalid input frame size. Got: 2, Expected: 3"):
        m.forward(torch.rand(6, 2))
    with pytest.raises(ValueError, match="input sequence smaller than kernel size. Got: 3, Expected: 4"):
        m.forward(torch.rand(3, 3))
    with pytest.raises(ValueError, match=r"2D or 3D \(batch mode\) tensor expected for input, but got: \[1 x 2 x 6 x 3\]"):
        m.forward(torch.rand(1, 2, 6, 3))


def test_temporal_max_pooling():
    m = nn.TemporalMaxPooling(3, 2)
    x = np.random.randn(2, 7, 4)
    out = m.forward(T(x))
    for n in range(2):
        for t in range(3):
            win = x[n, 2 * t:2 * t + 3]
            np.testing.assert_array_equal(out._a[n, t], win.max(axis=0))
            np.testing.assert_array_equal(m.indices._a[n, t], win.argmax(axis=0))  # 0-based, as THNN
    assert nn.TemporalMaxPooling(2).dW == 2
    assert_jacobian(m, torch.rand(7, 3))
    assert_jacobian(m, torch.rand(2, 7, 3))


def test_temporal_sub_sampling():
    m = nn.TemporalSubSampling(3, 2, 2)
    x = np.random.randn(6, 3)
    out = m.forward(T(x))
    ref = np.array([x[2 * t:2 * t + 2].sum(axis=0) * m.weight._a + m.bias._a for t in range(3)])
    np.testing.assert_allclose(out._a, ref, atol=1e-12)
    assert_jacobian(m, torch.rand(6, 3))
    assert_jacobian(m, torch.rand(2, 5, 3))


@pytest.mark.parametrize("feat_first", [False, True])
def test_temporal_row_convolution(feat_first):
    m = nn.TemporalRowConvolution(3, 2, 1, feat_first)
    assert m.weight.size().totable() == [3, 1, 2]
    x = np.random.randn(6, 3)  # frames x features
    inp = x.T.copy() if feat_first else x
    out = m.forward(T(inp))._a
    out = out.T if feat_first else out
    w = m.weight._a[:, 0]
    ref = np.array([[x[t:t + 2, f] @ w[f] + m.bias._a[f] for f in range(3)] for t in range(5)])
    np.testing.assert_allclose(out, ref, atol=1e-12)
    assert_jacobian(m, T(inp))
    assert_jacobian(m, torch.rand(2, *inp.shape))
    assert str(m) == "nn.TemporalRowConvolution(3, 2)"
    assert str(nn.TemporalRowConvolution(3, 2, 2).noBias()) == "nn.TemporalRowConvolution(3, 2, 2) without bias"
