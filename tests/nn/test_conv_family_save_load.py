"""Every issue-8 module survives torch.save / torch.load (ascii and binary) after a forward:
same class, same text, same output on the same input."""

import os
import tempfile

import numpy as np
import pytest

from luatorch import nn, torch

CASES = [
    (lambda: nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1), (2, 2, 5, 5)),
    (lambda: nn.SpatialConvolutionMM(2, 3, 3, 3), (2, 5, 5)),
    (lambda: nn.SpatialDilatedConvolution(2, 2, 2, 2, 1, 1, 0, 0, 2, 2), (2, 5, 5)),
    (lambda: nn.SpatialFullConvolution(2, 2, 3, 3, 2, 2), (2, 3, 3)),
    (lambda: nn.SpatialMaxPooling(2, 2).ceil(), (2, 5, 5)),
    (lambda: nn.SpatialAveragePooling(2, 2, 2, 2, 1, 1).setCountExcludePad(), (2, 5, 5)),
    (lambda: nn.SpatialAdaptiveMaxPooling(2, 2), (2, 5, 5)),
    (lambda: nn.SpatialAdaptiveAveragePooling(2, 3), (2, 5, 5)),
    (lambda: nn.SpatialBatchNormalization(2), (3, 2, 4, 4)),
    (lambda: nn.BatchNormalization(3, 1e-3, 0.2, False), (4, 3)),
    (lambda: nn.SpatialCrossMapLRN(3), (4, 3, 3)),
    (lambda: nn.TemporalConvolution(3, 2, 2), (5, 3)),
    (lambda: nn.TemporalMaxPooling(2), (6, 3)),
    (lambda: nn.TemporalSubSampling(3, 2), (5, 3)),
    (lambda: nn.TemporalRowConvolution(3, 2), (5, 3)),
    (lambda: nn.SpatialZeroPadding(1, 2, 0, 1), (2, 3, 3)),
    (lambda: nn.SpatialReflectionPadding(1, 1, 1, 1), (2, 3, 3)),
    (lambda: nn.SpatialReplicationPadding(1, 0, 2, 1), (2, 3, 3)),
    (lambda: nn.SpatialUpSamplingNearest(2), (2, 3, 3)),
    (lambda: nn.SpatialUpSamplingBilinear(2), (2, 3, 3)),
    (lambda: nn.PixelShuffle(2), (8, 2, 2)),
    (lambda: nn.SpatialSubSampling(2, 2, 2), (2, 4, 4)),
    (lambda: nn.SpatialConvolutionLocal(2, 2, 4, 4, 2, 2), (2, 4, 4)),
    (lambda: nn.SpatialConvolutionMap(nn.tables.full(2, 2), 2, 2), (2, 4, 4)),
    (lambda: nn.SpatialDepthWiseConvolution(2, 2, 2, 2), (2, 4, 4)),
    (lambda: nn.SpatialSoftMax(), (3, 2, 2)),
    (lambda: nn.SpatialLPPooling(2, 2, 2, 2), (2, 4, 4)),
    (lambda: nn.SpatialSubtractiveNormalization(2, torch.Tensor(3, 3).fill(1)), (2, 5, 5)),
    (lambda: nn.SpatialContrastiveNormalization(2, torch.Tensor(3, 3).fill(1)), (2, 5, 5)),
    (lambda: nn.VolumetricConvolution(2, 2, 2, 2, 2), (2, 3, 3, 3)),
    (lambda: nn.VolumetricFullConvolution(2, 2, 2, 2, 2), (2, 2, 2, 2)),
    (lambda: nn.VolumetricMaxPooling(2, 2, 2), (2, 4, 4, 4)),
    (lambda: nn.VolumetricAveragePooling(2, 2, 2), (2, 4, 4, 4)),
    (lambda: nn.WeightNorm(nn.Linear(3, 2)), (2, 3)),
    (lambda: nn.Collapse(2), (2, 3, 4)),
    (lambda: nn.Convert("bhwc", "bchw"), (2, 3, 4, 2)),
]


@pytest.mark.parametrize("fmt", ["ascii", "binary"])
@pytest.mark.parametrize("make,shape", CASES)
def test_save_load_round_trip(make, shape, fmt):
    m = make()
    m.evaluate()  # deterministic, and BatchNormalization uses its running statistics
    x = torch.rand(*shape)
    out = m.forward(x).clone()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.t7")
        torch.save(path, m, fmt)
        back = torch.load(path, fmt)
    assert torch.type(back) == torch.type(m)
    assert str(back) == str(m)
    np.testing.assert_array_equal(back.forward(x)._a, out._a)
