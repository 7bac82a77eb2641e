"""nn.Module: the base of every layer, with Torch7's stateful contract."""

import copy
import math

import numpy as np

from ..torch import Tensor
from ..torch.classes import NilFields, TorchObject, typename
from ..torch.storage import LongStorage
from . import utils


class LuaValue:
    """What modules and criterions share as Lua values: Python prints them through Torch7's
    ``__tostring__``, and they are always true in a condition (Lua semantics), even
    containers, which have a __len__."""

    def __str__(self):
        return self.__tostring__()

    def __repr__(self):
        return self.__str__()

    def __bool__(self):
        return True


class Module(LuaValue, NilFields, TorchObject):
    """Base of every nn layer (Torch7's nn.Module).

    The stateful contract, as in Torch7:

    * ``forward(input)`` calls ``self.updateOutput(input)`` and returns ``self.output``;
      ``backward(input, gradOutput, scale=1)`` calls ``self.updateGradInput(input, gradOutput)``
      then ``self.accGradParameters(input, gradOutput, scale)`` and returns ``self.gradInput``.
    * ``output`` and ``gradInput`` are buffers owned by the module and reused (resized in place)
      on every call: a caller that keeps a result across calls must clone it.
    * Parameter gradients (``gradWeight``, ``gradBias``) accumulate over ``backward`` calls
      until ``zeroGradParameters()``.
    * ``backward(input, ...)`` assumes that ``forward(input)`` of the same input ran just before
      (modules reuse what forward left in their buffers).
    * ``training()`` / ``evaluate()`` set the ``train`` field, which Dropout and friends read.

    Instance attributes are exactly Torch7's Lua fields (they are what torch.save writes).
    Names listed in ``__nonpersistent__`` are Python-side state that serialization skips.
    Methods reach each other through ``self.`` so that subclasses (also Lua ones) override them.
    """

    __typename__ = "nn.Module"
    __nonpersistent__ = ("accUpdateGradParameters",)

    def __init__(self):
        self.gradInput = Tensor()
        self.output = Tensor()
        self._type = self.output.type()

    # --- the four computations ----------------------------------------------------------
    def updateOutput(self, input):
        return self.output

    def forward(self, input):
        return self.updateOutput(input)

    def backward(self, input, gradOutput, scale=1):
        if scale is None:
            scale = 1
        self.updateGradInput(input, gradOutput)
        self.accGradParameters(input, gradOutput, scale)
        return self.gradInput

    def backwardUpdate(self, input, gradOutput, lr):
        self.updateGradInput(input, gradOutput)
        self.accUpdateGradParameters(input, gradOutput, lr)
        return self.gradInput

    def updateGradInput(self, input, gradOutput):
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        pass

    def accUpdateGradParameters(self, input, gradOutput, lr):
        # gradient step straight into the weights: accumulate -lr * grad into the parameters
        gradWeight = getattr(self, "gradWeight", None)
        gradBias = getattr(self, "gradBias", None)
        self.gradWeight = getattr(self, "weight", None)
        self.gradBias = getattr(self, "bias", None)
        try:
            self.accGradParameters(input, gradOutput, -lr)
        finally:
            self.gradWeight = gradWeight
            self.gradBias = gradBias
            if gradWeight is None:
                del self.gradWeight
            if gradBias is None:
                del self.gradBias

    def sharedAccUpdateGradParameters(self, input, gradOutput, lr):
        if self.parameters():
            self.zeroGradParameters()
            self.accGradParameters(input, gradOutput, 1)
            self.updateParameters(lr)

    def __call__(self, input=None, gradOutput=None):
        self.forward(input)
        if gradOutput is not None:
            self.backward(input, gradOutput)
            return self.output, self.gradInput
        return self.output

    # --- parameters ---------------------------------------------------------------------
    def parameters(self):
        """(params, gradParams) lists, or None when the module has no parameters (as Lua's nil)."""
        weight, bias = getattr(self, "weight", None), getattr(self, "bias", None)
        if weight is not None and bias is not None:
            return [weight, bias], [getattr(self, "gradWeight", None), getattr(self, "gradBias", None)]
        if weight is not None:
            return [weight], [getattr(self, "gradWeight", None)]
        if bias is not None:
            return [bias], [getattr(self, "gradBias", None)]
        return None

    def zeroGradParameters(self):
        p = self.parameters()
        if p:
            for g in p[1]:
                if g is not None:
                    g.zero()

    def updateParameters(self, learningRate):
        p = self.parameters()
        if p:
            for w, g in zip(p[0], p[1], strict=True):
                if w._size:
                    w._a[...] -= learningRate * g._a.reshape(w._size)

    def training(self):
        self.train = True
        return self

    def evaluate(self):
        self.train = False
        return self

    def reset(self, stdv=None):
        return self

    def getParameters(self):
        """Flatten all parameters and all gradients into two contiguous tensors, re-pointing
        every module tensor into them (shared parameters stay shared), as Torch7 does."""
        p = self.parameters()
        params, grads = (p if p else ([], []))
        flat_params = flatten(params)
        flat_grads = flatten(grads)
        if flat_params.nElement() != flat_grads.nElement():
            raise ValueError("getParameters: check that you are sharing parameters and gradParameters "
                             f"({flat_params.nElement()} parameters, {flat_grads.nElement()} gradients)")
        for i, (w, g) in enumerate(zip(params, grads, strict=False)):
            if w._offset != g._offset:
                raise ValueError(f"getParameters: misaligned parameter at {i + 1}")
        return flat_params, flat_grads

    flatten = staticmethod(lambda parameters: flatten(parameters))

    # --- sharing, copying, types ------------------------------------------------------
    def share(self, mlp, *names):
        for name in names:
            if getattr(self, name, None) is not None:
                getattr(self, name).set(getattr(mlp, name))
                self.accUpdateGradParameters = self.sharedAccUpdateGradParameters
                mlp.accUpdateGradParameters = mlp.sharedAccUpdateGradParameters
        return self

    def clone(self, *names):
        """A deep copy (sharing inside the copied graph kept); ``clone('weight', 'bias')`` then
        makes the copy share those fields with self."""
        clone = copy.deepcopy(self)
        if names:
            clone.share(self, *names)
        return clone

    def type(self, type=None, tensorCache=None):
        if type is None:
            return self._type
        cache = {} if tensorCache is None else tensorCache
        for key, value in list(self.__dict__.items()):
            if key in self.__nonpersistent__:
                continue
            self.__dict__[key] = utils.recursiveType(value, type, cache)
        self._type = type
        return self

    def float(self, *args):
        return self.type("torch.FloatTensor", *args)

    def double(self, *args):
        return self.type("torch.DoubleTensor", *args)

    def cuda(self, *args):
        raise RuntimeError(f"{self.__tostring__()}: cuda(): CUDA tensors are not available in luatorch "
                           "(torch.CudaTensor does not exist)")

    # --- walking the module tree --------------------------------------------------------
    def apply(self, callback):
        callback(self)
        for m in getattr(self, "modules", None) or ():
            m.apply(callback)

    def findModules(self, typename_, container=None):
        container = self if container is None else container
        nodes, containers = [], []
        if typename(self) == typename_:
            nodes.append(self)
            containers.append(container)
        for child in getattr(self, "modules", None) or ():
            n, c = child.findModules(typename_, self)
            nodes.extend(n)
            containers.extend(c)
        return nodes, containers

    def listModules(self):
        modules = [self]
        for child in getattr(self, "modules", None) or ():
            modules.extend(child.listModules())
        return modules

    def replace(self, callback):
        out = callback(self)
        mods = getattr(self, "modules", None)
        if mods:
            for i, m in enumerate(list(mods)):
                mods[i] = m.replace(callback)
        return out

    def clearState(self):
        return utils.clear(self, "output", "gradInput")

    # --- text ---------------------------------------------------------------------------
    def __tostring__(self):
        return typename(self) or "nn.Module"


