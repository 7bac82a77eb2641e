"""Table layers (Torch7's doc/table.md): modules that take or give tables of tensors.

A table of tensors is a Python sequence: a list from Python, a list-like adapter from Lua.
Tests are ``isinstance(x, Tensor)`` versus "else a sequence"."""

from collections.abc import Mapping

import numpy as np

from ..torch import Tensor
from ..torch.classes import typename
from ..torch.storage import LongStorage
from . import utils
from .module import Module, resize


def _put(buf, shape, values):
    resize(buf, shape)
    buf._a[...] = values
    return buf


def _put_tensor(t, shape, values):
    """_put into ``t`` when it is a tensor (a reused buffer), else into a new one."""
    return _put(t if isinstance(t, Tensor) else Tensor(), shape, values)


def _sz(t):
    return "x".join(str(s) for s in t._size) or "empty"


def _grad_list(self, n):
    """self.gradInput as a list of n tensors (reused), trimmed to n."""
    gi = self.gradInput
    if isinstance(gi, Tensor) or gi is None:
        gi = []
    gi = list(gi)
    while len(gi) < n:
        gi.append(Tensor())
    for i in range(n):
        if not isinstance(gi[i], Tensor):
            gi[i] = Tensor()
    del gi[n:]
    self.gradInput = gi
    return gi


def _check_table(self, input, n=None):
    if isinstance(input, Tensor):
        raise TypeError(f"{typename(self)}: expected a table of tensors as input, got a tensor "
                        f"of size {_sz(input)}")
    if n is not None and len(input) < n:
        raise ValueError(f"{typename(self)}: expected a table of {n} tensors, got {len(input)}")


def _same_sizes(self, input):
    sizes = [t._size for t in input]
    for i, t in enumerate(input[1:], 2):
        if t.nElement() != input[0].nElement():
            raise ValueError(f"{typename(self)}: input {i} of size {_sz(t)} does not match input 1 "
                             f"of size {_sz(input[0])}")
    return sizes


class CAddTable(Module):
    """Sum of the tensors of the input table."""

    __typename__ = "nn.CAddTable"

    def __init__(self, ip=False):
        super().__init__()
        self.inplace = bool(ip)
        self.gradInput = []

    def updateOutput(self, input):
        _check_table(self, input, 1)
        _same_sizes(self, input)
        if self.inplace:
            self.output.set(input[0])
        else:
            _put(self.output, input[0]._size, input[0]._a)
        out = self.output._a
        for t in input[1:]:
            out += t._a.reshape(out.shape)
        return self.output

    def updateGradInput(self, input, gradOutput):
        gi = _grad_list(self, len(input))
        for i, t in enumerate(input):
            if self.inplace:
                gi[i].set(gradOutput)
            else:
                _put(gi[i], t._size, gradOutput._a.reshape(t._size))
        return self.gradInput


class _TwoInputTable(Module):
    """CSubTable / CDivTable: input[1] op input[2], elementwise (same element counts)."""

    def __init__(self):
        super().__init__()
        self.gradInput = []

    def updateOutput(self, input):
        _check_table(self, input, 2)
        _same_sizes(self, input[:2])
        _put(self.output, input[0]._size, self._op(input[0]._a, input[1]._a.reshape(input[0]._size)))
        return self.output


class CSubTable(_TwoInputTable):
    """input[1] - input[2]."""

    __typename__ = "nn.CSubTable"
    _op = staticmethod(np.subtract)

    def updateGradInput(self, input, gradOutput):
        gi = _grad_list(self, 2)
        _put(gi[0], input[0]._size, gradOutput._a.reshape(input[0]._size))
        _put(gi[1], input[1]._size, -gradOutput._a.reshape(input[1]._size))
        return self.gradInput


class CMulTable(Module):
    """Elementwise product of the tensors of the input table."""

    __typename__ = "nn.CMulTable"

    def __init__(self):
        super().__init__()
        self.gradInput = []

    def updateOutput(self, input):
        _check_table(self, input, 1)
        _same_sizes(self, input)
        out = _put(self.output, input[0]._size, input[0]._a)._a
        for t in input[1:]:
            out *= t._a.reshape(out.shape)
        return self.output

    def updateGradInput(self, input, gradOutput):
        gi = _grad_list(self, len(input))
        shape = input[0]._size
        arrs = [t._a.reshape(shape) for t in input]
        go = gradOutput._a.reshape(shape)
        for i in range(len(arrs)):
            prod = go.copy()
            for j, a in enumerate(arrs):
                if j != i:
                    prod *= a
            _put(gi[i], input[i]._size, prod.reshape(input[i]._size))
        return self.gradInput


