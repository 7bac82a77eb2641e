"""Transfer functions (Torch7's doc/transfer.md): elementwise non-linearities and the
soft-max family. Modules with an ``inplace`` flag overwrite the input (forward) and the
gradOutput (backward) as Torch7's do."""

import numpy as np

from ..torch import Tensor
from ..torch.classes import typename
from . import utils
from .module import Module, _uniform, resize


def _put(buf, shape, values):
    resize(buf, shape)
    buf._a[...] = values
    return buf


class _Elementwise(Module):
    """y = f(x); gradInput = gradOutput .* f'(x) (from x and y). Subclasses give f and df."""

    inplace = False  # default when a subclass has no inplace field

    def f(self, x):
        raise NotImplementedError

    def df(self, x, y):
        raise NotImplementedError

    def f_into(self, x, out):
        """Write f(x) into ``out`` (subclasses may do it without a temporary)."""
        out[...] = self.f(x)

    def grad_into(self, x, y, go, out):
        """Write go .* f'(x) into ``out``."""
        np.multiply(go, self.df(x, y), out=out)

    def updateOutput(self, input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{typename(self)}: expected a Tensor, got {type(input).__name__}")
        if getattr(self, "inplace", False):
            input._a[...] = self.f(input._a)
            self.output.set(input)
        else:
            resize(self.output, input._size)
            self.f_into(input._a, self.output._a)
        return self.output

    def updateGradInput(self, input, gradOutput):
        if getattr(self, "inplace", False):
            # the input now holds the output; the derivative comes from the output alone
            d = self.df(None, self.output._a)
            gradOutput._a[...] *= d.reshape(gradOutput._size)
            self.gradInput.set(gradOutput)
        else:
            resize(self.gradInput, input._size)
            self.grad_into(input._a, self.output._a, gradOutput._a.reshape(input._size), self.gradInput._a)
        return self.gradInput


class Sigmoid(_Elementwise):
    __typename__ = "nn.Sigmoid"

    def f(self, x):
        return 1.0 / (1.0 + np.exp(-x))

    def df(self, x, y):
        return (1.0 - y) * y

    def f_into(self, x, out):
        np.negative(x, out=out)
        np.exp(out, out=out)
        out += 1.0
        np.reciprocal(out, out=out)

    def grad_into(self, x, y, go, out):
        # gradOutput * (1 - y) * y, in THNN's order
        np.subtract(1.0, y, out=out)
        out *= go
        out *= y


class Tanh(_Elementwise):
    __typename__ = "nn.Tanh"

    def f(self, x):
        return np.tanh(x)

    def df(self, x, y):
        return 1.0 - y * y

    def f_into(self, x, out):
        np.tanh(x, out=out)

    def grad_into(self, x, y, go, out):
        np.multiply(y, y, out=out)
        np.subtract(1.0, out, out=out)
        out *= go


class Threshold(_Elementwise):
    """y = x if x > threshold else val."""

    __typename__ = "nn.Threshold"

    def __init__(self, th=1e-6, v=0, ip=False):
        super().__init__()
        self.threshold = 1e-6 if th is None else th
        self.val = 0 if v is None else v
        self.inplace = bool(ip)
        self.validateParameters()

    def validateParameters(self):
        if self.inplace and self.val > self.threshold:
            raise ValueError(f"in-place processing requires value ({self.val}) not exceed threshold "
                             f"({self.threshold})")

    def f(self, x):
        return np.where(x > self.threshold, x, self.val)

    def df(self, x, y):
        src = y if x is None else x
        if x is None:
            return (src > self.threshold).astype(src.dtype) if self.val <= self.threshold else (src != self.val)
        return (src > self.threshold).astype(src.dtype)


class ReLU(Threshold):
    __typename__ = "nn.ReLU"

    def __init__(self, p=False):
        super().__init__(0, 0, p)


class HardTanh(_Elementwise):
    """Clamps to [min_val, max_val]; gradient 1 strictly inside."""

    __typename__ = "nn.HardTanh"

    def __init__(self, min_value=-1, max_value=1, inplace=False):
        super().__init__()
        self.min_val = -1 if min_value is None else min_value
        self.max_val = 1 if max_value is None else max_value
        self.inplace = bool(inplace)
        if self.max_val <= self.min_val:
            raise ValueError("max_value must be larger than min_value")

    def f(self, x):
        return np.clip(x, self.min_val, self.max_val)

    def df(self, x, y):
        src = y if x is None else x
        return ((src > self.min_val) & (src < self.max_val)).astype(src.dtype)


class ReLU6(HardTanh):
    __typename__ = "nn.ReLU6"

    def __init__(self, inplace=False):
        super().__init__(0, 6, inplace)


class LeakyReLU(_Elementwise):
    __typename__ = "nn.LeakyReLU"

    def __init__(self, negval=None, ip=False):
        super().__init__()
        if isinstance(negval, bool):  # LeakyReLU(true) means in place with the default slope
            ip, negval = negval, None
        self.negval = 1 / 100 if negval is None else negval
        self.inplace = bool(ip)
        if self.negval < 0:
            self.inplace = False

    def f(self, x):
        return np.where(x > 0, x, x * self.negval)

    def df(self, x, y):
        src = y if x is None else x
        return np.where(src > 0, 1.0, self.negval)

    def __tostring__(self):
        return f"{typename(self)}({self.negval:g})"


class ELU(_Elementwise):
    __typename__ = "nn.ELU"

    def __init__(self, alpha=1, inplace=False):
        super().__init__()
        self.alpha = 1 if alpha is None else alpha
        self.inplace = bool(inplace)

    def f(self, x):
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0)))

    def df(self, x, y):
        if x is None:
            return np.where(y > 0, 1.0, y + self.alpha)
        return np.where(x > 0, 1.0, y + self.alpha)

    def __tostring__(self):
        return f"{typename(self)} (alpha:{self.alpha:f})"


