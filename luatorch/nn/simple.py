"""Simple layers (Torch7's doc/simple.md): Linear, Bilinear, Identity, Add, Mul, CMul, CAdd,
MulConstant, AddConstant, Euclidean, WeightedEuclidean, Cosine, PartialLinear, LookupTable,
Reshape, View, Select, Narrow, Index, Squeeze, Unsqueeze, Transpose, Replicate, Padding, Copy,
Contiguous, Exp, Log, Abs, Square, Sqrt, Power, Clamp, Normalize, Mean, Sum, Max, Min, MM, MV,
DotProduct, PairwiseDistance, CosineDistance, Constant, GradientReversal, L1Penalty, Dropout,
GatedLinearUnit, OneHot.

Every forward/backward computes on the tensors' numpy views (``t._a``), writing into the
module's reused ``output``/``gradInput`` buffers.
"""

import math

import numpy as np

from ..torch import IntTensor, LongTensor, Tensor
from ..torch.classes import typename
from ..torch.storage import LongStorage
from . import utils
from .module import Module, _bernoulli, _normal, reset_uniform, resize


def _sz(shape):
    return "x".join(str(s) for s in shape) if shape else "empty"


def _put(buf, shape, values=None):
    """Resize ``buf`` to ``shape`` and return its numpy view (optionally filled with values)."""
    resize(buf, shape)
    a = buf._a
    if values is not None:
        a[...] = values
    return a


def _check_dims(module, input, allowed):
    if not isinstance(input, Tensor):
        raise TypeError(f"{module}: expected a Tensor as input, got {type(input).__name__}")
    if input.dim() not in allowed:
        names = " or ".join(f"{d}D" for d in allowed)
        raise ValueError(f"{module}: expected {names} input, got input of size {_sz(input._size)}")


def _size_list(args):
    """Sizes given as numbers or one LongStorage/table, as Torch7 constructors accept."""
    if len(args) == 1 and isinstance(args[0], LongStorage):
        return [int(v) for v in args[0].data]
    if len(args) == 1 and not isinstance(args[0], (int, float)) and hasattr(args[0], "__len__"):
        return [int(v) for v in args[0]]
    return [int(v) for v in args]


def _put_grad_pair(module, shape1, grad1, shape2, grad2):
    """The gradInput of a two-input module: its reused pair of tensors, set to the two grads."""
    if isinstance(module.gradInput, Tensor) or len(module.gradInput) != 2:
        module.gradInput = [Tensor(), Tensor()]
    _put(module.gradInput[0], shape1, grad1)
    _put(module.gradInput[1], shape2, grad2)
    return module.gradInput


def _without_bias(module):
    """The tail Torch7 prints after a layer whose bias was removed (noBias / bias=false)."""
    return "" if getattr(module, "bias", None) is not None else " without bias"


# --- Linear family ------------------------------------------------------------------------
class Linear(Module):
    """y = W x + b, for a vector or a batch of row vectors."""

    __typename__ = "nn.Linear"

    def __init__(self, inputSize, outputSize, bias=True):
        super().__init__()
        self.weight = Tensor(outputSize, inputSize)
        self.gradWeight = Tensor(outputSize, inputSize)
        if bias is not False:
            self.bias = Tensor(outputSize)
            self.gradBias = Tensor(outputSize)
        self.reset()

    def noBias(self):
        for name in ("bias", "gradBias"):
            if name in self.__dict__:
                delattr(self, name)
        return self

    def reset(self, stdv=None):
        reset_uniform(stdv, self.weight.size(2), self.weight, getattr(self, "bias", None))
        return self

    def _check(self, input):
        _check_dims(self, input, (1, 2))
        if input.dtype != self.weight.dtype:
            raise TypeError(f"{self}: input is a {input.__typename__} but the weight is a "
                            f"{self.weight.__typename__} (convert the module with :type())")
        n_in = self.weight._size[1]
        if input._size[-1] != n_in:
            m1 = f"[{input._size[0]} x {input._size[1]}]" if input.dim() == 2 else f"[1 x {input._size[0]}]"
            raise ValueError(f"{self}: size mismatch, m1: {m1}, m2: [{n_in} x {self.weight._size[0]}] "
                             f"(input has {input._size[-1]} features, expected {n_in})")

    def updateOutput(self, input):
        self._check(input)
        w = self.weight._a
        bias = getattr(self, "bias", None)
        if input.dim() == 1:
            out = _put(self.output, (w.shape[0],))
            np.dot(w, input._a, out=out)
        else:
            nframe = input._size[0]
            if getattr(self, "addBuffer", None) is None:
                self.addBuffer = input.new()
            if self.addBuffer._size != (nframe,):
                self.addBuffer.resize(nframe).fill(1)
            out = _put(self.output, (nframe, w.shape[0]))
            np.matmul(input._a, w.T, out=out)
        if bias is not None:
            out += bias._a
        return self.output

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        self._check(input)
        w = self.weight._a
        gi = _put(self.gradInput, input._size)
        if input.dim() == 1:
            np.dot(gradOutput._a.reshape(-1), w, out=gi)
        else:
            np.matmul(gradOutput._a, w, out=gi)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        go = gradOutput._a
        gw = self.gradWeight._a
        bias = getattr(self, "gradBias", None)
        if input.dim() == 1:
            go = go.reshape(-1)
            g = np.outer(go, input._a)
            gb = go
        else:
            g = go.T @ input._a
            gb = go.sum(axis=0)
        if scale != 1:
            g *= scale
            gb = gb * scale
        gw += g
        if bias is not None and getattr(self, "bias", None) is not None:
            bias._a[...] += gb

    def clearState(self):
        utils.clear(self, "addBuffer")
        return Module.clearState(self)

    def __tostring__(self):
        return f"{typename(self)}({self.weight.size(2)} -> {self.weight.size(1)}){_without_bias(self)}"


class PartialLinear(Module):
    """A Linear layer restricted to the output units chosen by setPartition (all by default);
    built as Torch7 builds it: {input, partition} -> ParallelTable(Identity, LookupTable) -> MM,
    so its weight is a LookupTable's (drawn from N(0, 1)) and its bias starts at zero."""

    __typename__ = "nn.PartialLinear"

    def __init__(self, inputsize, outputsize, bias=True):
        from .containers import ParallelTable, Sequential

        super().__init__()
        pt = ParallelTable().add(Identity()).add(LookupTable(outputsize, inputsize))
        self.network = Sequential().add(pt).add(MM(False, True))
        if bias is not False:
            self.bias = Tensor(1, outputsize).zero()
            self.gradBias = Tensor(1, outputsize).zero()
        self.inputsize = inputsize
        self.outputsize = outputsize
        self.allcolumns = Tensor(np.arange(1, outputsize + 1, dtype=np.float64))
        self.resetPartition()

    def _lookup(self):
        return self.network.modules[0].modules[1]

    def setPartition(self, indices):
        self.partition = indices.type(self.allcolumns.type())
        return self

    def resetPartition(self):
        self.partition = self.allcolumns
        return self

    def parameters(self):
        lt = self._lookup()
        return [lt.weight, getattr(self, "bias", None)], [lt.gradWeight, getattr(self, "gradBias", None)]

    def _cols(self):
        return self.partition._a.astype(np.int64) - 1

    def updateOutput(self, input):
        _check_dims(self, input, (2,))
        if input._size[1] != self.inputsize:
            raise ValueError(f"{self}: size mismatch, input of size {_sz(input._size)} for "
                             f"{self.inputsize} input features")
        self.output.set(self.network.forward([input, self.partition]))
        if getattr(self, "bias", None) is not None:
            self.output._a[...] += self.bias._a[0, self._cols()]
            if getattr(self, "addBuffer", None) is None:
                self.addBuffer = input.new()
            if self.addBuffer.nElement() != input._size[0]:
                self.addBuffer.resize(input._size[0]).fill(1)
        return self.output

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is not None:
            self.network.updateGradInput([input, self.partition], gradOutput)
            self.gradInput.set(self.network.gradInput[0])
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        self.network.accGradParameters([input, self.partition], gradOutput, scale)
        if getattr(self, "bias", None) is not None:
            np.add.at(self.gradBias._a[0], self._cols(), scale * gradOutput._a.sum(0))

    def accUpdateGradParameters(self, input, gradOutput, lr):
        lt = self._lookup()
        gradWeight, gradBias = lt.gradWeight, getattr(self, "gradBias", None)
        lt.gradWeight = lt.weight
        if gradBias is not None:
            self.gradBias = self.bias
        try:
            self.accGradParameters(input, gradOutput, -lr)
        finally:
            lt.gradWeight = gradWeight
            if gradBias is not None:
                self.gradBias = gradBias

    sharedAccUpdateGradParameters = accUpdateGradParameters

    def zeroGradParameters(self):
        self.network.zeroGradParameters()
        if getattr(self, "gradBias", None) is not None:
            self.gradBias.zero()

    def updateParameters(self, learningRate):
        self.network.updateParameters(learningRate)
        if getattr(self, "bias", None) is not None:
            self.bias._a[...] -= learningRate * self.gradBias._a

    def __tostring__(self):
        return f"{typename(self)}({self.inputsize} -> {self.outputsize}){_without_bias(self)}"


