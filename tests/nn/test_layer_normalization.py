"""nn.LayerNormalization: each sample normalised over its features, then gain and bias."""
import numpy as np
import pytest
from nn_helpers import assert_jacobian

from luatorch import nn, torch


def _reference(x, gain, bias, eps=1e-10):
    """Centre each sample, scale it to unit L2 norm (nn.Normalize's (sum x^2 + eps)^1/2), times
    sqrt(nOutput) so its mean square is 1, then gain and bias."""
    centred = x - x.mean(axis=-1, keepdims=True)
    norm = np.sqrt((centred ** 2).sum(axis=-1, keepdims=True) + eps)
    return centred / norm * np.sqrt(x.shape[-1]) * gain + bias


@pytest.mark.parametrize("shape", [(5,), (3, 5)])
def test_output_has_zero_mean_unit_variance_per_sample(shape):
    torch.manualSeed(1)
    m = nn.LayerNormalization(5)
    x = torch.randn(*shape)
    y = m.forward(x)._a
    np.testing.assert_allclose(y, _reference(x._a, 1.0, 0.0), rtol=1e-10)
    np.testing.assert_allclose(y.mean(axis=-1), 0, atol=1e-12)
    np.testing.assert_allclose((y ** 2).mean(axis=-1), 1, rtol=1e-8)


def test_gain_bias_and_parameters():
    m = nn.LayerNormalization(4, 0.5)
    params, grads = m.parameters()
    assert [p.nElement() for p in params] == [4, 4]  # CMul gain, then Add bias
    assert params[0]._a.tolist() == [1, 1, 1, 1] and params[1]._a.tolist() == [0.5] * 4
    x = torch.Tensor([[1, 2, 3, 4]])
    np.testing.assert_allclose(m.forward(x)._a, _reference(x._a, 1.0, 0.5), rtol=1e-10)


def test_without_affine_there_are_no_parameters():
    m = nn.LayerNormalization(4, 0, 1e-5, False)
    assert len(m.modules) == 4
    params = m.parameters()
    assert params is None or not params[0]


@pytest.mark.parametrize("shape", [(6,), (3, 6)])
def test_jacobian(shape):
    torch.manualSeed(2)
    m = nn.LayerNormalization(6)
    assert_jacobian(m, torch.randn(*shape))