class HardShrink(_Elementwise):
    __typename__ = "nn.HardShrink"

    def __init__(self, lam=0.5):
        super().__init__()
        self.__dict__["lambda"] = 0.5 if lam is None else lam

    def f(self, x):
        lam = self.__dict__["lambda"]
        return np.where((x > lam) | (x < -lam), x, 0.0)

    def df(self, x, y):
        lam = self.__dict__["lambda"]
        return ((x > lam) | (x < -lam)).astype(x.dtype)


class SoftShrink(_Elementwise):
    __typename__ = "nn.SoftShrink"

    def __init__(self, lam=0.5):
        super().__init__()
        self.__dict__["lambda"] = 0.5 if lam is None else lam

    def f(self, x):
        lam = self.__dict__["lambda"]
        return np.where(x > lam, x - lam, np.where(x < -lam, x + lam, 0.0))

    def df(self, x, y):
        lam = self.__dict__["lambda"]
        return ((x > lam) | (x < -lam)).astype(x.dtype)


class SoftPlus(_Elementwise):
    """y = log(1 + exp(beta x)) / beta (linear above threshold)."""

    __typename__ = "nn.SoftPlus"

    def __init__(self, beta=1, threshold=20):
        super().__init__()
        self.beta = 1 if beta is None else beta
        self.threshold = 20 if threshold is None else threshold

    def f(self, x):
        bx = x * self.beta
        return np.where(bx > self.threshold, x, np.log1p(np.exp(np.minimum(bx, self.threshold))) / self.beta)

    def df(self, x, y):
        z = np.exp(np.minimum(y * self.beta, self.threshold))
        return np.where(x * self.beta > self.threshold, 1.0, (z - 1) / z)


class SoftSign(_Elementwise):
    __typename__ = "nn.SoftSign"

    def f(self, x):
        return x / (1 + np.abs(x))

    def df(self, x, y):
        d = 1 + np.abs(x)
        return 1.0 / (d * d)


class LogSigmoid(_Elementwise):
    """y = -log(1 + exp(-x)), computed stably."""

    __typename__ = "nn.LogSigmoid"

    def f(self, x):
        return -np.logaddexp(0, -x)

    def df(self, x, y):
        return 1.0 / (1.0 + np.exp(x))


class TanhShrink(_Elementwise):
    __typename__ = "nn.TanhShrink"

    def f(self, x):
        return x - np.tanh(x)

    def df(self, x, y):
        t = np.tanh(x)
        return t * t


class PReLU(Module):
    """y = x if x > 0 else w x, with a learnable slope per channel (nOutputPlane > 0) or one
    shared slope (nOutputPlane = 0); the channel dimension is 1 (2 in batch mode)."""

    __typename__ = "nn.PReLU"

    def __init__(self, nOutputPlane=0):
        super().__init__()
        self.nOutputPlane = nOutputPlane or 0
        n = self.nOutputPlane or 1
        self.weight = Tensor(n).fill(0.25)
        self.gradWeight = Tensor(n).zero()

    def _w(self, input):
        w = self.weight._a
        if self.nOutputPlane == 0:
            return w[0]
        nd = input.dim()
        cdim = 0 if nd in (1, 3) else 1
        if input._size[cdim] != self.nOutputPlane:
            raise ValueError(f"{typename(self)}: wrong number of input planes: expected {self.nOutputPlane}, "
                             f"got input of size {'x'.join(map(str, input._size))}")
        shape = [1] * nd
        shape[cdim] = self.nOutputPlane
        return w.reshape(shape)

    def updateOutput(self, input):
        x = input._a
        _put(self.output, input._size, np.where(x > 0, x, x * self._w(input)))
        return self.output

    def updateGradInput(self, input, gradOutput):
        x = input._a
        _put(self.gradInput, input._size, gradOutput._a.reshape(input._size) * np.where(x > 0, 1.0, self._w(input)))
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        x = input._a
        contrib = np.where(x > 0, 0.0, x) * gradOutput._a.reshape(input._size)
        if self.nOutputPlane == 0:
            self.gradWeight._a[0] += scale * contrib.sum()
        else:
            cdim = 0 if input.dim() in (1, 3) else 1
            axes = tuple(i for i in range(contrib.ndim) if i != cdim)
            self.gradWeight._a[...] += scale * contrib.sum(axis=axes)