class CDivTable(_TwoInputTable):
    """input[1] ./ input[2]."""

    __typename__ = "nn.CDivTable"
    _op = staticmethod(np.divide)

    def updateGradInput(self, input, gradOutput):
        gi = _grad_list(self, 2)
        a, b = input[0]._a, input[1]._a.reshape(input[0]._size)
        go = gradOutput._a.reshape(a.shape)
        _put(gi[0], input[0]._size, go / b)
        _put(gi[1], input[1]._size, (-go * a / (b * b)).reshape(input[1]._size))
        return self.gradInput


class CMaxTable(Module):
    """Elementwise maximum over the input table; the gradient goes to the first maximal input."""

    __typename__ = "nn.CMaxTable"
    _better = staticmethod(np.greater)
    _idx_field = "maxIdx"  # Torch7's field holding the (1-based) winning input per element

    def __init__(self):
        super().__init__()
        self.gradInput = []
        setattr(self, self._idx_field, Tensor())

    def updateOutput(self, input):
        _check_table(self, input, 1)
        _same_sizes(self, input)
        shape = input[0]._size
        out = input[0]._a.copy()
        idx = np.ones(shape)
        for i, t in enumerate(input[1:], 2):
            a = t._a.reshape(shape)
            better = self._better(a, out)
            out = np.where(better, a, out)
            idx[better] = i
        _put(self.output, shape, out)
        buf = getattr(self, self._idx_field, None)
        if not isinstance(buf, Tensor):
            buf = Tensor()
            setattr(self, self._idx_field, buf)
        _put(buf, shape, idx)
        return self.output

    def updateGradInput(self, input, gradOutput):
        gi = _grad_list(self, len(input))
        idx = getattr(self, self._idx_field)._a
        go = gradOutput._a.reshape(idx.shape)
        for i, t in enumerate(input, 1):
            _put(gi[i - 1], t._size, np.where(idx == i, go, 0.0).reshape(t._size))
        return self.gradInput


class CMinTable(CMaxTable):
    """Elementwise minimum over the input table; the gradient goes to the first minimal input."""

    __typename__ = "nn.CMinTable"
    _better = staticmethod(np.less)
    _idx_field = "minIdx"


class JoinTable(Module):
    """Concatenates the tensors of the table along ``dimension`` (+1 in batch mode when
    nInputDims is given)."""

    __typename__ = "nn.JoinTable"

    def __init__(self, dimension, nInputDims=None):
        super().__init__()
        self.size = LongStorage()
        self.dimension = dimension
        self.nInputDims = nInputDims
        self.gradInput = []

    def _getPositiveDimension(self, input):
        dimension = self.dimension
        if dimension < 0:
            dimension = input[0].dim() + dimension + 1
        elif self.nInputDims is not None and input[0].dim() == self.nInputDims + 1:
            dimension += 1
        return dimension

    def updateOutput(self, input):
        _check_table(self, input, 1)
        dim = self._getPositiveDimension(input)
        d = dim - 1
        first = input[0]._size
        if d < 0 or d >= len(first):
            raise ValueError(f"{typename(self)}: dimension {self.dimension} out of range for input of "
                             f"size {_sz(input[0])}")
        for i, t in enumerate(input[1:], 2):
            s = t._size
            if len(s) != len(first) or any(a != b for j, (a, b) in enumerate(zip(s, first, strict=True)) if j != d):
                raise ValueError(f"{typename(self)}: input {i} of size {_sz(t)} cannot be joined with "
                                 f"input 1 of size {_sz(input[0])} along dimension {dim}")
        out = np.concatenate([t._a for t in input], axis=d)
        self.size = LongStorage(list(out.shape))
        _put(self.output, out.shape, out)
        return self.output

    def updateGradInput(self, input, gradOutput):
        dim = self._getPositiveDimension(input)
        gi = _grad_list(self, len(input))
        offset = 1
        for i, t in enumerate(input):
            n = t._size[dim - 1]
            part = gradOutput.narrow(dim, offset, n)
            _put(gi[i], t._size, part._a)
            offset += n
        return self.gradInput