class Bilinear(Module):
    """y_k = x1' W_k x2 + b_k for a table {x1, x2} of batches."""

    __typename__ = "nn.Bilinear"

    def __init__(self, inputSize1, inputSize2, outputSize, bias=True):
        super().__init__()
        self.weight = Tensor(outputSize, inputSize1, inputSize2)
        self.gradWeight = Tensor(outputSize, inputSize1, inputSize2)
        if bias is not False:
            self.bias = Tensor(outputSize)
            self.gradBias = Tensor(outputSize)
        self.gradInput = [Tensor(), Tensor()]
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.weight.size(2), self.weight, getattr(self, "bias", None))
        return self

    def _check(self, input):
        if isinstance(input, Tensor) or len(input) != 2:
            raise ValueError(f"{self}: input should be a table containing two data Tensors")
        a, b = input[0], input[1]
        if a.dim() != 2 or b.dim() != 2:
            raise ValueError(f"{self}: input Tensors should be two-dimensional, got {_sz(a._size)} and {_sz(b._size)}")
        if a._size[0] != b._size[0]:
            raise ValueError(f"{self}: input Tensors should have the same number of rows "
                             f"({a._size[0]} and {b._size[0]})")
        if a._size[1] != self.weight._size[1] or b._size[1] != self.weight._size[2]:
            raise ValueError(f"{self}: dimensionality of inputs ({a._size[1]}, {b._size[1]}) does not match "
                             f"the weight ({self.weight._size[1]}, {self.weight._size[2]})")

    def updateOutput(self, input):
        self._check(input)
        x1, x2, w = input[0]._a, input[1]._a, self.weight._a
        out = np.einsum("ni,kij,nj->nk", x1, w, x2, optimize=True)
        if getattr(self, "bias", None) is not None:
            out += self.bias._a
        _put(self.output, out.shape, out)
        return self.output

    def updateGradInput(self, input, gradOutput):
        self._check(input)
        x1, x2, w, go = input[0]._a, input[1]._a, self.weight._a, gradOutput._a
        return _put_grad_pair(self, x1.shape, np.einsum("nk,kij,nj->ni", go, w, x2, optimize=True),
                              x2.shape, np.einsum("nk,kij,ni->nj", go, w, x1, optimize=True))

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        x1, x2, go = input[0]._a, input[1]._a, gradOutput._a
        self.gradWeight._a[...] += scale * np.einsum("nk,ni,nj->kij", go, x1, x2, optimize=True)
        if getattr(self, "bias", None) is not None:
            self.gradBias._a[...] += scale * go.sum(0)

    def __tostring__(self):
        w = self.weight
        return f"{typename(self)}({w.size(2)}x{w.size(3)} -> {w.size(1)}){_without_bias(self)}"


class Identity(Module):
    """Passes the input (tensor or table) through unchanged."""

    __typename__ = "nn.Identity"

    def updateOutput(self, input):
        self.output = input
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = gradOutput
        return self.gradInput

    def clearState(self):
        # output and gradInput are the caller's own tensors: forget them, never empty them
        for name in ("output", "gradInput"):
            value = getattr(self, name, None)
            if isinstance(value, Tensor):
                setattr(self, name, value.new())
            elif value is not None:
                setattr(self, name, [])
        return self


def _batch_view(a, n):
    """``a`` as rows of n elements (batch mode) or as one row."""
    return a.reshape(-1, n)


class Add(Module):
    """y = x + b, with b a vector of inputSize (or a scalar)."""

    __typename__ = "nn.Add"

    def __init__(self, inputSize, scalar=False):
        super().__init__()
        size = inputSize
        if scalar:
            size = 1
        self.scalar = scalar
        self.bias = Tensor(size)
        self.gradBias = Tensor(size)
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.bias.size(1), self.bias)
        return self

    def updateOutput(self, input):
        out = _put(self.output, input._size, input._a)
        b = self.bias._a
        if self.scalar:
            out += b[0]
        elif input.nElement() == b.size:
            out += b.reshape(out.shape)
        else:
            if input.nElement() % b.size:
                raise ValueError(f"{self}: input of size {_sz(input._size)} does not match bias of size {b.size}")
            _batch_view(out, b.size)[...] += b
        return self.output

    def updateGradInput(self, input, gradOutput):
        _put(self.gradInput, input._size, gradOutput._a)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        go, gb = gradOutput._a, self.gradBias._a
        if self.scalar:
            gb[0] += scale * go.sum()
        elif input.nElement() == gb.size:
            gb += scale * go.reshape(gb.shape)
        else:
            gb += scale * _batch_view(go, gb.size).sum(0)


class Mul(Module):
    """y = w x with a single learnable scalar w."""

    __typename__ = "nn.Mul"

    def __init__(self):
        super().__init__()
        self.weight = Tensor(1)
        self.gradWeight = Tensor(1)
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.weight.size(1), self.weight)
        return self

    def updateOutput(self, input):
        _put(self.output, input._size, input._a * self.weight._a[0])
        return self.output

    def updateGradInput(self, input, gradOutput):
        _put(self.gradInput, input._size, gradOutput._a.reshape(input._size) * self.weight._a[0])
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        self.gradWeight._a[0] += scale * float(np.vdot(input._a, gradOutput._a.reshape(input._size)))


class _BroadcastParam(Module):
    """CMul / CAdd: a learnable tensor (``weight`` / ``bias``) of the given sizes combined
    elementwise with the input, broadcast over the batch dimensions in batch mode."""

    _param, _grad_param, _verb = "weight", "gradWeight", "multiplied by"

    def __init__(self, *sizes):
        super().__init__()
        self.size = LongStorage(_size_list(sizes))
        n = _size_list(sizes)
        setattr(self, self._param, Tensor(*n))
        setattr(self, self._grad_param, Tensor(*n))
        self.reset()

    def reset(self, stdv=None):
        param = getattr(self, self._param)
        reset_uniform(stdv, param.nElement(), param)
        return self

    def _view(self, input):
        """The parameter shaped to broadcast against ``input``: the whole input when the
        element counts agree, else (batch mode) its trailing dimensions."""
        a = getattr(self, self._param)._a
        if input.nElement() == a.size:
            return a.reshape(input._size)
        lead = input.dim() - a.ndim
        if lead < 0:
            raise ValueError(f"{self}: input of size {_sz(input._size)} does not match {self._param} "
                             f"of size {_sz(a.shape)}")
        return a.reshape((1,) * lead + a.shape)

    def updateOutput(self, input):
        try:
            res = self._combine(input._a, self._view(input))
        except ValueError as e:
            raise ValueError(f"{self}: input of size {_sz(input._size)} cannot be {self._verb} {self._param} "
                             f"of size {_sz(getattr(self, self._param)._size)}") from e
        _put(self.output, input._size, res)
        return self.output

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        g = self._param_grad(input._a, gradOutput._a.reshape(input._size))
        p = self._view(input)  # sum over the axes along which the parameter was broadcast
        axes = tuple(i for i in range(g.ndim) if p.shape[i] == 1 and g.shape[i] != 1)
        g = g.sum(axis=axes, keepdims=True) if axes else g
        grad = getattr(self, self._grad_param)
        grad._a[...] += scale * g.reshape(grad._size)


