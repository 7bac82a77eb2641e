"""Helpers shared by the optim algorithms: reading config the way Torch7's Lua code does,
calling ``opfunc`` and checking what it returns, making state tensors.

``config`` and ``state`` are mappings mutated in place: a dict from Python, or a live adapter
over the Lua table the bridge passes. Only the Mapping/MutableMapping interface is used.
"""

import numbers

import numpy as np

from ..torch.tensor import Tensor


def lua_value_type(value):
    """Lua's name for the type of ``value`` (for error messages)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Tensor):
        return value.__typename__
    return type(value).__name__


def setup(config, state):
    """Torch7's ``local config = config or {}; local state = state or config``."""
    if config is None or config is False:
        config = {}
    if state is None or state is False:
        state = config
    return config, state


def lua_or(value, default):
    """Lua's ``value or default``: nil and false fall back to the default."""
    return default if value is None or value is False else value


def number_option(config, key, default, op, table="config"):
    """``config.key or default``, checked to be a number (ints and floats both accepted);
    ``table`` names the table in the error message."""
    value = lua_or(config.get(key), default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"optim.{op}: {table}.{key} must be a number, got "
                        f"{lua_value_type(value)} {value!r}")
    return value


def tonumber_option(config, key, default, op, table="config"):
    """``tonumber(config.key) or default``: numeric strings count, other strings fall back to
    the default, as Lua's tonumber makes them nil (lbfgs's maxIter/maxEval, cmaes's maxEval)."""
    value = config.get(key)
    if isinstance(value, str):
        try:
            value = float(value.strip())
            value = int(value) if value.is_integer() else value
        except ValueError:
            value = None
    if value is None or value is False:
        return default
    return number_option({key: value}, key, default, op, table)


def tensor_option(config, key, op):
    """``config.key`` that must be a tensor when given (learningRates, weightDecays)."""
    value = config.get(key)
    if value is None or value is False:
        return None
    if not isinstance(value, Tensor):
        raise TypeError(f"optim.{op}: config.{key} must be a tensor, got {lua_value_type(value)}")
    return value


def size_str(t):
    return "x".join(str(s) for s in t._size) if t._size else "empty"


def check_x(x, op):
    if not isinstance(x, Tensor):
        raise TypeError(f"optim.{op}: x must be a tensor, got {lua_value_type(x)}")


def check_same_elements(t, x, what, op):
    if t.nElement() != x.nElement():
        raise ValueError(f"optim.{op}: {what} has {t.nElement()} elements (size {size_str(t)}) "
                         f"but x has {x.nElement()} (size {size_str(x)})")


def evaluate(opfunc, x, op):
    """Call ``opfunc(x)`` and return ``(f, df/dx)``, checking the gradient against ``x``."""
    result = opfunc(x)
    if not isinstance(result, (tuple, list)) or len(result) < 2:
        raise TypeError(f"optim.{op}: opfunc must return two values, f(x) and df/dx; "
                        f"got {lua_value_type(result)}")
    fx, dfdx = result[0], result[1]
    if not isinstance(dfdx, Tensor):
        raise TypeError(f"optim.{op}: opfunc's second return value (df/dx) must be a tensor, "
                        f"got {lua_value_type(dfdx)}")
    check_same_elements(dfdx, x, "df/dx returned by opfunc", op)
    return fx, dfdx


def value_only(result):
    """The first value of what an objective returned (Lua drops the others)."""
    if isinstance(result, (tuple, list)):
        return result[0] if result else None
    return result


def as_number(f, what, op):
    if isinstance(f, Tensor) and f.nElement() == 1:
        return float(f._a.reshape(-1)[0])
    if isinstance(f, bool) or not isinstance(f, numbers.Real):
        raise TypeError(f"optim.{op}: {what} must be a number, got {lua_value_type(f)}")
    return f


def arr(t, shape):
    """``t``'s elements as an array of ``shape`` (a view when the layout allows)."""
    a = t._a
    return a if a.shape == shape else a.reshape(shape)


def write(t, values):
    """Write ``values`` (any shape with the same number of elements) into tensor ``t``."""
    a = t._a
    if values.shape != a.shape:
        values = np.reshape(values, a.shape)
    a[...] = values


def new_like(x, like, fill=None):
    """``torch.Tensor():typeAs(x):resizeAs(like)``, optionally filled."""
    t = type(x)().resizeAs(like)
    if fill is not None:
        t._a.fill(fill)
    return t


def lua_pairs(table):
    """Lua's ``pairs`` over a list (keys 1..n), a tuple, or a mapping."""
    if isinstance(table, (list, tuple)):
        return [(i + 1, v) for i, v in enumerate(table)]
    return list(table.items())


# Below this many elements a dot product adds the products one after the other, as Torch7's
# BLAS did for short vectors (numpy's BLAS fuses multiply-adds, which changes the last bits
# and, over many L-BFGS or CG iterations, the trajectory). Longer vectors use BLAS.
SEQUENTIAL_DOT_MAX = 32


def dot(a, b):
    """Dot product of two tensors' elements (any shapes with the same number of elements)."""
    u = a._a.reshape(-1)
    v = b._a.reshape(-1)
    if u.size <= SEQUENTIAL_DOT_MAX:
        return float(sum((u.astype(np.float64) * v.astype(np.float64)).tolist()))
    return float(np.dot(u, v))


def add_learning_rate_step(target, dfdx, clr, lrs, x, state, op):
    """target += -clr * dfdx, or -clr * (learningRates ⊙ dfdx) when per-parameter rates are
    given (kept in state.deltaParameters, as sgd.lua and nag.lua keep them)."""
    T = target._a
    if lrs is None:
        T[...] = T + -clr * arr(dfdx, T.shape)
        return
    check_same_elements(lrs, x, "config.learningRates", op)
    delta = state.get("deltaParameters")
    if delta is None:
        delta = new_like(x, dfdx)
        state["deltaParameters"] = delta
    D = delta._a
    D[...] = arr(lrs, D.shape)
    D[...] = D * arr(dfdx, D.shape)
    T[...] = T + -clr * arr(delta, T.shape)
