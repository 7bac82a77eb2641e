"""SpatialSubSampling, LPPooling, ConvolutionLocal/Map/DepthWise, dropouts, spatial softmax and
SpatialClassNLLCriterion against direct loops and Jacobians."""

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian
from test_spatial import conv_ref

from luatorch import nn, torch


def test_sub_sampling():
    m = nn.SpatialSubSampling(2, 2, 3, 2, 1)
    x = np.random.randn(2, 2, 5, 6)
    out = m.forward(T(x))
    for n in range(2):
        for c in range(2):
            for y in range(3):
                for z in range(3):
                    s = x[n, c, y:y + 3, 2 * z:2 * z + 2].sum()
                    assert abs(out._a[n, c, y, z] - (m.weight._a[c] * s + m.bias._a[c])) < 1e-12
    assert_jacobian(m, torch.rand(2, 5, 6))
    assert_jacobian(m, torch.rand(2, 2, 5, 6))


def test_lp_pooling():
    m = nn.SpatialLPPooling(2, 3, 2, 2)
    x = np.random.rand(2, 4, 4) + 0.1
    out = m.forward(T(x))
    ref = (x ** 3).reshape(2, 2, 2, 2, 2).sum(axis=(2, 4)) ** (1 / 3)
    np.testing.assert_allclose(out._a, ref, rtol=1e-12)
    assert nn.Jacobian.testJacobian(m, torch.rand(2, 4, 4).add(0.5), 0.1, 1) < 1e-4
    w = m.get(2).weight.clone()
    m.zeroGradParameters()
    m.backward(T(x), out.clone().fill(1))
    m.updateParameters(1)
    assert np.array_equal(m.get(2).weight._a, w._a)  # the sub-sampler stays fixed


def test_convolution_local():
    m = nn.SpatialConvolutionLocal(2, 3, 5, 4, 3, 2, 1, 1, 1, 0)
    assert m.weight.size().totable() == [3, 5, 3, 2, 2, 3]
    x = np.random.randn(2, 2, 4, 5)
    out = m.forward(T(x))
    xp = np.pad(x, ((0, 0), (0, 0), (0, 0), (1, 1)))
    for y in range(3):
        for z in range(5):
            for o in range(3):
                ref = (m.weight._a[y, z, o] * xp[:, :, y:y + 2, z:z + 3]).sum(axis=(1, 2, 3)) + m.bias._a[o, y, z]
                np.testing.assert_allclose(out._a[:, o, y, z], ref, atol=1e-12)
    assert str(m) == "nn.SpatialConvolutionLocal(2 -> 3, 5x4, 3x2, 1,1, 1,0)"
    assert_jacobian(m, torch.rand(2, 4, 5))
    assert_jacobian(m, torch.rand(2, 2, 4, 5))
    with pytest.raises(ValueError, match="inconsistent with expected input size"):
        m.forward(torch.rand(2, 5, 5))


def test_convolution_map_and_tables():
    full = nn.tables.full(2, 3)
    assert full._a.tolist() == [[1, 1], [2, 1], [1, 2], [2, 2], [1, 3], [2, 3]]
    assert nn.tables.oneToOne(2)._a.tolist() == [[1, 1], [2, 2]]
    rnd = nn.tables.random(4, 3, 2)
    assert rnd.size().totable() == [6, 2]
    for o in range(3):
        ins = rnd._a[2 * o:2 * o + 2, 0]
        assert len(set(ins)) == 2 and rnd._a[2 * o, 1] == o + 1
    conn = T([[1, 1], [2, 1], [2, 2], [3, 2], [1, 3]])
    m = nn.SpatialConvolutionMap(conn, 3, 2, 1, 1)
    assert (m.nInputPlane, m.nOutputPlane) == (3, 3)
    x = np.random.randn(3, 4, 5)
    out = m.forward(T(x))
    ref = np.zeros((3, 3, 3))
    for k, (i, o) in enumerate(conn._a.astype(int) - 1):
        ref[o] += conv_ref(x[i:i + 1], m.weight._a[k][None, None], None, 1, 1, 0, 0)[0]
    ref += m.bias._a[:, None, None]
    np.testing.assert_allclose(out._a, ref, atol=1e-12)
    assert_jacobian(m, torch.rand(3, 4, 5))
    assert_jacobian(m, torch.rand(2, 3, 4, 5))
    # a full table computes an ordinary convolution
    f = nn.SpatialConvolutionMap(nn.tables.full(2, 2), 2, 2)
    c = nn.SpatialConvolution(2, 2, 2, 2)
    c.weight._a[...] = f.weight._a.reshape(2, 2, 2, 2)
    c.bias._a[...] = f.bias._a
    xi = torch.rand(2, 4, 4)
    np.testing.assert_allclose(f.forward(xi)._a, c.forward(xi)._a, atol=1e-12)