class CMul(_BroadcastParam):
    """y = w .* x with a learnable tensor w broadcast over the batch."""

    __typename__ = "nn.CMul"

    @staticmethod
    def _combine(x, w):
        return x * w

    @staticmethod
    def _param_grad(x, go):
        return x * go

    def updateGradInput(self, input, gradOutput):
        _put(self.gradInput, input._size, gradOutput._a.reshape(input._size) * self._view(input))
        return self.gradInput


class CAdd(_BroadcastParam):
    """y = x + b with a learnable tensor b broadcast over the batch."""

    __typename__ = "nn.CAdd"
    _param, _grad_param, _verb = "bias", "gradBias", "added to"

    @staticmethod
    def _combine(x, b):
        return x + b

    @staticmethod
    def _param_grad(x, go):
        return go

    def updateGradInput(self, input, gradOutput):
        _put(self.gradInput, input._size, gradOutput._a.reshape(input._size))
        return self.gradInput


class _ConstantOp(Module):
    """MulConstant / AddConstant: y = x op c; ``inplace`` changes the input itself (backward
    undoes it)."""

    def __init__(self, constant_scalar, ip=False):
        super().__init__()
        self.constant_scalar = constant_scalar
        self.inplace = bool(ip)

    def updateOutput(self, input):
        if self.inplace:
            self._op(input._a, self.constant_scalar, out=input._a)
            self.output.set(input)
        else:
            _put(self.output, input._size, self._op(input._a, self.constant_scalar))
        return self.output


class MulConstant(_ConstantOp):
    """y = c x for a constant c (``inplace`` scales the input itself)."""

    __typename__ = "nn.MulConstant"
    _op = staticmethod(np.multiply)

    def __init__(self, constant_scalar, ip=False):
        if not isinstance(constant_scalar, (int, float)):
            raise TypeError("nn.MulConstant: input is not a number!")
        super().__init__(constant_scalar, ip)

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        if self.inplace:
            gradOutput._a[...] *= self.constant_scalar
            self.gradInput.set(gradOutput)
            input._a[...] /= self.constant_scalar  # restore the input
        else:
            _put(self.gradInput, input._size, gradOutput._a.reshape(input._size) * self.constant_scalar)
        return self.gradInput


class AddConstant(_ConstantOp):
    """y = x + c for a constant c."""

    __typename__ = "nn.AddConstant"
    _op = staticmethod(np.add)

    def updateGradInput(self, input, gradOutput):
        if self.inplace:
            self.gradInput.set(gradOutput)
            input._a[...] -= self.constant_scalar
        else:
            _put(self.gradInput, input._size, gradOutput._a.reshape(input._size))
        return self.gradInput


# --- distance layers ------------------------------------------------------------------------
def _input_rows(module, input, n):
    """A vector or a batch of row vectors of n features, checked, as a (batch x n) array."""
    _check_dims(module, input, (1, 2))
    if input._size[-1] != n:
        raise ValueError(f"{module}: input of size {_sz(input._size)} does not match inputSize {n}")
    return input._a.reshape(-1, n)


def _put_rows(buf, input, y):
    """The (batch x outputSize) result ``y`` into ``buf``: one row only for a vector input."""
    _put(buf, y.shape if input.dim() == 2 else y.shape[1:], y if input.dim() == 2 else y[0])


def _grad_over_norm(gradOutput, y):
    """gradOutput / y, taken as 0 where the distance y is 0."""
    return np.where(y > 0, gradOutput._a.reshape(y.shape) / np.where(y > 0, y, 1), 0.0)


class Euclidean(Module):
    """y_j = || w_j - x ||, with w_j the columns of weight (inputSize x outputSize)."""

    __typename__ = "nn.Euclidean"

    def __init__(self, inputSize, outputSize):
        super().__init__()
        self.weight = Tensor(inputSize, outputSize)
        self.gradWeight = Tensor(inputSize, outputSize)
        self.fastBackward = True  # Torch7's flag (its buffers); kept for files
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.weight.size(1), self.weight)
        return self

    def _parts(self, input):
        d = _input_rows(self, input, self.weight._size[0])[:, :, None] - self.weight._a[None, :, :]
        return d, np.sqrt((d * d).sum(1))  # d: batch x in x out

    def updateOutput(self, input):
        _put_rows(self.output, input, self._parts(input)[1])
        return self.output

    def updateGradInput(self, input, gradOutput):
        d, y = self._parts(input)
        gi = (d * _grad_over_norm(gradOutput, y)[:, None, :]).sum(2)
        _put(self.gradInput, input._size, gi.reshape(input._size))
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        d, y = self._parts(input)
        self.gradWeight._a[...] -= scale * (d * _grad_over_norm(gradOutput, y)[:, None, :]).sum(0)


class WeightedEuclidean(Module):
    """y_j = || c_j .* (x - w_j) || with learnable centres w_j and diagonal scales c_j."""

    __typename__ = "nn.WeightedEuclidean"

    def __init__(self, inputSize, outputSize):
        super().__init__()
        self.weight = Tensor(inputSize, outputSize)
        self.gradWeight = Tensor(inputSize, outputSize)
        self.diagCov = Tensor(inputSize, outputSize)
        self.gradDiagCov = Tensor(inputSize, outputSize)
        self.fastBackward = True
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.weight.size(1), self.weight)
        self.diagCov.fill(1)
        return self

    def parameters(self):
        return [self.weight, self.diagCov], [self.gradWeight, self.gradDiagCov]

    def accUpdateGradParameters(self, input, gradOutput, lr):
        gradWeight, gradDiagCov = self.gradWeight, self.gradDiagCov
        self.gradWeight, self.gradDiagCov = self.weight, self.diagCov
        try:
            self.accGradParameters(input, gradOutput, -lr)
        finally:
            self.gradWeight, self.gradDiagCov = gradWeight, gradDiagCov

    def _parts(self, input):
        d = _input_rows(self, input, self.weight._size[0])[:, :, None] - self.weight._a[None]
        c = self.diagCov._a[None]
        y = np.sqrt(((c * d) ** 2).sum(1))
        return d, c, y

    def updateOutput(self, input):
        _put_rows(self.output, input, self._parts(input)[2])
        return self.output

    def updateGradInput(self, input, gradOutput):
        d, c, y = self._parts(input)
        coef = _grad_over_norm(gradOutput, y)
        gi = (c * c * d * coef[:, None, :]).sum(2)
        _put(self.gradInput, input._size, gi.reshape(input._size))
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        d, c, y = self._parts(input)
        coef = _grad_over_norm(gradOutput, y)
        self.gradWeight._a[...] -= scale * (c * c * d * coef[:, None, :]).sum(0)
        self.gradDiagCov._a[...] += scale * (c * d * d * coef[:, None, :]).sum(0)


class Cosine(Module):
    """y_j = cos(x, w_j) with w_j the rows of weight (outputSize x inputSize)."""

    __typename__ = "nn.Cosine"

    def __init__(self, inputSize, outputSize):
        super().__init__()
        self.weight = Tensor(outputSize, inputSize)
        self.gradWeight = Tensor(outputSize, inputSize)
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.weight.size(1), self.weight)
        return self

    def _parts(self, input):
        x = _input_rows(self, input, self.weight._size[1])
        w = self.weight._a
        xn = np.sqrt((x * x).sum(1)) + 1e-12
        wn = np.sqrt((w * w).sum(1)) + 1e-12
        dot = x @ w.T
        y = dot / (xn[:, None] * wn[None, :])
        return x, w, xn, wn, y

    def updateOutput(self, input):
        _put_rows(self.output, input, self._parts(input)[-1])
        return self.output

    def updateGradInput(self, input, gradOutput):
        x, w, xn, wn, y = self._parts(input)
        go = gradOutput._a.reshape(y.shape)
        gi = (go / (xn[:, None] * wn[None, :])) @ w - (go * y).sum(1)[:, None] * x / (xn * xn)[:, None]
        _put(self.gradInput, input._size, gi.reshape(input._size))
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        x, w, xn, wn, y = self._parts(input)
        go = gradOutput._a.reshape(y.shape)
        gw = (go / (xn[:, None] * wn[None, :])).T @ x - (go * y).sum(0)[:, None] * w / (wn * wn)[:, None]
        self.gradWeight._a[...] += scale * gw


