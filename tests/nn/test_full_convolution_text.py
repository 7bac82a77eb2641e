"""Printed form of the transposed convolutions when only the adjustments are nonzero.

Torch7 (nn/SpatialFullConvolution.lua, nn/VolumetricFullConvolution.lua __tostring__) prints
the strides when a stride is not 1 or a pad is nonzero, the pads only when one is nonzero,
and the adjustments only when one is nonzero: zero pads are left out even before nonzero
adjustments."""

from luatorch import nn


def test_spatial_full_convolution_skips_zero_pads_before_adjustments():
    m = nn.SpatialFullConvolution(3, 4, 3, 3, 2, 2, 0, 0, 1, 1)
    assert str(m) == "nn.SpatialFullConvolution(3 -> 4, 3x3, 2,2, 1,1)"


def test_spatial_full_convolution_prints_pads_and_adjustments():
    m = nn.SpatialFullConvolution(3, 4, 3, 3, 2, 2, 1, 0, 1, 0)
    assert str(m) == "nn.SpatialFullConvolution(3 -> 4, 3x3, 2,2, 1,0, 1,0)"


def test_volumetric_full_convolution_skips_zero_pads_before_adjustments():
    m = nn.VolumetricFullConvolution(2, 3, 3, 4, 5, 2, 2, 1, 0, 0, 0, 1, 0, 0)
    assert str(m) == "nn.VolumetricFullConvolution(2 -> 3, 3x4x5, 2,2,1, 1,0,0)"


def test_volumetric_full_convolution_prints_pads_and_adjustments():
    m = nn.VolumetricFullConvolution(2, 3, 3, 4, 5, 2, 2, 2, 1, 0, 1, 1, 1, 0)
    assert str(m) == "nn.VolumetricFullConvolution(2 -> 3, 3x4x5, 2,2,2, 1,0,1, 1,1,0)"