class SplitTable(Module):
    """Splits the input along ``dimension`` into a table of its slices (views)."""

    __typename__ = "nn.SplitTable"

    def __init__(self, dimension, nInputDims=None):
        super().__init__()
        self.dimension = dimension
        self.nInputDims = nInputDims
        self.output = []

    def _getPositiveDimension(self, input):
        dimension = self.dimension
        if dimension < 0:
            dimension = input.dim() + dimension + 1
        elif self.nInputDims is not None and input.dim() == self.nInputDims + 1:
            dimension += 1
        if dimension < 1 or dimension > input.dim():
            raise ValueError(f"{typename(self)}: dimension {self.dimension} out of range for input of "
                             f"size {_sz(input)}")
        return dimension

    def updateOutput(self, input):
        dim = self._getPositiveDimension(input)
        n = input.size(dim)
        if input.dim() == 1:
            # a vector splits into one-element tensors
            self.output = [input.narrow(1, i, 1) for i in range(1, n + 1)]
        else:
            self.output = [input.select(dim, i) for i in range(1, n + 1)]
        return self.output

    def updateGradInput(self, input, gradOutput):
        dim = self._getPositiveDimension(input)
        if not isinstance(self.gradInput, Tensor):
            self.gradInput = Tensor()
        gi = self.gradInput.resizeAs(input)
        a = np.moveaxis(gi._a, dim - 1, 0)
        for i, g in enumerate(gradOutput):
            a[i] = g._a.reshape(a.shape[1:])
        return self.gradInput


def _zero_copy(dst, src):
    """A table shaped like ``src`` (tensors resized and zeroed), reusing ``dst`` where possible."""
    if isinstance(src, Tensor):
        t = dst if isinstance(dst, Tensor) else src.new()
        t.resizeAs(src).zero()
        return t
    if isinstance(src, Mapping):
        d = dst if isinstance(dst, dict) else {}
        for k in list(d):
            if k not in src:
                del d[k]
        for k, v in src.items():
            d[k] = _zero_copy(d.get(k), v)
        return d
    lst = dst if isinstance(dst, list) else []
    lst[:] = [_zero_copy(lst[i] if i < len(lst) else None, v) for i, v in enumerate(src)]
    return lst


class SelectTable(Module):
    """input[index] (negative indices count from the end; a string key for records)."""

    __typename__ = "nn.SelectTable"

    def __init__(self, index):
        super().__init__()
        self.index = index
        self.gradInput = []

    def _key(self, input):
        if isinstance(self.index, str):
            return self.index
        if isinstance(input, Tensor):
            raise TypeError(f"{typename(self)}: expected a table as input, got a tensor of size {_sz(input)}")
        n = len(input)
        index = self.index + n + 1 if self.index < 0 else self.index
        if index < 1 or index > n:
            raise IndexError(f"{typename(self)}: index {self.index} out of range for a table of {n} elements")
        return index - 1

    def updateOutput(self, input):
        self.output = input[self._key(input)]
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = _zero_copy(self.gradInput, input)
        k = self._key(input)
        self.gradInput[k], _ = utils.recursiveCopy(self.gradInput[k], gradOutput)
        return self.gradInput

    def __tostring__(self):
        return f"{typename(self)}({self.index})"

    def type(self, type=None, tensorCache=None):
        if type is not None:
            self.gradInput = []
            self.output = []
        return Module.type(self, type, tensorCache)


class NarrowTable(Module):
    """The sub-table input[offset .. offset + length - 1]."""

    __typename__ = "nn.NarrowTable"

    def __init__(self, offset, length=1):
        super().__init__()
        self.offset = offset
        self.length = length
        self.output = []
        self.gradInput = []

    def updateOutput(self, input):
        n = len(input)
        if self.offset < 1 or self.offset + self.length - 1 > n:
            raise IndexError(f"{typename(self)}: cannot take {self.length} elements from offset "
                             f"{self.offset} of a table of {n}")
        self.output = [input[i] for i in range(self.offset - 1, self.offset - 1 + self.length)]
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = _zero_copy(self.gradInput, input)
        for k in range(self.length):
            i = self.offset - 1 + k
            self.gradInput[i], _ = utils.recursiveCopy(self.gradInput[i], gradOutput[k])
        return self.gradInput


def _flatten(x, out):
    if isinstance(x, Tensor):
        out.append(x)
    else:
        for v in x:
            _flatten(v, out)
    return out