# --- embedding ------------------------------------------------------------------------------
class LookupTable(Module):
    """Rows of ``weight`` (nIndex x nOutput) selected by a LongTensor of indices (1-based)."""

    __typename__ = "nn.LookupTable"

    def __init__(self, nIndex, nOutput, paddingValue=0, maxNorm=None, normType=None):
        super().__init__()
        self.weight = Tensor(nIndex, nOutput)
        self.gradWeight = Tensor(nIndex, nOutput).zero()
        self.paddingValue = paddingValue or 0
        self.maxNorm = maxNorm
        self.normType = normType
        self.shouldScaleGradByFreq = False
        self._count = IntTensor()
        self._input = LongTensor()
        self.reset()

    def backCompatibility(self):
        pass

    def accUpdateOnly(self):
        self.gradWeight = None
        return self

    def setPadding(self, paddingValue):
        self.paddingValue = paddingValue
        return self

    def setMaxNorm(self, maxNorm):
        self.maxNorm = maxNorm
        return self

    def setNormType(self, normType):
        self.normType = normType
        return self

    def scaleGradByFreq(self):
        self.shouldScaleGradByFreq = True
        return self

    def reset(self, stdv=None):
        _normal(self.weight, 0, 1 if stdv is None else stdv)
        return self

    def _indices(self, input):
        if not isinstance(input, Tensor) or input.dim() not in (1, 2):
            raise ValueError(f"{self}: input must be a vector or matrix of indices, got "
                             f"{_sz(input._size) if isinstance(input, Tensor) else type(input).__name__}")
        idx = input._a.astype(np.int64) - 1
        n = self.weight._size[0]
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            bad = int(idx.min() + 1) if idx.min() < 0 else int(idx.max() + 1)
            raise IndexError(f"{self}: index {bad} out of range (the table has {n} entries)")
        return idx

    def _renorm(self, idx):
        if self.maxNorm is None:
            return
        p = self.normType or 2
        rows = np.unique(idx.reshape(-1))
        w = self.weight._a
        norms = (np.abs(w[rows]) ** p).sum(1) ** (1.0 / p)
        big = norms > self.maxNorm
        if big.any():
            w[rows[big]] *= (self.maxNorm / (norms[big] + 1e-7))[:, None]

    def updateOutput(self, input):
        idx = self._indices(input)
        self._renorm(idx)
        out = self.weight._a[idx]
        _put(self.output, out.shape, out)
        return self.output

    def updateGradInput(self, input, gradOutput):
        # indices are not differentiable: the gradient is zero, shaped like the input
        if isinstance(self.gradInput, Tensor) and input.nElement():
            resize(self.gradInput, input._size).zero()
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        idx = self._indices(input).reshape(-1)
        go = gradOutput._a.reshape(idx.size, -1)
        keep = idx != (self.paddingValue - 1) if self.paddingValue else np.ones(idx.size, bool)
        idx, go = idx[keep], go[keep]
        if self.shouldScaleGradByFreq:
            counts = np.bincount(idx, minlength=self.weight._size[0])
            go = go / counts[idx][:, None]
        np.add.at(self.gradWeight._a, idx, scale * go)



# --- shape layers --------------------------------------------------------------------------
class _InputView(Module):
    """Reshape / View / Squeeze / Unsqueeze: the output is a view of the (contiguous) input, so
    gradInput is gradOutput viewed back at the input's size."""

    def updateGradInput(self, input, gradOutput):
        self.gradInput.set(gradOutput.contiguous().view(input._size))
        return self.gradInput


class _BatchAwareView(_InputView):
    """An _InputView whose ``numInputDims`` tells a batch dimension apart."""

    def setNumInputDims(self, numInputDims):
        self.numInputDims = numInputDims
        return self


class Reshape(_InputView):
    """Reshapes to the given sizes (keeping the batch dimension in batch mode)."""

    __typename__ = "nn.Reshape"

    def __init__(self, *args):
        super().__init__()
        batchMode = None
        if args and isinstance(args[-1], bool):
            batchMode = args[-1]
            args = args[:-1]
        sizes = _size_list(args)
        self.size = LongStorage(sizes)
        self.batchsize = LongStorage(len(sizes) + 1)
        self.nelement = int(np.prod(sizes)) if sizes else 0
        if batchMode is not None:
            self.batchMode = batchMode

    def _sizes(self):
        return tuple(int(v) for v in self.size.data)

    def updateOutput(self, input):
        x = input if input.isContiguous() else input.contiguous()
        batchMode = getattr(self, "batchMode", None)
        if batchMode is False or (batchMode is None and x.nElement() == self.nelement and x.size(1) != 1):
            if x.nElement() != self.nelement:
                raise ValueError(f"{self}: input of size {_sz(input._size)} ({input.nElement()} elements) "
                                 f"cannot be reshaped to {_sz(self._sizes())}")
            self.output.set(x.view(self._sizes()))
        else:
            if x.nElement() != x.size(1) * self.nelement:
                raise ValueError(f"{self}: input of size {_sz(input._size)} cannot be reshaped to "
                                 f"{input.size(1)}x{_sz(self._sizes())}")
            self.output.set(x.view((x.size(1),) + self._sizes()))
        return self.output

    def __tostring__(self):
        return f"{typename(self)}({'x'.join(str(s) for s in self._sizes())})"


class View(_BatchAwareView):
    """A view of the input with the given sizes (one may be -1); a leading batch dimension is
    kept when the input has more elements or dimensions than the view (see setNumInputDims)."""

    __typename__ = "nn.View"

    def __init__(self, *args):
        super().__init__()
        self.resetSize(*args)

    def resetSize(self, *args):
        sizes = _size_list(args)
        if sizes.count(-1) > 1:
            raise ValueError("nn.View: only one dimension can be at -1")
        self.size = LongStorage(sizes)
        self.numElements = 1
        for s in sizes:
            if s != -1:
                self.numElements *= s
        return self

    def _batchsize(self, input):
        size = input._size
        ind = len(size)
        num_in = getattr(self, "numInputDims", None)
        maxdim = num_in if num_in is not None else ind
        ine = 1
        for i in range(ind - 1, ind - maxdim - 1, -1):
            ine *= size[i]
        if ine % self.numElements:
            raise ValueError(f"input view ({_sz(size)}) and desired view "
                             f"({_sz(tuple(int(v) for v in self.size.data))}) do not match")
        bsz = ine // self.numElements
        if -1 in self.size.data:
            bsz = 1
        for i in range(ind - maxdim - 1, -1, -1):
            bsz *= size[i]
        if bsz == 1 and (num_in is None or ind <= num_in):
            return None
        return bsz

    def updateOutput(self, input):
        bsz = self._batchsize(input)
        sizes = tuple(int(v) for v in self.size.data)
        if bsz is not None:
            sizes = (bsz,) + sizes
        try:
            self.output.set(input.view(sizes))
        except ValueError as e:
            raise ValueError(f"{self}: cannot view input of size {_sz(input._size)} as {_sz(sizes)}: {e}") from None
        return self.output

    def __tostring__(self):
        return f"{typename(self)}({', '.join(str(int(v)) for v in self.size.data)})"


def _dim_index(dim, ndim):
    return dim + ndim + 1 if dim < 0 else dim