def resize(t, shape):
    """``t:resize(shape)`` for a tuple of sizes, skipping the call when nothing changes (the
    common case for reused buffers)."""
    shape = tuple(shape)
    if t._size != shape or t._storage is None:
        t.resize(shape)
    return t


def _uniform(t, a, b):
    """``t:uniform(a, b)`` through the tensor's RNG method (Torch7's stream)."""
    if t._size:
        if hasattr(t, "uniform"):
            t.uniform(a, b)
        else:  # until luatorch.torch.random lands; not Torch7's stream
            t._a[...] = np.random.uniform(a, b, t._size)
    return t


def _normal(t, mean=0.0, std=1.0):
    if t._size:
        if hasattr(t, "normal"):
            t.normal(mean, std)
        else:
            t._a[...] = np.random.normal(mean, std, t._size)
    return t


def _bernoulli(t, p):
    if t._size:
        if hasattr(t, "bernoulli"):
            t.bernoulli(p)
        else:
            t._a[...] = np.random.random_sample(t._size) < p
    return t


def _rand(n):
    """torch.rand(n) (used by nn.Jacobian)."""
    from .. import torch

    if hasattr(torch, "rand"):
        return torch.rand(n)
    return _uniform(Tensor(n), 0, 1)


def _is_compact(t):
    """True when the elements of ``t`` cover a gap-free region of memory."""
    pairs = sorted(((st, s) for s, st in zip(t._size, t._stride, strict=True) if st > 0), reverse=True)
    expected = 1
    for st, s in reversed(pairs):
        if st != expected:
            return False
        expected *= s
    return True


