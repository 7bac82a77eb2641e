"""Spatial convolutions against direct loops, Jacobians, Torch7 texts, shapes and errors."""

import os

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian

from luatorch import nn, torch


def conv_ref(x, w, b, dH, dW, padH, padW, dilH=1, dilW=1):
    """Direct cross-correlation of one image x (C, H, W) with w (O, C, kH, kW)."""
    C, H, W = x.shape
    O, _, kH, kW = w.shape
    xp = np.zeros((C, H + 2 * padH, W + 2 * padW))
    xp[:, padH:padH + H, padW:padW + W] = x
    oH = (H + 2 * padH - (dilH * (kH - 1) + 1)) // dH + 1
    oW = (W + 2 * padW - (dilW * (kW - 1) + 1)) // dW + 1
    out = np.zeros((O, oH, oW))
    for o in range(O):
        for y in range(oH):
            for z in range(oW):
                acc = b[o] if b is not None else 0.0
                for c in range(C):
                    for i in range(kH):
                        for j in range(kW):
                            acc += w[o, c, i, j] * xp[c, y * dH + i * dilH, z * dW + j * dilW]
                out[o, y, z] = acc
    return out


def full_conv_ref(x, w, b, dH, dW, padH, padW, adjH, adjW):
    """Direct transposed convolution of x (C, H, W) with w (C, O, kH, kW)."""
    C, H, W = x.shape
    _, O, kH, kW = w.shape
    oH = (H - 1) * dH - 2 * padH + kH + adjH
    oW = (W - 1) * dW - 2 * padW + kW + adjW
    big = np.zeros((O, oH + 2 * padH, oW + 2 * padW))
    for c in range(C):
        for y in range(H):
            for z in range(W):
                for o in range(O):
                    for i in range(kH):
                        for j in range(kW):
                            big[o, y * dH + i, z * dW + j] += x[c, y, z] * w[c, o, i, j]
    out = big[:, padH:padH + oH, padW:padW + oW]
    return out + b[:, None, None]


@pytest.mark.parametrize("cfg", [
    (2, 3, 3, 3, 1, 1, 0, 0),
    (3, 2, 3, 2, 2, 1, 1, 0),
    (1, 4, 2, 2, 1, 2, 1, 1),
])
def test_convolution_matches_direct_loops(cfg):
    nIn, nOut, kW, kH, dW, dH, padW, padH = cfg
    m = nn.SpatialConvolution(nIn, nOut, kW, kH, dW, dH, padW, padH)
    x = np.random.randn(2, nIn, 6, 7)
    out = m.forward(T(x))
    w, b = m.weight._a, m.bias._a
    for n in range(2):
        np.testing.assert_allclose(out._a[n], conv_ref(x[n], w, b, dH, dW, padH, padW), atol=1e-12)
    single = m.forward(T(x[1])).clone()
    assert single.dim() == 3
    np.testing.assert_allclose(single._a, conv_ref(x[1], w, b, dH, dW, padH, padW), atol=1e-12)
    # Torch7's finput: B x (nIn*kH*kW) x (oH*oW)
    m.forward(T(x))
    assert m.finput.size(1) == 2 and m.finput.size(2) == nIn * kH * kW


def test_convolution_jacobians_batch_and_single():
    m = nn.SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 1)
    assert_jacobian(m, torch.rand(2, 5, 6))
    assert_jacobian(m, torch.rand(2, 2, 5, 6))


def test_convolution_gradients_accumulate_and_scale():
    m = nn.SpatialConvolution(2, 2, 3, 3)
    x, go = torch.rand(3, 2, 5, 5), torch.rand(3, 2, 3, 3)
    m.zeroGradParameters()
    m.forward(x)
    m.backward(x, go)
    gw1 = m.gradWeight.clone()
    gb1 = m.gradBias.clone()
    m.backward(x, go, 0.5)
    np.testing.assert_allclose(m.gradWeight._a, 1.5 * gw1._a, rtol=1e-12)
    np.testing.assert_allclose(m.gradBias._a, 1.5 * gb1._a, rtol=1e-12)
    # gradBias is the sum of gradOutput over batch and pixels
    np.testing.assert_allclose(gb1._a, go._a.sum(axis=(0, 2, 3)), rtol=1e-12)