class Select(Module):
    """input:select(dimension, index) (negatives count from the end)."""

    __typename__ = "nn.Select"

    def __init__(self, dimension, index):
        super().__init__()
        self.dimension = dimension
        self.index = index

    def _where(self, input):
        dim = _dim_index(self.dimension, input.dim())
        index = self.index if self.index > 0 else input.size(dim) + self.index + 1
        return dim, index

    def updateOutput(self, input):
        dim, index = self._where(input)
        out = input.select(dim, index)
        self.output.resizeAs(out).copy(out) if out._size else self.output.set()
        return self.output

    def updateGradInput(self, input, gradOutput):
        dim, index = self._where(input)
        self.gradInput.resizeAs(input).zero()
        self.gradInput.select(dim, index).copy(gradOutput)
        return self.gradInput


class Narrow(Module):
    """input:narrow(dimension, index, length), copied (a negative dimension counts from the
    end; a negative length -k stops k - 1 elements before the end)."""

    __typename__ = "nn.Narrow"

    def __init__(self, dimension, offset, length=1):
        super().__init__()
        self.dimension = dimension
        self.index = offset
        self.length = length

    def _where(self, input):
        dim = _dim_index(self.dimension, input.dim())
        if dim < 1 or dim > input.dim():
            raise ValueError(f"{self}: dimension {self.dimension} out of range for input of size "
                             f"{_sz(input._size)}")
        length = self.length
        if length < 0:
            length = input.size(dim) - self.index + self.length + 2
        return dim, self.index, length

    def updateOutput(self, input):
        dim, index, length = self._where(input)
        try:
            out = input.narrow(dim, index, length)
        except (IndexError, ValueError) as e:
            raise ValueError(f"{self}: cannot narrow input of size {_sz(input._size)} "
                             f"(dimension {dim}, index {index}, length {length})") from e
        _put(self.output, out._size, out._a)
        return self.output

    def updateGradInput(self, input, gradOutput):
        dim, index, length = self._where(input)
        self.gradInput.resizeAs(input).zero()
        self.gradInput.narrow(dim, index, length).copy(gradOutput)
        return self.gradInput


class Index(Module):
    """{tensor, LongTensor indices} -> tensor:index(dimension, indices)."""

    __typename__ = "nn.Index"

    def __init__(self, dimension):
        super().__init__()
        self.dimension = dimension
        self.gradInput = [self.gradInput]

    def updateOutput(self, input):
        t, idx = input[0], input[1]
        ind = idx._a.astype(np.int64).reshape(-1) - 1
        out = np.take(t._a, ind, axis=self.dimension - 1)
        _put(self.output, out.shape, out)
        return self.output

    def updateGradInput(self, input, gradOutput):
        t, idx = input[0], input[1]
        if isinstance(self.gradInput, Tensor) or len(self.gradInput) < 1:
            self.gradInput = [Tensor()]
        gi = self.gradInput[0]
        if not isinstance(gi, Tensor):
            gi = Tensor()
        gi.resizeAs(t).zero()
        ind = idx._a.astype(np.int64).reshape(-1) - 1
        a = np.moveaxis(gi._a, self.dimension - 1, 0)
        np.add.at(a, ind, np.moveaxis(gradOutput._a, self.dimension - 1, 0))
        g2 = self.gradInput[1] if len(self.gradInput) > 1 and isinstance(self.gradInput[1], Tensor) else idx.new()
        g2.resizeAs(idx).zero()
        self.gradInput = [gi, g2]
        return self.gradInput


class Squeeze(_BatchAwareView):
    """Removes singleton dimensions (all, or only ``dim``); numInputDims keeps batch size 1."""

    __typename__ = "nn.Squeeze"

    def __init__(self, dim=None, numInputDims=None):
        super().__init__()
        self.dim = dim
        if numInputDims is not None:
            self.numInputDims = numInputDims

    def updateOutput(self, input):
        dim = self.dim
        num_in = getattr(self, "numInputDims", None)
        addone = False
        if num_in is not None and input.dim() == num_in + 1:
            if dim is not None:
                dim = dim + 1
            elif input.size(1) == 1:
                addone = True
        shape = input._size
        if dim is None:
            new = tuple(s for s in shape if s != 1)
        else:
            d = dim - 1
            new = shape[:d] + shape[d + 1:] if shape[d] == 1 and len(shape) > 1 else shape
        if addone:
            new = (1,) + new
        if not new:
            new = (1,)
        self.output.set(input.contiguous().view(new))
        return self.output


class Unsqueeze(_BatchAwareView):
    """Inserts a singleton dimension at ``pos`` (shifted by one in batch mode)."""

    __typename__ = "nn.Unsqueeze"

    def __init__(self, pos, numInputDims=None):
        super().__init__()
        self.pos = pos
        if numInputDims is not None:
            self.numInputDims = numInputDims

    def updateOutput(self, input):
        pos = self.pos
        num_in = getattr(self, "numInputDims", None)
        if num_in is not None and input.dim() == num_in + 1:
            pos += 1
        if pos < 1 or pos > input.dim() + 1:
            raise ValueError(f"{self}: position {pos} out of range for input of size {_sz(input._size)}")
        shape = input._size[: pos - 1] + (1,) + input._size[pos - 1:]
        self.output.set(input.contiguous().view(shape))
        return self.output


class Transpose(Module):
    """Swaps pairs of dimensions: Transpose({1, 2}, {3, 4})."""

    __typename__ = "nn.Transpose"

    def __init__(self, *permutations):
        super().__init__()
        self.permutations = [list(p) for p in permutations]

    def updateOutput(self, input):
        out = input
        for a, b in self.permutations:
            out = out.transpose(a, b)
        self.output.resize(out._size)
        self.output._a[...] = out._a
        return self.output

    def updateGradInput(self, input, gradOutput):
        g = gradOutput
        for a, b in reversed(self.permutations):
            g = g.transpose(a, b)
        _put(self.gradInput, input._size, g._a)
        return self.gradInput


class Replicate(Module):
    """Repeats the input nfeatures times along a new dimension ``dim`` (a stride-0 view)."""

    __typename__ = "nn.Replicate"

    def __init__(self, nf, dim=1, ndim=None):
        super().__init__()
        self.nfeatures = nf
        self.dim = dim
        if ndim is not None:
            self.ndim = ndim
        if self.dim <= 0:
            raise ValueError("nn.Replicate: can only replicate along a positive dimension")

    def _rdim(self, input):
        if self.dim > input.dim() + 1:
            raise ValueError(f"Not enough input dimensions to replicate along dimension {self.dim}.")
        ndim = getattr(self, "ndim", None)
        return self.dim + (1 if ndim is not None and input.dim() > ndim else 0)

    def updateOutput(self, input):
        r = self._rdim(input) - 1
        size = list(input._size)
        stride = list(input._stride)
        size.insert(r, self.nfeatures)
        stride.insert(r, 0)
        self.output.set(input._storage, input._offset + 1, LongStorage(size), LongStorage(stride))
        return self.output

    def updateGradInput(self, input, gradOutput):
        r = self._rdim(input) - 1
        _put(self.gradInput, input._size, gradOutput._a.sum(axis=r).reshape(input._size))
        return self.gradInput


