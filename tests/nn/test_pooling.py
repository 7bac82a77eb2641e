"""Spatial pooling against direct loops (THNN's window rules), Jacobians, texts and errors."""

import math

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian

from luatorch import nn, torch


def out_len(size, k, d, pad, ceil_mode, dil=1):
    span = size + 2 * pad - (dil * (k - 1) + 1)
    n = (math.ceil(span / d) if ceil_mode else span // d) + 1
    if pad and (n - 1) * d >= size + pad:
        n -= 1
    return n


def maxpool_ref(x, kW, kH, dW, dH, padW, padH, ceil_mode, dilW=1, dilH=1):
    """THNN's loops: each window clipped to the input, first strict maximum, 1-based index."""
    C, H, W = x.shape
    oH = out_len(H, kH, dH, padH, ceil_mode, dilH)
    oW = out_len(W, kW, dW, padW, ceil_mode, dilW)
    out, idx = np.zeros((C, oH, oW)), np.zeros((C, oH, oW), dtype=np.int64)
    for c in range(C):
        for i in range(oH):
            for j in range(oW):
                best, where = -np.inf, -1
                for a in range(kH):
                    for b in range(kW):
                        y, z = i * dH - padH + a * dilH, j * dW - padW + b * dilW
                        if 0 <= y < H and 0 <= z < W and x[c, y, z] > best:
                            best, where = x[c, y, z], y * W + z
                out[c, i, j], idx[c, i, j] = best, where + 1
    return out, idx


def avgpool_ref(x, kW, kH, dW, dH, padW, padH, ceil_mode, include_pad):
    C, H, W = x.shape
    oH = out_len(H, kH, dH, padH, ceil_mode)
    oW = out_len(W, kW, dW, padW, ceil_mode)
    out = np.zeros((C, oH, oW))
    for c in range(C):
        for i in range(oH):
            for j in range(oW):
                hs, ws = i * dH - padH, j * dW - padW
                he, we = min(hs + kH, H + padH), min(ws + kW, W + padW)
                size = (he - hs) * (we - ws)
                hs, ws, he, we = max(hs, 0), max(ws, 0), min(he, H), min(we, W)
                s = x[c, hs:he, ws:we].sum()
                out[c, i, j] = s / (size if include_pad else (he - hs) * (we - ws))
    return out


@pytest.mark.parametrize("cfg", [
    (2, 2, 2, 2, 0, 0, False),
    (3, 3, 2, 2, 1, 1, False),
    (3, 2, 2, 1, 1, 0, True),
    (2, 2, 2, 2, 0, 0, True),
])
def test_max_pooling_matches_direct_loops(cfg):
    kW, kH, dW, dH, padW, padH, ceil_mode = cfg
    m = nn.SpatialMaxPooling(kW, kH, dW, dH, padW, padH)
    if ceil_mode:
        m.ceil()
    x = np.random.randn(2, 3, 7, 6)
    out = m.forward(T(x))
    for n in range(2):
        ref, idx = maxpool_ref(x[n], kW, kH, dW, dH, padW, padH, ceil_mode)
        np.testing.assert_array_equal(out._a[n], ref)
        np.testing.assert_array_equal(m.indices._a[n], idx)
    assert torch.type(m.indices) == "torch.LongTensor"
    single = m.forward(T(x[0]))
    assert single.dim() == 3 and m.indices.dim() == 3


def test_max_pooling_gradient_goes_to_argmax_and_accumulates_on_overlap():
    m = nn.SpatialMaxPooling(3, 3, 1, 1)
    x = torch.Tensor(1, 4, 4).zero()
    x[1][2][2] = 5  # the maximum of all four overlapping windows
    m.forward(x)
    gi = m.backward(x, torch.Tensor(1, 2, 2).fill(1))
    assert gi[1][2][2] == 4 and gi._a.sum() == 4


def test_max_pooling_jacobians():
    assert_jacobian(nn.SpatialMaxPooling(2, 2, 2, 2), torch.rand(2, 5, 6))
    assert_jacobian(nn.SpatialMaxPooling(3, 2, 1, 2, 1, 1).ceil(), torch.rand(2, 2, 5, 6))


def test_dilated_max_pooling():
    m = nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 0, 0, 2, 2)
    x = np.random.randn(2, 6, 7)
    out = m.forward(T(x))
    ref, idx = maxpool_ref(x, 2, 2, 1, 1, 0, 0, False, 2, 2)
    np.testing.assert_array_equal(out._a, ref)
    np.testing.assert_array_equal(m.indices._a, idx)
    assert str(m) == "nn.SpatialDilatedMaxPooling(2x2, 1,1, 2,2)"
    assert_jacobian(m, torch.rand(2, 2, 5, 6))