def test_convolution_text_and_fields():
    assert str(nn.SpatialConvolution(1, 4, 3, 3)) == "nn.SpatialConvolution(1 -> 4, 3x3)"
    assert str(nn.SpatialConvolution(4, 6, 2, 2, 1, 1, 1, 1)) == "nn.SpatialConvolution(4 -> 6, 2x2, 1,1, 1,1)"
    assert str(nn.SpatialConvolution(3, 16, 5, 5, 1, 1, 2, 2)) == "nn.SpatialConvolution(3 -> 16, 5x5, 1,1, 2,2)"
    assert str(nn.SpatialConvolution(3, 16, 5, 5, 2, 2)) == "nn.SpatialConvolution(3 -> 16, 5x5, 2,2)"
    assert str(nn.SpatialConvolution(3, 16, 5, 5).noBias()) == "nn.SpatialConvolution(3 -> 16, 5x5) without bias"
    assert str(nn.SpatialConvolutionMM(1, 2, 3, 3)) == "nn.SpatialConvolutionMM(1 -> 2, 3x3)"
    m = nn.SpatialConvolution(3, 5, 4, 2, 1, 1, 3)
    assert m.weight.size().totable() == [5, 3, 2, 4]
    assert (m.padW, m.padH) == (3, 3)
    for name in ("nInputPlane", "nOutputPlane", "kW", "kH", "dW", "dH", "padW", "padH",
                 "weight", "bias", "gradWeight", "gradBias"):
        assert name in m.__dict__
    assert torch.type(m) == "nn.SpatialConvolution"


def test_convolution_reset_draws_torch7_stream():
    # golden/15_rng_extended.out: manualSeed then SpatialConvolution(2,2,3,3)
    torch.manualSeed(1)
    ref = nn.SpatialConvolution(2, 2, 3, 3)
    torch.manualSeed(1)
    w = torch.Tensor(2, 2, 3, 3).uniform(-1 / 18 ** 0.5, 1 / 18 ** 0.5)
    b = torch.Tensor(2).uniform(-1 / 18 ** 0.5, 1 / 18 ** 0.5)
    assert np.array_equal(ref.weight._a, w._a) and np.array_equal(ref.bias._a, b._a)


def test_convolution_without_bias_jacobian():
    m = nn.SpatialConvolution(2, 2, 2, 2).noBias()
    assert m.parameters()[0] == [m.weight]
    assert_jacobian(m, torch.rand(2, 2, 4, 4))


def test_convolution_errors_name_module_and_sizes():
    m = nn.SpatialConvolution(3, 4, 3, 3)
    with pytest.raises(ValueError, match=r"SpatialConvolution.*input.size\[1\] == 3.*\[2 x 2 x 5 x 5\]"):
        m.forward(torch.rand(2, 2, 5, 5))
    with pytest.raises(ValueError, match=r"3D or 4D input tensor expected but got: \[1 x 2 x 3 x 5 x 5\]"):
        m.forward(torch.rand(1, 2, 3, 5, 5))
    with pytest.raises(ValueError, match=r"\(2 x 2\).*Kernel size: \(3 x 3\)"):
        m.forward(torch.rand(3, 2, 2))
    # a failed call leaves the module usable
    assert m.forward(torch.rand(3, 5, 5)).size().totable() == [4, 3, 3]


def test_convolution_non_contiguous_input():
    m = nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1)
    x = torch.rand(4, 4, 2, 3).transpose(1, 4).transpose(2, 3)  # 3 x 2 x 4 x 4, not contiguous
    assert not x.isContiguous()
    out = m.forward(x)
    ref = m.forward(x.contiguous()).clone()
    out = m.forward(x)
    np.testing.assert_allclose(out._a, ref._a, atol=1e-13)


def test_convolution_float():
    m = nn.SpatialConvolution(2, 3, 3, 3).float()
    x = torch.rand(2, 2, 5, 5).float()
    out = m.forward(x)
    assert torch.type(out) == "torch.FloatTensor"
    gi = m.backward(x, out.clone().fill(1))
    assert torch.type(gi) == "torch.FloatTensor"


def test_dilated_convolution():
    m = nn.SpatialDilatedConvolution(2, 2, 3, 2, 1, 2, 1, 0, 2, 1)
    x = np.random.randn(2, 7, 8)
    out = m.forward(T(x))
    ref = conv_ref(x, m.weight._a, m.bias._a, 2, 1, 0, 1, dilH=1, dilW=2)
    np.testing.assert_allclose(out._a, ref, atol=1e-12)
    assert str(m) == "nn.SpatialDilatedConvolution(2 -> 2, 3x2, 1,2, 1,0, 2,1)"
    assert_jacobian(m, torch.rand(2, 2, 6, 7))
    assert_jacobian(m, torch.rand(2, 6, 7))