class Padding(Module):
    """Pads ``pad`` entries of ``value`` along dim (after the end if pad > 0, before if < 0, or
    at ``index``)."""

    __typename__ = "nn.Padding"

    def __init__(self, dim, pad, nInputDim=None, value=0, index=None):
        super().__init__()
        self.value = value or 0
        self.index = index or 1
        self.dim = dim
        self.pad = pad
        self.nInputDim = nInputDim
        self.outputSize = LongStorage()

    def _d(self, input):
        dim = self.dim
        if self.nInputDim is not None and input.dim() != self.nInputDim:
            dim += 1
        return dim

    def updateOutput(self, input):
        dim = self._d(input)
        d = dim - 1
        pad = abs(self.pad)
        shape = list(input._size)
        shape[d] += pad
        out = _put(self.output, shape)
        out[...] = self.value
        n = input._size[d]
        sl_in = [slice(None)] * len(shape)
        if self.pad > 0:
            sl_in[d] = slice(0, n)
        elif self.index == 1:
            sl_in[d] = slice(pad, pad + n)
        else:
            k = self.index - 1
            sl_a, sl_b = list(sl_in), list(sl_in)
            sl_a[d] = slice(0, k)
            sl_b[d] = slice(k + pad, k + pad + n - k)
            src_a, src_b = [slice(None)] * len(shape), [slice(None)] * len(shape)
            src_a[d], src_b[d] = slice(0, k), slice(k, n)
            out[tuple(sl_a)] = input._a[tuple(src_a)]
            out[tuple(sl_b)] = input._a[tuple(src_b)]
            return self.output
        out[tuple(sl_in)] = input._a
        return self.output

    def updateGradInput(self, input, gradOutput):
        d = self._d(input) - 1
        pad = abs(self.pad)
        n = input._size[d]
        g = gradOutput._a
        sl = [slice(None)] * g.ndim
        if self.pad > 0:
            sl[d] = slice(0, n)
            res = g[tuple(sl)]
        elif self.index == 1:
            sl[d] = slice(pad, pad + n)
            res = g[tuple(sl)]
        else:
            k = self.index - 1
            sa, sb = list(sl), list(sl)
            sa[d], sb[d] = slice(0, k), slice(k + pad, n + pad)
            res = np.concatenate([g[tuple(sa)], g[tuple(sb)]], axis=d)
        _put(self.gradInput, input._size, res)
        return self.gradInput


class Copy(Module):
    """Converts the input to another tensor type (or copies it)."""

    __typename__ = "nn.Copy"
    # Torch7 swaps in identity methods instead; the flag is rebuilt by the constructor only
    __nonpersistent__ = Module.__nonpersistent__ + ("_identity",)

    def __init__(self, intype=None, outtype=None, forceCopy=False, dontCast=False):
        super().__init__()
        from ..torch.classes import find

        intype = intype or Tensor._default.__typename__
        outtype = outtype or Tensor._default.__typename__
        self.dontCast = dontCast
        self.gradInput = find(intype)()
        self.output = find(outtype)()
        if (not forceCopy) and intype == outtype:
            self._identity = True

    def updateOutput(self, input):
        if getattr(self, "_identity", False) and input.__typename__ == self.output.__typename__:
            self.output = input
            return input
        resize(self.output, input._size).copy(input)
        return self.output

    def updateGradInput(self, input, gradOutput):
        if getattr(self, "_identity", False) and gradOutput.__typename__ == self.gradInput.__typename__:
            self.gradInput = gradOutput
            return gradOutput
        self.gradInput.resize(gradOutput._size).copy(gradOutput)
        return self.gradInput

    def type(self, type=None, tensorCache=None):
        if type is not None and self.dontCast:
            return self
        return Module.type(self, type, tensorCache)


class Contiguous(Module):
    """Returns the input itself when contiguous, else a contiguous copy."""

    __typename__ = "nn.Contiguous"

    def updateOutput(self, input):
        if not input.isContiguous():
            self.output.resizeAs(input).copy(input)
        else:
            self.output.set(input)
        return self.output

    def updateGradInput(self, input, gradOutput):
        if not gradOutput.isContiguous():
            self.gradInput.resizeAs(gradOutput).copy(gradOutput)
        else:
            self.gradInput.set(gradOutput)
        return self.gradInput


# --- elementwise math -------------------------------------------------------------------------
class _Pointwise(Module):
    """y = f(x) elementwise; dy/dx from input and output (f and df set by subclasses)."""

    def f(self, x):
        raise NotImplementedError

    def df(self, x, y):
        raise NotImplementedError

    def updateOutput(self, input):
        _put(self.output, input._size, self.f(input._a))
        return self.output

    def updateGradInput(self, input, gradOutput):
        g = gradOutput._a.reshape(input._size) * self.df(input._a, self.output._a)
        _put(self.gradInput, input._size, g)
        return self.gradInput


class Exp(_Pointwise):
    __typename__ = "nn.Exp"

    def f(self, x):
        return np.exp(x)

    def df(self, x, y):
        return y


class Log(_Pointwise):
    __typename__ = "nn.Log"

    def f(self, x):
        return np.log(x)

    def df(self, x, y):
        return 1.0 / x


class Abs(_Pointwise):
    __typename__ = "nn.Abs"

    def f(self, x):
        return np.abs(x)

    def df(self, x, y):
        return np.sign(x)


class Square(_Pointwise):
    __typename__ = "nn.Square"

    def f(self, x):
        return x * x

    def df(self, x, y):
        return 2 * x


class Sqrt(_Pointwise):
    __typename__ = "nn.Sqrt"

    def __init__(self, b=0, eps=0):
        super().__init__()
        self.eps = b or eps or 0

    def f(self, x):
        return np.sqrt(x + self.eps)

    def df(self, x, y):
        return np.where(y == 0, 0.0, 0.5 / np.where(y == 0, 1, y))


class Power(_Pointwise):
    __typename__ = "nn.Power"

    def __init__(self, p):
        super().__init__()
        self.pow = p
        if p is None:
            raise ValueError("nn.Power: power must be specified")

    def f(self, x):
        return np.power(x, self.pow)

    def df(self, x, y):
        return self.pow * np.power(x, self.pow - 1)


class Clamp(_Pointwise):
    """Clamps to [min_value, max_value]; the gradient passes only strictly inside."""

    __typename__ = "nn.Clamp"

    def __init__(self, min_value, max_value):
        super().__init__()
        if max_value < min_value:
            raise ValueError("nn.Clamp: max_value must be larger than min_value")
        self.min_val = min_value
        self.max_val = max_value
        self.inplace = False

    def f(self, x):
        return np.clip(x, self.min_val, self.max_val)

    def df(self, x, y):
        return ((x > self.min_val) & (x < self.max_val)).astype(x.dtype)


class Normalize(Module):
    """Scales each row to unit Lp norm: y = x / ||x||_p (1D or 2D input)."""

    __typename__ = "nn.Normalize"

    def __init__(self, p, eps=1e-10):
        super().__init__()
        if p <= 0:
            raise ValueError("nn.Normalize: p has to be greater than 0")
        self.p = p
        self.eps = eps

    def _rows(self, input):
        _check_dims(self, input, (1, 2))
        return input._a.reshape(-1, input._size[-1])

    def _norm(self, x):
        if math.isinf(self.p):
            return np.abs(x).max(1) + self.eps
        return ((np.abs(x) ** self.p).sum(1) + self.eps) ** (1.0 / self.p)

    def updateOutput(self, input):
        x = self._rows(input)
        _put(self.output, input._size, (x / self._norm(x)[:, None]).reshape(input._size))
        return self.output

    def updateGradInput(self, input, gradOutput):
        x = self._rows(input)
        go = gradOutput._a.reshape(x.shape)
        n = self._norm(x)[:, None]
        if math.isinf(self.p):
            am = np.abs(x).argmax(1)
            dn = np.zeros_like(x)
            dn[np.arange(x.shape[0]), am] = np.sign(x[np.arange(x.shape[0]), am])
        else:
            # d||x||/dx = |x|^(p-1) sign(x) / ||x||^(p-1)
            dn = np.abs(x) ** (self.p - 1) * np.sign(x) / n ** (self.p - 1)
        gi = go / n - (go * x).sum(1, keepdims=True) * dn / (n * n)
        _put(self.gradInput, input._size, gi.reshape(input._size))
        return self.gradInput

    def __tostring__(self):
        return f"{typename(self)}({self.p:g})"