def test_depthwise_convolution():
    m = nn.SpatialDepthWiseConvolution(2, 3, 2, 3, 1, 1, 1, 0)
    assert m.weight.size().totable() == [3, 2 * 3 * 2] and m.nOutputPlane == 6
    x = np.random.randn(2, 4, 5)
    out = m.forward(T(x))
    w = m.weight._a.reshape(3, 2, 3, 2)
    for i in range(2):
        for k in range(3):
            ref = conv_ref(x[i:i + 1], w[k, i][None, None], m.bias._a[k, i:i + 1], 1, 1, 0, 1)[0]
            np.testing.assert_allclose(out._a[i * 3 + k], ref, atol=1e-12)
    assert str(m) == "nn.SpatialDepthWiseConvolution(2 -> 3, 2x3, 1,1, 1,0)"
    assert_jacobian(m, torch.rand(2, 4, 5))
    assert_jacobian(m, torch.rand(2, 2, 4, 5))


@pytest.mark.parametrize("cls,shape", [(nn.SpatialDropout, (3, 4, 5, 5)), (nn.VolumetricDropout, (2, 4, 2, 3, 3))])
def test_feature_map_dropout(cls, shape):
    m = cls(0.5)
    x = torch.Tensor(*shape).fill(2)
    out = m.forward(x)
    maps = out._a.reshape(shape[0], shape[1], -1)
    # whole maps are kept (unscaled) or dropped
    assert set(np.unique(maps)) <= {0.0, 2.0}
    assert (maps.min(axis=2) == maps.max(axis=2)).all()
    assert 0 < (maps[:, :, 0] == 0).sum() < shape[0] * shape[1]
    gi = m.backward(x, torch.Tensor(*shape).fill(1))
    np.testing.assert_array_equal(gi._a * 2, out._a)
    m.evaluate()
    np.testing.assert_array_equal(m.forward(x)._a, np.full(shape, 1.0))
    with pytest.raises(ValueError, match="backprop only defined while training"):
        m.backward(x, x)
    assert str(m) == f"{torch.type(m)}(0.500000)"
    single = cls(0.5).forward(torch.Tensor(*shape[1:]).fill(1))
    assert single.size().totable() == list(shape[1:])


def test_spatial_softmax_and_log_softmax():
    x = np.random.randn(2, 3, 2, 2)
    sm = nn.SpatialSoftMax().forward(T(x))
    e = np.exp(x)
    np.testing.assert_allclose(sm._a, e / e.sum(axis=1, keepdims=True), atol=1e-12)
    lsm = nn.SpatialLogSoftMax().forward(T(x[0]))
    np.testing.assert_allclose(lsm._a, np.log(e[0] / e[0].sum(axis=0)), atol=1e-12)
    assert_jacobian(nn.SpatialLogSoftMax(), torch.rand(2, 3, 2, 2))


def test_spatial_class_nll_criterion():
    x = np.log(np.random.rand(2, 3, 2, 2))
    t = np.random.randint(1, 4, (2, 2, 2)).astype(np.float64)
    w = np.array([0.5, 1.0, 2.0])
    for weights in (None, w):
        for avg in (True, False):
            c = nn.SpatialClassNLLCriterion(None if weights is None else T(weights), avg)
            loss = c.forward(T(x), T(t))
            ww = np.ones(3) if weights is None else weights
            picked = np.array([[[x[b, int(t[b, i, j]) - 1, i, j] * ww[int(t[b, i, j]) - 1]
                                 for j in range(2)] for i in range(2)] for b in range(2)])
            total = sum(ww[int(v) - 1] for v in t.reshape(-1))
            ref = -picked.sum() / (total if avg else 1)
            assert abs(loss - ref) < 1e-12
            g = c.backward(T(x), T(t))
            # finite differences of the loss
            eps = 1e-6
            num = np.zeros_like(x)
            for idx in np.ndindex(*x.shape):
                xp = x.copy()
                xp[idx] += eps
                num[idx] = (c.forward(T(xp), T(t)) - loss) / eps
            np.testing.assert_allclose(g._a, num, atol=1e-5)
    with pytest.raises(ValueError, match="only batches of spatial targets supported"):
        nn.SpatialClassNLLCriterion().forward(T(x), T(t[0]))