@pytest.mark.parametrize("cfg", [
    (2, 2, 2, 2, 0, 0, False, True),
    (3, 3, 2, 2, 1, 1, False, True),
    (3, 3, 2, 2, 1, 1, True, False),
    (2, 3, 2, 2, 1, 1, True, True),
])
def test_average_pooling_matches_direct_loops(cfg):
    kW, kH, dW, dH, padW, padH, ceil_mode, include = cfg
    m = nn.SpatialAveragePooling(kW, kH, dW, dH, padW, padH)
    if ceil_mode:
        m.ceil()
    if not include:
        m.setCountExcludePad()
    x = np.random.randn(2, 3, 7, 6)
    out = m.forward(T(x))
    for n in range(2):
        np.testing.assert_allclose(out._a[n], avgpool_ref(x[n], kW, kH, dW, dH, padW, padH, ceil_mode, include),
                                   atol=1e-13)
    assert_jacobian(m, torch.rand(2, 2, 5, 6))
    assert_jacobian(m, torch.rand(2, 5, 6))


def test_pooling_defaults_texts_and_fields():
    mp = nn.SpatialMaxPooling(2, 2)
    assert (mp.dW, mp.dH, mp.padW, mp.padH, mp.ceil_mode) == (2, 2, 0, 0, False)
    assert str(mp) == "nn.SpatialMaxPooling(2x2, 2,2)"
    assert str(nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1)) == "nn.SpatialMaxPooling(3x3, 2,2, 1,1)"
    ap = nn.SpatialAveragePooling(2, 2)
    assert (ap.dW, ap.dH, ap.count_include_pad, ap.divide) == (1, 1, True, True)
    assert str(nn.SpatialAveragePooling(2, 2, 2, 2)) == "nn.SpatialAveragePooling(2x2, 2,2)"


def test_pooling_errors():
    m = nn.SpatialMaxPooling(3, 3)
    with pytest.raises(ValueError, match=r"SpatialMaxPooling.*\(1x2x2\).*Output size is too small"):
        m.forward(torch.rand(1, 2, 2))
    with pytest.raises(ValueError, match=r"3D or 4D input tensor expected but got: \[4 x 4\]"):
        m.forward(torch.rand(4, 4))
    with pytest.raises(ValueError, match="pad should be smaller than half of kernel size"):
        nn.SpatialAveragePooling(2, 2, 1, 1, 2, 2).forward(torch.rand(1, 5, 5))