# --- reductions ------------------------------------------------------------------------------
class Sum(Module):
    """Sums over ``dimension`` (shifted in batch mode by nInputDims); sizeAverage makes a mean."""

    __typename__ = "nn.Sum"

    def __init__(self, dimension=1, nInputDims=None, sizeAverage=False, squeeze=True):
        super().__init__()
        self.dimension = dimension
        self.nInputDims = nInputDims
        self.sizeAverage = sizeAverage or False
        self.squeeze = True if squeeze is None else squeeze

    def _getPositiveDimension(self, input):
        dimension = self.dimension
        if dimension < 0:
            dimension = input.dim() + dimension + 1
        elif self.nInputDims is not None and input.dim() == self.nInputDims + 1:
            dimension += 1
        if dimension < 1 or dimension > input.dim():
            raise ValueError(f"{self}: dimension {self.dimension} out of range for input of size "
                             f"{_sz(input._size)}")
        return dimension

    def _reduce(self, a, axis):
        return a.sum(axis=axis, keepdims=True)

    def updateOutput(self, input):
        d = self._getPositiveDimension(input) - 1
        res = self._reduce(input._a, d)
        if self.sizeAverage:
            res = res / input._size[d]
        if self.squeeze and res.ndim > 1:
            res = res.reshape(res.shape[:d] + res.shape[d + 1:])
        _put(self.output, res.shape, res)
        return self.output

    def updateGradInput(self, input, gradOutput):
        d = self._getPositiveDimension(input) - 1
        shape = list(input._size)
        shape[d] = 1
        g = gradOutput._a.reshape(shape)
        if self.sizeAverage:
            g = g / input._size[d]
        _put(self.gradInput, input._size, np.broadcast_to(g, input._size))
        return self.gradInput


class Mean(Sum):
    """The mean over ``dimension`` (nn.Sum with sizeAverage)."""

    __typename__ = "nn.Mean"

    def __init__(self, dimension=1, nInputDims=None, squeeze=True):
        super().__init__(dimension, nInputDims, True, squeeze)


class Max(Module):
    """Maximum over ``dimension``; the gradient flows to the arg-max."""

    __typename__ = "nn.Max"

    _pick = staticmethod(np.argmax)

    def __init__(self, dimension=1, nInputDims=None):
        super().__init__()
        self.dimension = dimension
        self.nInputDims = nInputDims

    def _getPositiveDimension(self, input):
        dimension = self.dimension
        if dimension < 0:
            dimension = input.dim() + dimension + 1
        elif self.nInputDims is not None and input.dim() == self.nInputDims + 1:
            dimension += 1
        if dimension < 1 or dimension > input.dim():
            raise ValueError(f"{self}: dimension {self.dimension} out of range for input of size "
                             f"{_sz(input._size)}")
        return dimension

    def updateOutput(self, input):
        d = self._getPositiveDimension(input) - 1
        idx = self._pick(input._a, axis=d)
        vals = np.take_along_axis(input._a, np.expand_dims(idx, d), axis=d)
        if getattr(self, "_indices", None) is None:
            self._indices = LongTensor()
        _put(self._indices, np.expand_dims(idx, d).shape, np.expand_dims(idx, d) + 1)
        if input.dim() > 1:
            vals = vals.reshape(vals.shape[:d] + vals.shape[d + 1:])
        _put(self.output, vals.shape, vals)
        return self.output

    def updateGradInput(self, input, gradOutput):
        d = self._getPositiveDimension(input) - 1
        gi = _put(self.gradInput, input._size)
        gi[...] = 0
        idx = self._indices._a.astype(np.int64) - 1
        shape = list(input._size)
        shape[d] = 1
        np.put_along_axis(gi, idx, gradOutput._a.reshape(shape), axis=d)
        return self.gradInput

    def clearState(self):
        utils.clear(self, "_indices")
        return Module.clearState(self)


class Min(Max):
    """Minimum over ``dimension``; the gradient flows to the arg-min."""

    __typename__ = "nn.Min"

    _pick = staticmethod(np.argmin)


# --- products of tensors in a table -------------------------------------------------------
class MM(Module):
    """{A, B} -> A B (optionally transposed), for matrices or batches of matrices."""

    __typename__ = "nn.MM"

    def __init__(self, transA=False, transB=False):
        super().__init__()
        self.transA = transA
        self.transB = transB
        self.gradInput = [Tensor(), Tensor()]

    def _ab(self, input):
        if isinstance(input, Tensor) or len(input) != 2:
            raise ValueError("nn.MM: input must be a pair of minibatch matrices")
        a, b = input[0], input[1]
        if a.dim() != b.dim() or a.dim() not in (2, 3):
            raise ValueError(f"nn.MM: input tensors must be 2D or 3D, got {_sz(a._size)} and {_sz(b._size)}")
        A, B = a._a, b._a
        if self.transA:
            A = np.swapaxes(A, -1, -2)
        if self.transB:
            B = np.swapaxes(B, -1, -2)
        if A.shape[-1] != B.shape[-2] or (A.ndim == 3 and A.shape[0] != B.shape[0]):
            raise ValueError(f"nn.MM: matrix sizes do not match ({_sz(A.shape)} times {_sz(B.shape)})")
        return A, B

    def updateOutput(self, input):
        A, B = self._ab(input)
        _put(self.output, A.shape[:-1] + B.shape[-1:], np.matmul(A, B))
        return self.output

    def updateGradInput(self, input, gradOutput):
        A, B = self._ab(input)
        go = gradOutput._a
        gA = np.matmul(go, np.swapaxes(B, -1, -2))
        gB = np.matmul(np.swapaxes(A, -1, -2), go)
        if self.transA:
            gA = np.swapaxes(gA, -1, -2)
        if self.transB:
            gB = np.swapaxes(gB, -1, -2)
        return _put_grad_pair(self, input[0]._size, gA, input[1]._size, gB)


class MV(Module):
    """{M, v} -> M v (optionally M transposed), for a matrix or a batch of them."""

    __typename__ = "nn.MV"

    def __init__(self, trans=False):
        super().__init__()
        self.trans = trans
        self.gradInput = [Tensor(), Tensor()]

    def _mv(self, input):
        M, v = input[0]._a, input[1]._a
        if self.trans:
            M = np.swapaxes(M, -1, -2)
        if M.ndim not in (2, 3) or M.ndim != v.ndim + 1 or M.shape[-1] != v.shape[-1]:
            raise ValueError(f"nn.MV: sizes do not match ({_sz(input[0]._size)} and {_sz(input[1]._size)})")
        return M, v

    def updateOutput(self, input):
        M, v = self._mv(input)
        _put(self.output, M.shape[:-1], np.matmul(M, v[..., None])[..., 0])
        return self.output

    def updateGradInput(self, input, gradOutput):
        M, v = self._mv(input)
        go = gradOutput._a
        gM = go[..., :, None] * v[..., None, :]
        if self.trans:
            gM = np.swapaxes(gM, -1, -2)
        gv = np.matmul(np.swapaxes(M, -1, -2), go[..., None])[..., 0]
        return _put_grad_pair(self, input[0]._size, gM, input[1]._size, gv)


class DotProduct(Module):
    """{a, b} -> a . b (row-wise for batches)."""

    __typename__ = "nn.DotProduct"

    def __init__(self):
        super().__init__()
        self.gradInput = [Tensor(), Tensor()]

    def updateOutput(self, input):
        a, b = input[0]._a, input[1]._a
        if a.shape != b.shape:
            raise ValueError(f"nn.DotProduct: inputs must have the same size ({_sz(a.shape)} and {_sz(b.shape)})")
        res = (a * b).sum(-1)
        _put(self.output, res.shape if a.ndim > 1 else (1,), res)
        return self.output

    def updateGradInput(self, input, gradOutput):
        a, b = input[0]._a, input[1]._a
        go = gradOutput._a.reshape(a.shape[:-1] + (1,))
        return _put_grad_pair(self, a.shape, b * go, b.shape, a * go)


