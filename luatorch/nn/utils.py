"""nn.utils: Torch7's helpers over tensors and (nested) tables of tensors.

A "table of tensors" is any Python sequence (list from Python, a list-like adapter from Lua).
"""

from collections.abc import Mapping

import numpy as np

from ..torch import Storage, Tensor
from ..torch.classes import TorchObject, find


def is_table(x):
    """A Lua table of values: anything sized and indexable that is not a tensor, storage,
    number or string (a Python list or dict, or the bridge's adapter of a Lua table)."""
    return not isinstance(x, (Tensor, Storage, str, bytes, int, float)) and hasattr(x, "__len__") \
        and hasattr(x, "__getitem__")


def recursiveType(param, type_name, tensorCache=None):
    """Convert every tensor inside ``param`` to ``type_name``; tensors viewing one storage keep
    viewing one (converted) storage, so flattened parameters stay flattened."""
    cache = {} if tensorCache is None else tensorCache
    if isinstance(param, Tensor):
        if param.__typename__ == type_name:
            return param
        if id(param) in cache:
            return cache[id(param)][1]
        cls = find(type_name)
        if cls is None or not issubclass(cls, Tensor):
            raise ValueError(f"type: unknown tensor type {type_name!r}")
        new = cls()
        st = param._storage
        if st is not None:
            key = ("storage", id(st))
            if key not in cache:
                new_storage = cls.storage_class(st.size())
                new_storage.data[...] = st.data.astype(cls.dtype)
                cache[key] = (st, new_storage)
            new._set_from(cache[key][1], param._offset, param._size, param._stride)
        cache[id(param)] = (param, new)
        return new
    if isinstance(param, TorchObject) and not isinstance(param, Storage) \
            and callable(getattr(param, "type", None)):  # a module or criterion
        param.type(type_name, cache)
        return param
    if isinstance(param, Mapping):
        for k in list(param.keys()):
            param[k] = recursiveType(param[k], type_name, cache)
        return param
    if is_table(param) and hasattr(param, "__setitem__"):  # a list, or a Lua array adapter
        for i in range(len(param)):
            param[i] = recursiveType(param[i], type_name, cache)
        return param
    return param


def _recursive_like(t1, t2, fill):
    """``t1`` made to mirror ``t2`` (a tensor or nested list of tensors), reusing t1's tensors
    and lists where they exist; ``fill(dst, src)`` sets each tensor from its counterpart."""
    if isinstance(t2, Tensor):
        t1 = t1 if isinstance(t1, Tensor) else t2.new()
        fill(t1, t2)
        return t1
    t1 = t1 if (t1 is not None and not isinstance(t1, Tensor)) else []
    t1[:] = [_recursive_like(t1[i] if i < len(t1) else None, t2[i], fill) for i in range(len(t2))]
    return t1


def recursiveResizeAs(t1, t2):
    return _recursive_like(t1, t2, lambda dst, src: dst.resizeAs(src)), t2


def recursiveFill(t2, val):
    if isinstance(t2, Tensor):
        t2.fill(val)
    else:
        for x in t2:
            recursiveFill(x, val)
    return t2


def recursiveAdd(t1, val, t2=None):
    if t2 is None:
        val, t2 = 1, val
    if isinstance(t2, Tensor):
        t1._a[...] += val * t2._a.reshape(t1._size)
    else:
        for a, b in zip(t1, t2, strict=False):
            recursiveAdd(a, val, b)
    return t1, t2


def recursiveCopy(t1, t2):
    return _recursive_like(t1, t2, lambda dst, src: dst.resizeAs(src).copy(src)), t2


def addSingletonDimension(*args):
    """addSingletonDimension([view,] t, dim): a view of t with a size-1 dimension at dim."""
    if len(args) == 3:
        view, t, dim = args
    else:
        t, dim = args[0], (args[1] if len(args) > 1 else 1)
        view = t.new()
    if not isinstance(t, Tensor):
        raise TypeError("addSingletonDimension: expected a tensor")
    view.set(t.unsqueeze(dim))
    return view


def contiguousView(output, input, *sizes):
    output = output if isinstance(output, Tensor) else input.new()
    if input.isContiguous():
        output.set(input.view(*sizes))
    else:
        output.resizeAs(input).copy(input)
        output.set(output.view(*sizes))
    return output


def clear(self, *names):
    """Empty the named fields (tensors become empty, tables become empty lists); returns self."""
    if len(names) == 1 and isinstance(names[0], (list, tuple)):
        names = tuple(names[0])
    for name in names:
        value = getattr(self, name, None)
        if isinstance(value, Tensor):
            value.set()
        elif value is not None and is_table(value):
            setattr(self, name, [])
        elif value is not None:
            try:
                delattr(self, name)
            except AttributeError:
                pass
    return self


def tensor_or_table_equal(a, b):
    if isinstance(a, Tensor):
        return isinstance(b, Tensor) and a._size == b._size and np.array_equal(a._a, b._a)
    return len(a) == len(b) and all(tensor_or_table_equal(x, y) for x, y in zip(a, b, strict=True))