class RReLU(Module):
    """Randomized leaky ReLU: negative inputs scaled by a slope drawn from U(lower, upper) in
    training (one draw per non-positive element, in order), by (lower + upper)/2 otherwise."""

    __typename__ = "nn.RReLU"

    def __init__(self, l=1 / 8, u=1 / 3, ip=False):
        super().__init__()
        self.lower = 1 / 8 if l is None else l
        self.upper = 1 / 3 if u is None else u
        if not (0 <= self.lower <= self.upper <= 1):
            raise ValueError("nn.RReLU: lower and upper must satisfy 0 <= lower <= upper <= 1")
        self.noise = Tensor()
        self.train = True
        self.inplace = bool(ip)

    def updateOutput(self, input):
        x = input._a
        if self.train:
            self.noise.resizeAs(input)
            noise = self.noise._a
            noise[...] = 1.0
            neg = x <= 0
            k = int(neg.sum())
            if k:
                draws = _uniform(Tensor(k), self.lower, self.upper)._a
                noise[neg] = draws
            y = x * noise
        else:
            slope = (self.lower + self.upper) / 2
            y = np.where(x >= 0, x, x * slope)
        if self.inplace:
            x[...] = y
            self.output.set(input)
        else:
            _put(self.output, input._size, y)
        return self.output

    def updateGradInput(self, input, gradOutput):
        go = gradOutput._a.reshape(input._size)
        if self.train and self.upper - self.lower > 1e-6:
            g = go * self.noise._a
        else:
            slope = (self.lower + self.upper) / 2
            src = self.output._a if self.inplace else input._a
            g = np.where(src >= 0, go, go * slope)
        if self.inplace:
            gradOutput._a[...] = g.reshape(gradOutput._size)
            self.gradInput.set(gradOutput)
        else:
            _put(self.gradInput, input._size, g)
        return self.gradInput

    def clearState(self):
        utils.clear(self, "noise")
        return Module.clearState(self)

    def __tostring__(self):
        return f"{typename(self)} (l:{self.lower:f}, u:{self.upper:f})"


def _softmax_axis(module, input):
    nd = input.dim()
    if nd in (1, 3):
        return 0
    if nd in (2, 4):
        return 1
    raise ValueError(f"{typename(module)}: 1D, 2D, 3D or 4D tensor expected, got input of size "
                     f"{'x'.join(map(str, input._size)) or 'empty'}")


class SoftMax(Module):
    """exp(x_i) / sum_j exp(x_j) over the features (dimension 1, or 2 in batch mode)."""

    __typename__ = "nn.SoftMax"

    def updateOutput(self, input):
        ax = _softmax_axis(self, input)
        x = input._a
        e = np.exp(x - x.max(axis=ax, keepdims=True))
        e /= e.sum(axis=ax, keepdims=True)
        _put(self.output, input._size, e)
        return self.output

    def updateGradInput(self, input, gradOutput):
        ax = _softmax_axis(self, input)
        y = self.output._a
        go = gradOutput._a.reshape(y.shape)
        _put(self.gradInput, input._size, y * (go - (go * y).sum(axis=ax, keepdims=True)))
        return self.gradInput


class SoftMin(Module):
    """SoftMax of -x."""

    __typename__ = "nn.SoftMin"

    def updateOutput(self, input):
        ax = _softmax_axis(self, input)
        x = -input._a
        e = np.exp(x - x.max(axis=ax, keepdims=True))
        e /= e.sum(axis=ax, keepdims=True)
        _put(self.output, input._size, e)
        return self.output

    def updateGradInput(self, input, gradOutput):
        ax = _softmax_axis(self, input)
        y = self.output._a
        go = gradOutput._a.reshape(y.shape)
        _put(self.gradInput, input._size, -y * (go - (go * y).sum(axis=ax, keepdims=True)))
        return self.gradInput


class LogSoftMax(Module):
    """x_i - log sum_j exp(x_j) over the features (dimension 1, or 2 in batch mode)."""

    __typename__ = "nn.LogSoftMax"

    def updateOutput(self, input):
        ax = _softmax_axis(self, input)
        x = input._a
        resize(self.output, input._size)
        out = self.output._a
        np.subtract(x, x.max(axis=ax, keepdims=True), out=out)
        lse = np.exp(out).sum(axis=ax, keepdims=True)
        out -= np.log(lse, out=lse)
        return self.output

    def updateGradInput(self, input, gradOutput):
        ax = _softmax_axis(self, input)
        y = self.output._a
        go = gradOutput._a.reshape(y.shape)
        resize(self.gradInput, input._size)
        g = self.gradInput._a
        np.exp(y, out=g)
        g *= -go.sum(axis=ax, keepdims=True)
        g += go
        return self.gradInput