def flatten(parameters):
    """Torch7's Module.flatten: one new contiguous tensor holding every distinct storage that
    the given tensors view, with the tensors re-pointed into it; holes are squeezed out."""
    parameters = [p for p in (parameters or []) if p is not None]
    if not parameters:
        return Tensor()
    cls = type(parameters[0])
    storages = {}  # id(storage) -> (storage, offset in the flat buffer)
    order = []
    n_total = 0
    meta = []
    for p in parameters:
        st = p._storage
        if st is None:
            meta.append(None)
            continue
        key = id(st)
        if key not in storages:
            storages[key] = (st, n_total)
            order.append(key)
            n_total += st.size()
        meta.append((p._offset + storages[key][1], p._size, p._stride))
    used = np.zeros(n_total, dtype=bool)
    compact = True
    for m in meta:
        if m is None or not m[1]:
            continue
        off, size, stride = m
        idx = off + sum(np.arange(s).reshape((-1,) + (1,) * (len(size) - k - 1)) * st
                        for k, (s, st) in enumerate(zip(size, stride, strict=True)))
        used[np.asarray(idx).reshape(-1)] = True
        probe = Tensor()
        probe._size, probe._stride = size, stride
        compact = compact and _is_compact(probe)
    buffer = np.zeros(n_total, dtype=cls.dtype)
    for key in order:
        st, off = storages[key]
        buffer[off:off + st.size()] = st.data
    n_used = int(used.sum())
    if n_used != n_total:
        if not compact:
            raise ValueError("Cannot gather tensors that are not compact")
        new_offsets = np.cumsum(used) - 1
        buffer = buffer[used]
        meta = [None if m is None else (int(new_offsets[m[0]]) if m[1] else 0, m[1], m[2]) for m in meta]
    flat = cls(buffer.shape[0]) if buffer.shape[0] else cls()
    if buffer.shape[0]:
        flat._a[...] = buffer
    storage = flat._storage
    for p, m in zip(parameters, meta, strict=True):
        if m is None:
            continue
        off, size, stride = m
        if size:
            p.set(storage, off + 1, LongStorage(list(size)), LongStorage(list(stride)))
        else:
            p.set()
    return flat


def stdv_of(stdv, fan_in):
    """Torch7's reset rule: ``stdv * sqrt(3)`` when given, else ``1 / sqrt(fan_in)``."""
    if stdv is not None:
        return stdv * math.sqrt(3)
    return 1.0 / math.sqrt(fan_in)


class OptionalBias:
    """Convolutions whose bias can be dropped: ``noBias()`` makes bias and gradBias nil, and
    ``reset`` draws the weight then the bias (when present) over ``self._fan_in()`` inputs."""

    def noBias(self):
        self.bias = None
        self.gradBias = None
        return self

    def reset(self, stdv=None):
        reset_uniform(stdv, self._fan_in(), self.weight, getattr(self, "bias", None))
        return self


def reset_uniform(stdv, fan_in, *tensors):
    """Torch7's usual ``reset``: each given tensor (None skipped, e.g. a removed bias) drawn
    uniform in [-s, s], in the order given, with s = ``stdv_of(stdv, fan_in)``."""
    s = stdv_of(stdv, fan_in)
    for t in tensors:
        if t is not None:
            _uniform(t, -s, s)
