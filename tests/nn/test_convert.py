"""nn.Convert: layout conversions (transpositions, flattening to bf, selecting to b), batch and
single samples, type conversion, gradients."""

import numpy as np
from nn_helpers import T

from luatorch import nn, torch


def test_bchw_to_bf_flattens_each_sample():
    m = nn.Convert("bchw", "bf")
    x = np.random.randn(2, 3, 4, 5)
    out = m.forward(T(x))
    np.testing.assert_array_equal(out._a, x.reshape(2, -1))
    g = np.random.randn(2, 60)
    np.testing.assert_array_equal(m.backward(T(x), T(g))._a, g.reshape(x.shape))
    assert torch.type(m.modules[0]) == "nn.Reshape"


def test_transposition_and_single_sample():
    m = nn.Convert("bhwc", "bchw")
    x = np.random.randn(2, 3, 4, 5)
    out = m.forward(T(x))
    np.testing.assert_array_equal(out._a, x.transpose(0, 3, 1, 2))
    g = np.random.randn(2, 5, 3, 4)
    np.testing.assert_array_equal(m.backward(T(x), T(g))._a, g.transpose(0, 2, 3, 1))
    single = nn.Convert("hwc", "chw")
    y = np.random.randn(3, 4, 5)
    out = single.forward(T(y))
    np.testing.assert_array_equal(out._a, y.transpose(2, 0, 1))
    gi = single.backward(T(y), T(np.ones((5, 3, 4))))
    assert gi.size().totable() == [3, 4, 5]


def test_feature_first_and_to_b():
    m = nn.Convert("fb", "bf")
    x = np.random.randn(3, 2)
    np.testing.assert_array_equal(m.forward(T(x))._a, x.T)
    b = nn.Convert("bf", "b")
    np.testing.assert_array_equal(b.forward(T(np.array([[1.0], [2.0]])))._a, [1.0, 2.0])


def test_default_converts_type():
    m = nn.Convert()
    x = torch.FloatTensor(2, 3).fill(1.5)
    out = m.forward(x)
    assert torch.type(out) == "torch.DoubleTensor" and out._a.tolist() == [[1.5] * 3] * 2
    gi = m.backward(x, torch.Tensor(2, 3).fill(2))
    assert torch.type(gi) == "torch.DoubleTensor" and gi._a.sum() == 12
