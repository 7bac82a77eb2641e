"""Bad config values and bad opfunc results get clear errors, and leave x untouched."""

import numpy as np
import pytest

from luatorch import optim, torch

ALGORITHMS = [optim.sgd, optim.adagrad, optim.adadelta, optim.adam, optim.adamax,
              optim.rmsprop, optim.nag, optim.asgd, optim.rprop, optim.lbfgs, optim.cg]


def good(p):
    g = torch.Tensor(2)
    g._a[...] = 2 * p._a
    return float((p._a ** 2).sum()), g


def test_string_learning_rate_names_the_key():
    x = torch.Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match=r"optim.sgd: config.learningRate must be a number, "
                                        r"got string '0.1'"):
        optim.sgd(good, x, {"learningRate": "0.1"})
    np.testing.assert_array_equal(x._a, [1.0, 2.0])
    with pytest.raises(TypeError, match="config.beta1"):
        optim.adam(good, x, {"beta1": True})
    with pytest.raises(TypeError, match="config.learningRates must be a tensor"):
        optim.sgd(good, x, {"learningRates": [1, 2]})


def test_integer_config_values_are_numbers():
    x = torch.Tensor([1.0, 2.0])
    optim.sgd(good, x, {"learningRate": 1, "momentum": 0})
    np.testing.assert_array_equal(x._a, [-1.0, -2.0])


@pytest.mark.parametrize("config", [{"nesterov": True}, {"nesterov": True, "momentum": 0.9},
                                    {"nesterov": True, "momentum": -0.5, "dampening": 0}])
def test_nesterov_needs_momentum_and_zero_dampening(config):
    with pytest.raises(ValueError,
                       match="Nesterov momentum requires a momentum and zero dampening"):
        optim.sgd(good, torch.Tensor([1.0, 2.0]), config)


def test_nag_needs_positive_momentum():
    with pytest.raises(ValueError, match="Momentum must be positive for Nesterov"):
        optim.nag(good, torch.Tensor([1.0, 2.0]), {"momentum": 0})


@pytest.mark.parametrize("method", ALGORITHMS)
def test_gradient_of_the_wrong_size_is_reported_with_sizes(method):
    x = torch.Tensor([1.0, 2.0])

    def wrong(p):
        return 1.0, torch.Tensor(3).zero()

    with pytest.raises(ValueError, match=r"3 elements \(size 3\) but x has 2 \(size 2\)"):
        method(wrong, x, {})
    np.testing.assert_array_equal(x._a, [1.0, 2.0])


@pytest.mark.parametrize("method", ALGORITHMS)
def test_opfunc_must_return_value_and_gradient(method):
    x = torch.Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="opfunc must return two values"):
        method(lambda p: 1.0, x, {})
    with pytest.raises(TypeError, match="must be a tensor"):
        method(lambda p: (1.0, [0.0, 0.0]), x, {})
    np.testing.assert_array_equal(x._a, [1.0, 2.0])


def test_x_must_be_a_tensor():
    with pytest.raises(TypeError, match="optim.adam: x must be a tensor"):
        optim.adam(good, [1.0, 2.0])


def test_config_is_state_by_default_and_state_can_be_separate():
    x = torch.Tensor([1.0, 2.0])
    config = {"learningRate": 0.1}
    optim.adam(good, x, config)
    assert config["t"] == 1 and "m" in config
    config2, state2 = {"learningRate": 0.1}, {}
    optim.adam(good, x, config2, state2)
    assert "t" not in config2 and state2["t"] == 1


class LuaTableLike:
    """A MutableMapping-like adapter such as the bridge passes for a Lua table."""

    def __init__(self, **items):
        self._items = dict(items)

    def get(self, key, default=None):
        return self._items.get(key, default)

    def __getitem__(self, key):
        return self._items[key]

    def __setitem__(self, key, value):
        self._items[key] = value

    def __contains__(self, key):
        return key in self._items


@pytest.mark.parametrize("method", [optim.sgd, optim.adam, optim.rmsprop, optim.lbfgs,
                                    optim.cg, optim.rprop, optim.adadelta])
def test_state_may_be_any_mapping(method):
    x = torch.Tensor([1.0, 2.0])
    state = LuaTableLike(learningRate=0.1, momentum=0.5)
    for _ in range(2):
        out = method(good, x, state)
    assert out[0] is x
    assert float(np.abs(x._a).sum()) < 3.0


def test_lbfgs_reads_max_iter_with_lua_tonumber():
    # Torch7 reads tonumber(config.maxIter): a numeric string counts, another string does not
    x = torch.Tensor([3.0, -1.0])
    state = {"maxIter": "2", "tolFun": 0}
    optim.lbfgs(good, x, state)
    assert state["nIter"] == 2
    state = {"maxIter": "many"}
    optim.lbfgs(good, torch.Tensor([3.0, -1.0]), state)
    assert state["nIter"] <= 20