def test_max_unpooling_inverts_pooling():
    pool = nn.SpatialMaxPooling(2, 2)
    unpool = nn.SpatialMaxUnpooling(pool)
    x = torch.rand(2, 3, 4, 6)
    y = pool.forward(x)
    z = unpool.forward(y)
    assert z.size().totable() == [2, 3, 4, 6]
    # each kept maximum is back at its place, everything else is zero
    np.testing.assert_array_equal(np.sort(z._a[z._a != 0]), np.sort(y._a.ravel()))
    for n in range(2):
        for c in range(3):
            for i in range(2):
                for j in range(3):
                    k = int(pool.indices._a[n, c, i, j]) - 1
                    assert z._a[n, c, k // 6, k % 6] == y._a[n, c, i, j]
    go = torch.rand(2, 3, 4, 6)
    gi = unpool.backward(y, go)
    flat = go._a.reshape(2, 3, -1)
    expected = np.take_along_axis(flat, pool.indices._a.reshape(2, 3, -1) - 1, axis=2).reshape(2, 3, 2, 3)
    np.testing.assert_array_equal(gi._a, expected)
    assert str(unpool) == "nn.SpatialMaxUnpooling associated to nn.SpatialMaxPooling(2x2, 2,2)"
    with pytest.raises(ValueError, match="kernel must be equal to its stride"):
        nn.SpatialMaxUnpooling(nn.SpatialMaxPooling(3, 3, 2, 2))


def test_adaptive_pooling():
    x = np.random.randn(2, 3, 7, 5)
    mx = nn.SpatialAdaptiveMaxPooling(2, 3)  # W=2, H=3
    av = nn.SpatialAdaptiveAveragePooling(2, 3)
    o1, o2 = mx.forward(T(x)).clone(), av.forward(T(x)).clone()
    assert o1.size().totable() == [2, 3, 3, 2]
    for a in range(3):
        hs, he = (a * 7) // 3, -((-(a + 1) * 7) // 3)
        for b in range(2):
            ws, we = (b * 5) // 2, -((-(b + 1) * 5) // 2)
            win = x[:, :, hs:he, ws:we]
            np.testing.assert_array_equal(o1._a[:, :, a, b], win.max(axis=(2, 3)))
            np.testing.assert_allclose(o2._a[:, :, a, b], win.mean(axis=(2, 3)), atol=1e-13)
    assert_jacobian(mx, torch.rand(2, 5, 4))
    assert_jacobian(av, torch.rand(2, 2, 5, 4))


def test_fractional_max_pooling_regions_from_samples():
    m = nn.SpatialFractionalMaxPooling(2, 3, 4, 3)  # pool 2x3, output W=4, H=3
    x = np.random.randn(2, 2, 7, 9)
    out = m.forward(T(x))
    assert out.size().totable() == [2, 2, 3, 4]
    u = m.randomSamples._a
    for b in range(2):
        for c in range(2):
            def starts(sample, n_in, n_out, pool):
                a = (n_in - pool) / (n_out - 1)
                s = [int((i + sample) * a) - int(sample * a) for i in range(n_out - 1)]
                return s + [n_in - pool]
            sw = starts(u[b, c, 0], 9, 4, 2)
            sh = starts(u[b, c, 1], 7, 3, 3)
            for i in range(3):
                for j in range(4):
                    win = x[b, c, sh[i]:sh[i] + 3, sw[j]:sw[j] + 2]
                    assert out._a[b, c, i, j] == win.max()
                    k = int(m.indices._a[b, c, i, j]) - 1
                    assert x[b, c, k // 9, k % 9] == win.max()
    # fixed regions make the module deterministic, so finite differences apply
    m.fixPoolingRegions()
    assert_jacobian(m, torch.rand(2, 2, 7, 9))
    r = nn.SpatialFractionalMaxPooling(2, 2, 0.5, 0.5)
    assert r.forward(torch.rand(3, 8, 6)).size().totable() == [3, 4, 3]


def test_max_pooling_nan_wins_as_in_thnn():
    x = np.random.rand(1, 4, 4)
    x[0, 0, 1] = np.nan
    x[0, 3, 2] = np.nan
    x[0, 3, 3] = np.nan  # two NaNs in one window: THNN's loop keeps the last
    m = nn.SpatialMaxPooling(2, 2)
    out = m.forward(T(x))
    assert np.isnan(out._a[0, 0, 0]) and np.isnan(out._a[0, 1, 1])
    assert m.indices._a[0, 0, 0] == 0 * 4 + 1 + 1
    assert m.indices._a[0, 1, 1] == 3 * 4 + 3 + 1
    ref, _ = maxpool_ref(np.nan_to_num(x, nan=-1.0), 2, 2, 2, 2, 0, 0, False)
    np.testing.assert_array_equal(out._a[0, 1, 0], ref[0, 1, 0])


def test_average_pooling_without_divide_sums_as_torch7():
    m = nn.SpatialAveragePooling(2, 2, 2, 2)
    x = np.random.rand(2, 4, 4)
    m.divide = False
    np.testing.assert_allclose(m.forward(T(x))._a, x.reshape(2, 2, 2, 2, 2).sum(axis=(2, 4)), atol=1e-13)
    del m.divide  # a file saved before the field existed: also sums
    np.testing.assert_allclose(m.forward(T(x))._a, x.reshape(2, 2, 2, 2, 2).sum(axis=(2, 4)), atol=1e-13)
    assert_jacobian(m, torch.rand(2, 4, 4))


def test_modules_from_older_files_get_default_fields():
    m = nn.SpatialMaxPooling(2, 2)
    for name in ("padW", "padH", "ceil_mode"):
        delattr(m, name)
    assert m.forward(torch.rand(1, 4, 4)).size().totable() == [1, 2, 2]
    a = nn.SpatialAveragePooling(2, 2)
    del a.count_include_pad, a.padW
    assert a.forward(torch.rand(1, 4, 4)).size().totable() == [1, 3, 3]
    c = nn.SpatialConvolution(1, 1, 3, 3)
    del c.padW, c.padH
    c.padding = 1
    assert c.forward(torch.rand(1, 4, 4)).size().totable() == [1, 4, 4]
    assert (c.padW, c.padH) == (1, 1) and "padding" not in vars(c)