def test_full_convolution():
    m = nn.SpatialFullConvolution(2, 3, 3, 2, 2, 2, 1, 0, 1, 1)
    assert m.weight.size().totable() == [2, 3, 2, 3]
    x = np.random.randn(2, 3, 4)
    out = m.forward(T(x))
    ref = full_conv_ref(x, m.weight._a, m.bias._a, 2, 2, 0, 1, 1, 1)
    np.testing.assert_allclose(out._a, ref, atol=1e-12)
    assert str(m) == "nn.SpatialFullConvolution(2 -> 3, 3x2, 2,2, 1,0, 1,1)"
    assert str(nn.SpatialFullConvolution(2, 3, 3, 3)) == "nn.SpatialFullConvolution(2 -> 3, 3x3)"
    assert_jacobian(m, torch.rand(2, 3, 4))
    assert_jacobian(m, torch.rand(2, 2, 3, 4))


def test_convolution_in_sequential_clone_and_clear_state():
    net = nn.Sequential().add(nn.SpatialConvolution(1, 2, 3, 3)).add(nn.ReLU())
    x = torch.rand(2, 1, 5, 5)
    out = net.forward(x).clone()
    copy = net.clone()
    np.testing.assert_array_equal(copy.forward(x)._a, out._a)
    net.clearState()
    assert net.modules[0].finput.nElement() == 0
    np.testing.assert_array_equal(net.forward(x)._a, out._a)


FIXTURES = os.environ["LUATORCH_SHARED"] + "/t7"


@pytest.mark.skipif(not os.path.exists(FIXTURES + "/convnet.bin.t7"), reason="no fixtures")
@pytest.mark.parametrize("fmt", ["ascii", "binary"])
def test_torch7_saved_convnet_loads_and_runs(fmt):
    name = "convnet.ascii.t7" if fmt == "ascii" else "convnet.bin.t7"
    net = torch.load(f"{FIXTURES}/{name}", fmt)
    conv, pool = net.modules[0], net.modules[2]
    assert torch.type(conv) == "nn.SpatialConvolution" and torch.type(pool) == "nn.SpatialMaxPooling"
    # the fields Torch7 wrote are the fields this class builds
    fresh = nn.SpatialConvolution(1, 2, 3, 3)
    assert set(vars(conv)) == set(vars(fresh))
    assert set(vars(pool)) == set(vars(nn.SpatialMaxPooling(2, 2, 2, 2)))
    assert conv.weight[1][1][1][1] == 0.27597468160092825  # expected.txt, param 1
    x = np.random.rand(1, 6, 6)
    out = net.forward(T(x))
    h = np.maximum(conv_ref(x, conv.weight._a, conv.bias._a, 1, 1, 0, 0), 0)
    h = h.reshape(2, 2, 2, 2, 2).max(axis=(2, 4)).reshape(8)
    lin = net.modules[4]
    np.testing.assert_allclose(out._a, lin.weight._a @ h + lin.bias._a, atol=1e-12)


def test_full_convolution_table_input_takes_target_size():
    m = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1)
    x = torch.rand(4, 2, 4, 4)
    target = torch.rand(4, 3, 8, 8)  # (4-1)*2 - 2 + 3 = 7, adj 1 reaches 8
    out = m.forward([x, target])
    assert out.size().totable() == [4, 3, 8, 8]
    ref = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1)
    ref.weight.copy(m.weight)
    ref.bias.copy(m.bias)
    np.testing.assert_allclose(out._a, ref.forward(x)._a, atol=1e-13)
    go = torch.rand(4, 3, 8, 8)
    gi = m.backward([x, target], go)
    assert isinstance(gi, list) and gi[1].size().totable() == [4, 3, 8, 8] and gi[1]._a.sum() == 0
    np.testing.assert_allclose(gi[0]._a, ref.backward(x, go)._a, atol=1e-13)
    np.testing.assert_allclose(m.gradWeight._a, ref.gradWeight._a, atol=1e-12)
    assert m.forward([x, torch.rand(4, 3, 7, 7)]).size().totable() == [4, 3, 7, 7]


@pytest.mark.parametrize("cfg", [(3, 2, 1, 1, 1, 1), (2, 3, 0, 1, 2, 2), (1, 3, 2, 0, 1, 3)])
def test_unit_stride_gradient_input_with_padding_and_dilation(cfg):
    kW, kH, padW, padH, dilW, dilH = cfg
    m = nn.SpatialDilatedConvolution(2, 3, kW, kH, 1, 1, padW, padH, dilW, dilH)
    x = np.random.randn(3, 2, 7, 8)
    out = m.forward(T(x))
    go = np.random.randn(*out._a.shape)
    gi = m.updateGradInput(T(x), T(go))._a
    # the adjoint of the forward map: <conv(x), go> == <x, gradInput(go)> for any x
    y = np.random.randn(*x.shape)
    m.bias.zero()
    assert abs((m.forward(T(y))._a * go).sum() - (y * gi).sum()) < 1e-9
    assert_jacobian(m, torch.rand(2, 2, 7, 6))