def _unflatten(template, flat, pos):
    if isinstance(template, Tensor):
        return flat[pos], pos + 1
    res = []
    for v in template:
        r, pos = _unflatten(v, flat, pos)
        res.append(r)
    return res, pos


class FlattenTable(Module):
    """Flattens a nested table of tensors into a flat table (depth-first order)."""

    __typename__ = "nn.FlattenTable"

    def __init__(self):
        super().__init__()
        self.output = []
        self.gradInput = []

    def updateOutput(self, input):
        self.output = _flatten(input, [])
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput, _ = _unflatten(input, list(gradOutput), 0)
        return self.gradInput


class ZipTable(Module):
    """{{a1, a2, ...}, {b1, b2, ...}} -> {{a1, b1}, {a2, b2}, ...}."""

    __typename__ = "nn.ZipTable"

    def __init__(self):
        super().__init__()
        self.output = []
        self.gradInput = []

    def updateOutput(self, input):
        n = len(input[0])
        for t in input:
            if len(t) != n:
                raise ValueError(f"{typename(self)}: all tables must have the same length ({len(t)} ~= {n})")
        self.output = [[t[j] for t in input] for j in range(n)]
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = [[gradOutput[j][i] for j in range(len(gradOutput))] for i in range(len(input))]
        return self.gradInput


class CriterionTable(Module):
    """Wraps a criterion as a module taking {input, target}."""

    __typename__ = "nn.CriterionTable"

    def __init__(self, criterion):
        super().__init__()
        self.criterion = criterion
        self.gradInput = [criterion.gradInput]

    def updateOutput(self, input):
        self.output = self.criterion.updateOutput(input[0], input[1])
        return self.output

    def updateGradInput(self, input, grad_output=None):
        g = self.criterion.updateGradInput(input[0], input[1])
        self.gradInput = [g]
        return self.gradInput


class MixtureTable(Module):
    """{gater, experts} -> sum_i gater[i] * experts[i]; experts is a table of tensors or a
    tensor whose dimension ``dim`` (2 in batch mode by default) indexes the experts."""

    __typename__ = "nn.MixtureTable"

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim
        self.size = LongStorage()
        self.batchSize = 0
        self.size2 = LongStorage()
        self.backwardSetup = False
        self.gradInput = []

    def _parts(self, input):
        gater, experts = input[0], input[1]
        g = gater._a
        batch = g.ndim == 2
        if isinstance(experts, Tensor):
            dim = self.dim or (2 if batch else 1)
            E = np.moveaxis(experts._a, dim - 1, 1 if batch else 0)
            table = False
        else:
            E = np.stack([e._a for e in experts], axis=1 if batch else 0)
            table = True
        if batch:
            gshape = g.shape + (1,) * (E.ndim - 2)
        else:
            gshape = g.shape + (1,) * (E.ndim - 1)
        n = g.shape[-1]
        if E.shape[1 if batch else 0] != n:
            raise ValueError(f"{typename(self)}: {n} gater outputs for {E.shape[1 if batch else 0]} experts")
        return g, E, gshape, batch, table

    def updateOutput(self, input):
        g, E, gshape, batch, _ = self._parts(input)
        out = (g.reshape(gshape) * E).sum(axis=1 if batch else 0)
        _put(self.output, out.shape, out)
        return self.output

    def updateGradInput(self, input, gradOutput):
        g, E, gshape, batch, table = self._parts(input)
        ax = 1 if batch else 0
        go = np.expand_dims(gradOutput._a, ax)
        gg = (go * E).reshape(E.shape[: ax + 1] + (-1,)).sum(-1)
        gE = g.reshape(gshape) * go
        gi = self.gradInput if not isinstance(self.gradInput, Tensor) else []
        gi = list(gi) + [None] * (2 - len(gi))
        gater = _put_tensor(gi[0], input[0]._size, gg.reshape(input[0]._size))
        if table:
            experts = gi[1] if (gi[1] is not None and not isinstance(gi[1], Tensor)) else []
            experts = [_put_tensor(experts[i] if i < len(experts) else None, e._size,
                                   np.take(gE, i, axis=ax).reshape(e._size))
                       for i, e in enumerate(input[1])]
        else:
            dim = self.dim or (2 if batch else 1)
            experts = _put_tensor(gi[1], input[1]._size, np.moveaxis(gE, ax, dim - 1))
        self.gradInput = [gater, experts]
        return self.gradInput
