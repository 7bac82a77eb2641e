"""Temporal (1-D, over sequences of frames) layers, Torch7's doc/convolution.md:
TemporalConvolution, TemporalMaxPooling, TemporalSubSampling, TemporalRowConvolution.

Input is nInputFrame x inputFrameSize, or nBatch x nInputFrame x inputFrameSize. Windows of
kW frames are strided numpy views; one matrix product per call for the convolution.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..torch import LongTensor, Tensor
from ..torch.classes import typename
from . import utils
from .module import Module, OptionalBias, reset_uniform
from .spatial import (
    UnfoldBuffers,
    check_dim_size,
    check_tensor,
    put,
    scatter_grad,
    shape_str,
)


def _frames(module, input, kW, dW, frame_size=None, feat_first=False):
    """Check a (batch of) sequence(s) as THNN does; returns (x (B, T, F) numpy, batched, oT)."""
    name = typename(module)
    if kW <= 0:
        raise ValueError(f"{name}: kernel size should be greater than zero, but got kW: {kW}")
    if dW <= 0:
        raise ValueError(f"{name}: stride should be greater than zero, but got dW: {dW}")
    check_tensor(module, input)
    if input.dim() not in (2, 3):
        raise ValueError(f"{name}: 2D or 3D (batch mode) tensor expected for input, but got: {shape_str(input)}")
    x = input._a if input.dim() == 3 else input._a[None]
    if feat_first:
        x = x.transpose(0, 2, 1)
    T, F = x.shape[1], x.shape[2]
    if frame_size is not None and F != frame_size:
        raise ValueError(f"{name}: invalid input frame size. Got: {F}, Expected: {frame_size}")
    if T < kW:
        raise ValueError(f"{name}: input sequence smaller than kernel size. Got: {T}, Expected: {kW}")
    return x, input.dim() == 3, (T - kW) // dW + 1


def _window_view(x, kW, dW, oT):
    """(B, oT, kW, F) view: window t holds frames t*dW .. t*dW+kW-1."""
    sB, sT, sF = x.strides
    return as_strided(x, (x.shape[0], oT, kW, x.shape[2]), (sB, sT * dW, sT, sF), writeable=False)


def _fold_frames(g, T, kW, dW, oT):
    """Adjoint of _window_view: g (B, oT, kW, F) summed back into (B, T, F)."""
    out = np.zeros((g.shape[0], T, g.shape[3]), dtype=g.dtype)
    for k in range(kW):
        out[:, k:k + dW * (oT - 1) + 1:dW] += g[:, :, k]
    return out


class TemporalConvolution(Module):
    """1-D convolution over frames: outputFrameSize filters of kW x inputFrameSize, stride dW."""

    __typename__ = "nn.TemporalConvolution"

    def __init__(self, inputFrameSize, outputFrameSize, kW, dW=1):
        super().__init__()
        self.inputFrameSize = inputFrameSize
        self.outputFrameSize = outputFrameSize
        self.kW = kW
        self.dW = 1 if dW is None else dW
        self.weight = Tensor(outputFrameSize, inputFrameSize * kW)
        self.bias = Tensor(outputFrameSize)
        self.gradWeight = Tensor(outputFrameSize, inputFrameSize * kW)
        self.gradBias = Tensor(outputFrameSize)
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.kW * self.inputFrameSize, self.weight, self.bias)
        return self

    def _check(self, input):
        return _frames(self, input, self.kW, self.dW, self.inputFrameSize)

    def _check_grad(self, input, gradOutput, oT):
        check_tensor(self, gradOutput, "gradOutput")
        d = input.dim()
        check_dim_size(self, gradOutput, d, d - 2, oT, "gradOutput")
        check_dim_size(self, gradOutput, d, d - 1, self.outputFrameSize, "gradOutput")

    def updateOutput(self, input):
        x, _, oT = self._check(input)
        B = x.shape[0]
        win = _window_view(x, self.kW, self.dW, oT).reshape(B * oT, -1)
        out = put(self.output, input._size[:-2] + (oT, self.outputFrameSize))
        np.add(win @ self.weight._a.T, self.bias._a, out=out.reshape(B * oT, -1))
        return self.output

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        x, _, oT = self._check(input)
        self._check_grad(input, gradOutput, oT)
        B, T, F = x.shape
        g = gradOutput._a.reshape(B * oT, -1) @ self.weight._a
        gi = _fold_frames(g.reshape(B, oT, self.kW, F), T, self.kW, self.dW, oT)
        put(self.gradInput, input._size)[...] = gi.reshape(input._size)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        x, _, oT = self._check(input)
        self._check_grad(input, gradOutput, oT)
        B = x.shape[0]
        win = _window_view(x, self.kW, self.dW, oT).reshape(B * oT, -1)
        go = gradOutput._a.reshape(B * oT, -1)
        self.gradWeight._a[...] += scale * (go.T @ win)
        self.gradBias._a[...] += scale * go.sum(axis=0)

    # sharing weights needs no accumulation (Torch7's choice)
    def sharedAccUpdateGradParameters(self, input, gradOutput, lr):
        return Module.accUpdateGradParameters(self, input, gradOutput, lr)


class TemporalMaxPooling(Module):
    """Max over windows of kW frames, stride dW (default kW), per feature. ``indices`` holds
    the 0-based offset of the maximum inside its window (as THNN stores it)."""

    __typename__ = "nn.TemporalMaxPooling"

    def __init__(self, kW, dW=None):
        super().__init__()
        self.kW = kW
        self.dW = kW if dW is None else dW

    def updateOutput(self, input):
        x, _, oT = _frames(self, input, self.kW, self.dW)
        if getattr(self, "indices", None) is None:
            self.indices = LongTensor()
        win = _window_view(x, self.kW, self.dW, oT)  # (B, oT, kW, F)
        k = win.argmax(axis=2)
        shape = input._size[:-2] + (oT, x.shape[2])
        put(self.output, shape)[...] = np.take_along_axis(win, k[:, :, None], axis=2)[:, :, 0].reshape(shape)
        put(self.indices, shape)[...] = k.reshape(shape)
        return self.output

    def updateGradInput(self, input, gradOutput):
        x, _, oT = _frames(self, input, self.kW, self.dW)
        B, T, F = x.shape
        d = input.dim()
        check_tensor(self, gradOutput, "gradOutput")
        check_dim_size(self, gradOutput, d, d - 2, oT, "gradOutput")
        check_dim_size(self, gradOutput, d, d - 1, F, "gradOutput")
        frame = self.indices._a.reshape(B, oT, F) + (np.arange(oT) * self.dW)[:, None]
        return scatter_grad(self.gradInput, input, B, frame * F + np.arange(F), gradOutput)

    def empty(self):
        return self.clearState()

    def clearState(self):
        utils.clear(self, "indices")
        return Module.clearState(self)


class TemporalSubSampling(Module):
    """Sum of kW frames (stride dW), scaled per feature by ``weight`` and shifted by ``bias``."""

    __typename__ = "nn.TemporalSubSampling"

    def __init__(self, inputFrameSize, kW, dW=1):
        super().__init__()
        self.inputFrameSize = inputFrameSize
        self.kW = kW
        self.dW = 1 if dW is None else dW
        self.weight = Tensor(inputFrameSize)
        self.bias = Tensor(inputFrameSize)
        self.gradWeight = Tensor(inputFrameSize)
        self.gradBias = Tensor(inputFrameSize)
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.kW, self.weight, self.bias)
        return self

    def _sums(self, x, oT):
        return _window_view(x, self.kW, self.dW, oT).sum(axis=2)  # (B, oT, F)

    def updateOutput(self, input):
        x, _, oT = _frames(self, input, self.kW, self.dW, self.inputFrameSize)
        s = self._sums(x, oT) * self.weight._a + self.bias._a
        shape = input._size[:-2] + (oT, self.inputFrameSize)
        put(self.output, shape)[...] = s.reshape(shape)
        return self.output

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        x, _, oT = _frames(self, input, self.kW, self.dW, self.inputFrameSize)
        B, T, F = x.shape
        g = gradOutput._a.reshape(B, oT, 1, F) * self.weight._a
        gi = _fold_frames(np.broadcast_to(g, (B, oT, self.kW, F)), T, self.kW, self.dW, oT)
        put(self.gradInput, input._size)[...] = gi.reshape(input._size)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        x, _, oT = _frames(self, input, self.kW, self.dW, self.inputFrameSize)
        go = gradOutput._a.reshape(x.shape[0], oT, -1)
        self.gradWeight._a[...] += scale * (go * self._sums(x, oT)).sum(axis=(0, 1))
        self.gradBias._a[...] += scale * go.sum(axis=(0, 1))


class TemporalRowConvolution(OptionalBias, UnfoldBuffers, Module):
    """Each feature row convolved with its own kernel of kW taps (a depth-wise 1-D convolution);
    ``featFirst`` takes (batch x) inputFrameSize x nInputFrame input."""

    __typename__ = "nn.TemporalRowConvolution"

    def __init__(self, inputFrameSize, kW, dW=1, featFirst=False):
        super().__init__()
        self.inputFrameSize = inputFrameSize
        self.kW = kW
        self.dW = 1 if dW is None else dW
        self.weight = Tensor(inputFrameSize, 1, kW)
        self.bias = Tensor(inputFrameSize)
        self.gradWeight = Tensor(inputFrameSize, 1, kW)
        self.gradBias = Tensor(inputFrameSize)
        self.featFirst = bool(featFirst)
        self.reset()

    def _fan_in(self):
        return self.kW * self.inputFrameSize

    def _check(self, input):
        return _frames(self, input, self.kW, self.dW, self.inputFrameSize, self.featFirst)

    def _out_shape(self, input, oT):
        lead = input._size[:-2]
        return lead + ((self.inputFrameSize, oT) if self.featFirst else (oT, self.inputFrameSize))

    def _to_input_layout(self, a, shape):
        """(B, T, F) array to the module's layout, reshaped to ``shape``."""
        return (a.transpose(0, 2, 1) if self.featFirst else a).reshape(shape)

    def updateOutput(self, input):
        x, _, oT = self._check(input)
        win = _window_view(x, self.kW, self.dW, oT)  # (B, oT, kW, F)
        w = self.weight._a.reshape(self.inputFrameSize, self.kW).T  # (kW, F)
        out = np.einsum("btkf,kf->btf", win, w)
        if getattr(self, "bias", None) is not None:
            out += self.bias._a
        shape = self._out_shape(input, oT)
        put(self.output, shape)[...] = self._to_input_layout(out, shape)
        return self.output

    def _grad_btf(self, gradOutput, B, oT):
        g = gradOutput._a.reshape((B, self.inputFrameSize, oT) if self.featFirst else (B, oT, self.inputFrameSize))
        return g.transpose(0, 2, 1) if self.featFirst else g

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        x, _, oT = self._check(input)
        B, T, F = x.shape
        g = self._grad_btf(gradOutput, B, oT)
        w = self.weight._a.reshape(F, self.kW).T
        gi = _fold_frames(g[:, :, None, :] * w, T, self.kW, self.dW, oT)
        put(self.gradInput, input._size)[...] = self._to_input_layout(gi, input._size)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        x, _, oT = self._check(input)
        g = self._grad_btf(gradOutput, x.shape[0], oT)
        win = _window_view(x, self.kW, self.dW, oT)
        gw = np.einsum("btkf,btf->fk", win, g)
        self.gradWeight._a[...] += scale * gw.reshape(self.gradWeight._size)
        if getattr(self, "bias", None) is not None and getattr(self, "gradBias", None) is not None:
            self.gradBias._a[...] += scale * g.sum(axis=(0, 1))

    def type(self, type=None, tensorCache=None):
        for name in ("finput", "fgradInput"):
            if getattr(self, name, None) is not None:
                getattr(self, name).set()
        return Module.type(self, type, tensorCache)

    def __tostring__(self):
        s = f"{typename(self)}({self.inputFrameSize}, {self.kW}"
        if self.dW != 1:
            s += f", {self.dW}"
        return s + (")" if getattr(self, "bias", None) is not None else ") without bias")
