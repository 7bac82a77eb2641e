"""Volumetric convolution and pooling against direct loops, Jacobians and texts."""

import itertools

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian

from luatorch import nn, torch


def conv3d_ref(x, w, b, d, p):
    _, T_, H, W = x.shape
    O, _, kT, kH, kW = w.shape
    xp = np.pad(x, ((0, 0), (p[0], p[0]), (p[1], p[1]), (p[2], p[2])))
    o = [(s + 2 * pp - kk) // dd + 1 for s, pp, kk, dd in zip((T_, H, W), p, (kT, kH, kW), d)]
    out = np.zeros([O] + o)
    for oo in range(O):
        for t, y, z in itertools.product(*(range(n) for n in o)):
            win = xp[:, t * d[0]:t * d[0] + kT, y * d[1]:y * d[1] + kH, z * d[2]:z * d[2] + kW]
            out[oo, t, y, z] = (win * w[oo]).sum() + b[oo]
    return out


def test_volumetric_convolution():
    m = nn.VolumetricConvolution(2, 3, 2, 3, 2, 1, 2, 1, 1, 0, 1)  # kT=2 kW=3 kH=2, dT=1 dW=2 dH=1
    assert m.weight.size().totable() == [3, 2, 2, 2, 3]
    x = np.random.randn(2, 2, 3, 4, 5)
    out = m.forward(T(x))
    for n in range(2):
        ref = conv3d_ref(x[n], m.weight._a, m.bias._a, (1, 1, 2), (1, 1, 0))
        np.testing.assert_allclose(out._a[n], ref, atol=1e-12)
    assert str(m) == "nn.VolumetricConvolution(2 -> 3, 2x3x2, 1,2,1, 1,0,1)"
    assert str(nn.VolumetricConvolution(1, 2, 3, 3, 3)) == "nn.VolumetricConvolution(1 -> 2, 3x3x3)"
    small = nn.VolumetricConvolution(2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0)
    assert_jacobian(small, torch.rand(2, 2, 3, 3))
    assert_jacobian(small, torch.rand(2, 2, 2, 3, 3))
    with pytest.raises(ValueError, match=r"input.size\[1\] == 2"):
        small.forward(torch.rand(1, 3, 3, 3, 3))


def test_volumetric_full_convolution_is_adjoint_of_convolution():
    # <conv(x), y> == <x, full(y)> with the same kernel
    conv = nn.VolumetricConvolution(2, 3, 2, 2, 2, 2, 2, 2).noBias()
    full = nn.VolumetricFullConvolution(3, 2, 2, 2, 2, 2, 2, 2)
    full.weight._a[...] = conv.weight._a
    full.bias.zero()
    x, y = np.random.randn(2, 4, 4, 4), np.random.randn(3, 2, 2, 2)
    lhs = (conv.forward(T(x))._a * y).sum()
    rhs = (x * full.forward(T(y))._a).sum()
    assert abs(lhs - rhs) < 1e-10
    assert str(full) == "nn.VolumetricFullConvolution(3 -> 2, 2x2x2, 2,2,2)"
    m = nn.VolumetricFullConvolution(2, 2, 2, 2, 2, 2, 1, 1, 0, 1, 0, 1, 0, 0)
    assert m.forward(torch.rand(2, 2, 3, 2)).size().totable() == [2, 5, 4, 1]
    assert_jacobian(m, torch.rand(2, 2, 3, 2))
    assert_jacobian(m, torch.rand(2, 2, 2, 3, 2))


def test_volumetric_max_pooling():
    m = nn.VolumetricMaxPooling(2, 2, 2)
    assert (m.dT, m.dW, m.dH) == (2, 2, 2)
    x = np.random.randn(2, 3, 4, 4, 6)
    out = m.forward(T(x))
    ref = x.reshape(2, 3, 2, 2, 2, 2, 3, 2).max(axis=(3, 5, 7))
    np.testing.assert_array_equal(out._a, ref)
    # THNN's packed tap offsets: t | h << 8 | w << 16
    packed = m.indices._a
    t, h, w = packed & 0xFF, (packed >> 8) & 0xFF, (packed >> 16) & 0xFF
    assert set(np.unique(t)) <= {0, 1} and set(np.unique(w)) <= {0, 1}
    for (n, c, a, b, e) in [(0, 0, 0, 0, 0), (1, 2, 1, 1, 2), (0, 1, 1, 0, 1)]:
        pos = (2 * a + t[n, c, a, b, e], 2 * b + h[n, c, a, b, e], 2 * e + w[n, c, a, b, e])
        assert x[n, c][pos] == ref[n, c, a, b, e]
    assert str(m) == "nn.VolumetricMaxPooling(2x2x2, 2,2,2)"
    p = nn.VolumetricMaxPooling(3, 2, 2, 1, 1, 1, 1, 0, 1)
    assert_jacobian(p, torch.rand(2, 3, 3, 3))
    assert_jacobian(p, torch.rand(2, 2, 3, 3, 3))


def test_volumetric_average_pooling():
    m = nn.VolumetricAveragePooling(2, 2, 2)
    x = np.random.randn(2, 4, 4, 6)
    out = m.forward(T(x))
    np.testing.assert_allclose(out._a, x.reshape(2, 2, 2, 2, 2, 3, 2).mean(axis=(2, 4, 6)), atol=1e-13)
    assert str(m) == "nn.VolumetricAveragePooling(2x2x2, 2,2,2)"
    assert_jacobian(nn.VolumetricAveragePooling(2, 3, 2, 1, 1, 1), torch.rand(2, 3, 4, 3))
    assert_jacobian(nn.VolumetricAveragePooling(2, 2, 2, 1, 2, 1, 1, 1, 0), torch.rand(2, 2, 3, 4, 3))
