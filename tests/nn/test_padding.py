"""Spatial padding, upsampling and PixelShuffle against numpy references and Jacobians."""

import numpy as np
import pytest
from nn_helpers import T, assert_jacobian

from luatorch import nn, torch


def test_zero_padding_pads_and_crops():
    m = nn.SpatialZeroPadding(1, 2, -1, 0)
    x = np.random.randn(2, 3, 4, 5)
    out = m.forward(T(x))
    ref = np.pad(x, ((0, 0), (0, 0), (0, 0), (1, 2)))[:, :, 1:, :]
    np.testing.assert_array_equal(out._a, ref)
    assert str(m) == "nn.SpatialZeroPadding(l=1, r=2, t=-1, b=0)"
    assert str(nn.SpatialZeroPadding(2)) == "nn.SpatialZeroPadding(l=2, r=2, t=2, b=2)"
    assert_jacobian(m, torch.rand(2, 4, 5))
    assert_jacobian(m, torch.rand(2, 2, 4, 5))
    with pytest.raises(ValueError, match="3 or 4-dimensional"):
        m.forward(torch.rand(4, 5))


@pytest.mark.parametrize("cls,mode", [(nn.SpatialReflectionPadding, "reflect"),
                                      (nn.SpatialReplicationPadding, "edge")])
def test_reflection_and_replication_padding(cls, mode):
    m = cls(2, 1, 1, 3)
    x = np.random.randn(2, 3, 4, 5)
    out = m.forward(T(x))
    np.testing.assert_array_equal(out._a, np.pad(x, ((0, 0), (0, 0), (1, 3), (2, 1)), mode=mode))
    assert_jacobian(m, torch.rand(2, 4, 5))
    assert_jacobian(m, torch.rand(2, 1, 4, 5))
    assert str(m).endswith("(l=2, r=1, t=1, b=3)")


def test_reflection_padding_too_large():
    with pytest.raises(ValueError, match="Padding size should be less than the corresponding input dimension"):
        nn.SpatialReflectionPadding(4, 4, 1, 1).forward(torch.rand(1, 3, 4))


def test_upsampling_nearest():
    m = nn.SpatialUpSamplingNearest(3)
    x = np.random.randn(2, 2, 3, 4)
    out = m.forward(T(x))
    np.testing.assert_array_equal(out._a, x.repeat(3, axis=2).repeat(3, axis=3))
    assert_jacobian(m, torch.rand(2, 3, 2))
    with pytest.raises(ValueError, match="scale_factor must be integer"):
        nn.SpatialUpSamplingNearest(1.5)


def test_upsampling_bilinear_aligned_corners():
    m = nn.SpatialUpSamplingBilinear(2)
    x = np.random.randn(1, 2, 3, 4)
    out = m.forward(T(x))
    assert out.size().totable() == [1, 2, 5, 7]
    # corners kept; points between two cells are their mean
    np.testing.assert_allclose(out._a[..., ::2, ::2], x, atol=1e-14)
    np.testing.assert_allclose(out._a[..., ::2, 1::2], (x[..., :-1] + x[..., 1:]) / 2, atol=1e-14)
    np.testing.assert_allclose(out._a[..., 1::2, ::2], (x[..., :-1, :] + x[..., 1:, :]) / 2, atol=1e-14)
    assert str(m) == "nn.SpatialUpSamplingBilinear(2)"
    m2 = nn.SpatialUpSamplingBilinear({"oheight": 4, "owidth": 6})
    assert m2.forward(torch.rand(2, 3, 2)).size().totable() == [2, 4, 6]
    assert_jacobian(m2, torch.rand(2, 3, 2))


def test_pixel_shuffle():
    m = nn.PixelShuffle(2)
    x = np.random.randn(2, 8, 3, 4)
    out = m.forward(T(x))
    assert out.size().totable() == [2, 2, 6, 8]
    for c in range(2):
        for i in range(2):
            for j in range(2):
                np.testing.assert_array_equal(out._a[:, c, i::2, j::2], x[:, c * 4 + i * 2 + j])
    assert_jacobian(m, torch.rand(4, 2, 3))
    with pytest.raises(ValueError, match="multiple of upscaleFactor"):
        m.forward(torch.rand(3, 2, 2))