class PairwiseDistance(Module):
    """{a, b} -> ||a - b||_p (row-wise for batches)."""

    __typename__ = "nn.PairwiseDistance"

    def __init__(self, p):
        super().__init__()
        if p is None or p <= 0:
            raise ValueError("nn.PairwiseDistance: norm must be positive")
        self.norm = p
        self.gradInput = [Tensor(), Tensor()]

    def _d(self, input):
        a, b = input[0]._a, input[1]._a
        if a.shape != b.shape or a.ndim not in (1, 2):
            raise ValueError(f"nn.PairwiseDistance: input sizes must match and be 1D or 2D "
                             f"({_sz(a.shape)} and {_sz(b.shape)})")
        return a - b

    def updateOutput(self, input):
        d = self._d(input)
        p = self.norm
        res = (np.abs(d) ** p).sum(-1) ** (1.0 / p)
        _put(self.output, res.shape if d.ndim > 1 else (1,), res)
        return self.output

    def updateGradInput(self, input, gradOutput):
        d = self._d(input)
        p = self.norm
        n = ((np.abs(d) ** p).sum(-1) ** (1.0 / p))[..., None]
        safe = np.where(n == 0, 1, n)
        g = np.where(n == 0, 0.0, np.abs(d) ** (p - 1) * np.sign(d) / safe ** (p - 1))
        g = g * gradOutput._a.reshape(d.shape[:-1] + (1,))
        return _put_grad_pair(self, d.shape, g, d.shape, -g)


class CosineDistance(Module):
    """{a, b} -> cos(a, b) (row-wise for batches)."""

    __typename__ = "nn.CosineDistance"

    def __init__(self):
        super().__init__()
        self.gradInput = [Tensor(), Tensor()]

    def _parts(self, input):
        a, b = input[0]._a, input[1]._a
        if a.shape != b.shape or a.ndim not in (1, 2):
            raise ValueError(f"nn.CosineDistance: input sizes must match and be 1D or 2D "
                             f"({_sz(a.shape)} and {_sz(b.shape)})")
        a2, b2 = a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])
        eps = 1e-12
        na = np.sqrt((a2 * a2).sum(1) + eps)
        nb = np.sqrt((b2 * b2).sum(1) + eps)
        dot = (a2 * b2).sum(1)
        return a2, b2, na, nb, dot

    def updateOutput(self, input):
        _a, _b, na, nb, dot = self._parts(input)
        res = dot / (na * nb)
        _put(self.output, res.shape, res)
        return self.output

    def updateGradInput(self, input, gradOutput):
        a, b, na, nb, dot = self._parts(input)
        go = gradOutput._a.reshape(-1)[:, None]
        ga = (b / (na * nb)[:, None] - dot[:, None] * a / (na ** 3 * nb)[:, None]) * go
        gb = (a / (na * nb)[:, None] - dot[:, None] * b / (nb ** 3 * na)[:, None]) * go
        return _put_grad_pair(self, input[0]._size, ga.reshape(input[0]._size),
                              input[1]._size, gb.reshape(input[1]._size))


# --- miscellaneous -----------------------------------------------------------------------------
class Constant(Module):
    """Outputs a constant tensor (repeated over the batch); gradInput is zero."""

    __typename__ = "nn.Constant"

    def __init__(self, value, nInputDim=None):
        super().__init__()
        if isinstance(value, (int, float)):
            value = Tensor([value])
        self.value = value
        self.size = value.size()
        self.nInputDim = nInputDim

    def updateOutput(self, input):
        v = self.value._a
        if self.nInputDim is not None and input.dim() > self.nInputDim:
            shape = (input._size[0],) + v.shape
        else:
            shape = v.shape
        _put(self.output, shape, np.broadcast_to(v, shape))
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput.resizeAs(input).zero()
        return self.gradInput


class GradientReversal(Module):
    """Identity forward; the gradient is multiplied by -lambda."""

    __typename__ = "nn.GradientReversal"

    def __init__(self, lambda_=1):
        super().__init__()
        self.setLambda(lambda_)

    def setLambda(self, lambda_):
        self.__dict__["lambda"] = lambda_
        return self

    def updateOutput(self, input):
        self.output.set(input)
        return self.output

    def updateGradInput(self, input, gradOutput):
        _put(self.gradInput, gradOutput._size, gradOutput._a * -self.__dict__["lambda"])
        return self.gradInput


class L1Penalty(Module):
    """Identity forward that adds an L1 sparsity gradient l1weight * sign(x) in backward."""

    __typename__ = "nn.L1Penalty"

    def __init__(self, l1weight, sizeAverage=False, provideOutput=True):
        super().__init__()
        self.l1weight = l1weight
        self.sizeAverage = sizeAverage or False
        self.provideOutput = True if provideOutput is None else provideOutput

    def updateOutput(self, input):
        m = self.l1weight
        if self.sizeAverage:
            m = m / input.nElement()
        self.loss = m * float(np.abs(input._a).sum())
        self.output = input
        return self.output

    def updateGradInput(self, input, gradOutput):
        m = self.l1weight
        if self.sizeAverage:
            m = m / input.nElement()
        g = m * np.sign(input._a)
        if self.provideOutput:
            g = g + gradOutput._a.reshape(input._size)
        _put(self.gradInput, input._size, g)
        return self.gradInput


class Dropout(Module):
    """Zeroes each element with probability p while training (v2, the default, scales the kept
    ones by 1/(1-p) so that evaluation is the identity)."""

    __typename__ = "nn.Dropout"

    def __init__(self, p=0.5, v1=False, inplace=False, stochasticInference=False):
        super().__init__()
        p = 0.5 if p is None else p
        if p >= 1 or p < 0:
            raise ValueError("<Dropout> illegal percentage, must be 0 <= p < 1")
        self.p = p
        self.train = True
        self.inplace = inplace
        self.stochastic_inference = stochasticInference or False
        self.v2 = not v1
        self.noise = Tensor()

    def setp(self, p):
        self.p = p
        return self

    def updateOutput(self, input):
        if self.inplace:
            self.output.set(input)
        else:
            _put(self.output, input._size, input._a)
        if self.p > 0:
            if self.train or self.stochastic_inference:
                self.noise.resizeAs(input)
                _bernoulli(self.noise, 1 - self.p)
                if self.v2:
                    self.noise._a[...] /= (1 - self.p)
                self.output._a[...] *= self.noise._a
            elif not self.v2:
                self.output._a[...] *= (1 - self.p)
        return self.output

    def updateGradInput(self, input, gradOutput):
        if self.inplace:
            self.gradInput.set(gradOutput)
        else:
            _put(self.gradInput, gradOutput._size, gradOutput._a)
        if self.train:
            if self.p > 0:
                self.gradInput._a[...] *= self.noise._a.reshape(self.gradInput._size)
        elif not self.v2 and self.p > 0:
            self.gradInput._a[...] *= (1 - self.p)
        return self.gradInput

    def clearState(self):
        utils.clear(self, "noise")
        return Module.clearState(self)

    def __tostring__(self):
        return f"{typename(self)}({self.p:f})"


class GatedLinearUnit(Module):
    """Splits the input in two halves a, b along ``dim``: y = a .* sigmoid(b)."""

    __typename__ = "nn.GatedLinearUnit"

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def _halves(self, input):
        d = (self.dim or input.dim()) - 1
        n = input._size[d]
        if n % 2:
            raise ValueError(f"{self}: halving dimension {d + 1} of size {n} needs an even size")
        a, b = np.split(input._a, 2, axis=d)
        return d, a, b

    def updateOutput(self, input):
        _, a, b = self._halves(input)
        _put(self.output, a.shape, a / (1 + np.exp(-b)))
        return self.output

    def updateGradInput(self, input, gradOutput):
        d, a, b = self._halves(input)
        s = 1 / (1 + np.exp(-b))
        go = gradOutput._a.reshape(a.shape)
        _put(self.gradInput, input._size, np.concatenate([go * s, go * a * s * (1 - s)], axis=d))
        return self.gradInput


class OneHot(Module):
    """Indices (1-based) -> one-hot rows of ``outputSize``."""

    __typename__ = "nn.OneHot"

    def __init__(self, outputSize):
        super().__init__()
        self.outputSize = outputSize

    def updateOutput(self, input):
        idx = input._a.astype(np.int64)
        if idx.size and (idx.min() < 1 or idx.max() > self.outputSize):
            raise IndexError(f"{self}: index out of range 1..{self.outputSize}")
        out = _put(self.output, idx.shape + (self.outputSize,))
        out[...] = 0
        np.put_along_axis(out, (idx - 1)[..., None], 1, axis=-1)
        return self.output

    def updateGradInput(self, input, gradOutput):
        resize(self.gradInput, input._size).zero()
        return self.gradInput
