"""Volumetric (3-D: time x height x width) layers, Torch7's doc/convolution.md:
VolumetricConvolution, VolumetricFullConvolution, VolumetricMaxPooling,
VolumetricAveragePooling. Input C x T x H x W, or B x C x T x H x W.

Same scheme as the spatial layers: strided window views, one matrix product per call, and
adjoint "fold" adds with one numpy call per kernel offset.
"""

import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..torch import LongTensor, Tensor
from ..torch.classes import typename
from . import utils
from .module import Module, OptionalBias
from .pooling import CeilMode, CountPad, pooled_size
from .spatial import (
    UnfoldBuffers,
    as_batch,
    check_dim_size,
    check_ndim,
    check_tensor,
    padded,
    put,
    scatter_grad,
    shape_str,
)


def unfold3d(x, k, d, o):
    """View (C, kT, kH, kW, B, oT, oH, oW) of x (B, C, T, H, W) (kernel k, stride d, out o)."""
    sB, sC, sT, sH, sW = x.strides
    B, C = x.shape[:2]
    return as_strided(x, (C,) + tuple(k) + (B,) + tuple(o),
                      (sC, sT, sH, sW, sB, sT * d[0], sH * d[1], sW * d[2]), writeable=False)


def fold3d(cols, out, k, d, o):
    """Adjoint of unfold3d: add cols (C, kT, kH, kW, B, oT, oH, oW) into out (C, B, T, H, W)."""
    for a, b, c in itertools.product(range(k[0]), range(k[1]), range(k[2])):
        out[:, :, a:a + d[0] * (o[0] - 1) + 1:d[0], b:b + d[1] * (o[1] - 1) + 1:d[1],
            c:c + d[2] * (o[2] - 1) + 1:d[2]] += cols[:, a, b, c]
    return out


def _crop(acc, pad, size):
    return acc[(Ellipsis,) + tuple(slice(p, p + s) for p, s in zip(pad, size, strict=True))]


class _Volumetric3d(OptionalBias, UnfoldBuffers, Module):
    """VolumetricConvolution / VolumetricFullConvolution: the bias switch, Torch7's reset (fan-in
    kT*kW*kH*nInputPlane), the buffers clearState empties and the printed geometry."""

    def _fan_in(self):
        return self.kT * self.kW * self.kH * self.nInputPlane

    def _adjustments(self):
        return ()

    def __tostring__(self):
        adj = self._adjustments()
        s = f"{typename(self)}({self.nInputPlane} -> {self.nOutputPlane}, {self.kT}x{self.kW}x{self.kH}"
        pad = any((self.padT, self.padW, self.padH))  # (adjustments print on their own, as in Torch7)
        if self.dT != 1 or self.dW != 1 or self.dH != 1 or pad:
            s += f", {self.dT},{self.dW},{self.dH}"
        if pad:
            s += f", {self.padT},{self.padW},{self.padH}"
        if any(adj):
            s += ", " + ",".join(str(a) for a in adj)
        return s + ")"


class VolumetricConvolution(_Volumetric3d):
    """3-D convolution: nOutputPlane kernels of nInputPlane x kT x kH x kW, stride (dT, dW, dH),
    zero padding (padT, padW, padH)."""

    __typename__ = "nn.VolumetricConvolution"

    def __init__(self, nInputPlane, nOutputPlane, kT, kW, kH, dT=1, dW=1, dH=1, padT=0, padW=None, padH=None):
        super().__init__()
        self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
        self.kT, self.kW, self.kH = kT, kW, kH
        self.dT = 1 if dT is None else dT
        self.dW = 1 if dW is None else dW
        self.dH = 1 if dH is None else dH
        self.padT = 0 if padT is None else padT
        self.padW = self.padT if padW is None else padW
        self.padH = self.padW if padH is None else padH
        self.weight = Tensor(nOutputPlane, nInputPlane, kT, kH, kW)
        self.bias = Tensor(nOutputPlane)
        self.gradWeight = Tensor(nOutputPlane, nInputPlane, kT, kH, kW)
        self.gradBias = Tensor(nOutputPlane)
        self.reset()

    def _k(self):
        return (self.kT, self.kH, self.kW), (self.dT, self.dH, self.dW), (self.padT, self.padH, self.padW)

    def _geometry(self, input):
        k, d, p = self._k()
        check_ndim(self, input, (4, 5), "4D or 5D (batch mode) tensor")
        size = input._size[-3:]
        o = tuple((s + 2 * pp - kk) // dd + 1 for s, kk, dd, pp in zip(size, k, d, p, strict=True))
        if any(s + 2 * pp < kk for s, kk, pp in zip(size, k, p, strict=True)) or min(o) < 1:
            raise ValueError(f"{typename(self)}: Given input size: ({self.nInputPlane}x{size[0]}x{size[1]}x"
                             f"{size[2]}). Calculated output size: ({self.nOutputPlane}x{max(o[0], 0)}x"
                             f"{max(o[1], 0)}x{max(o[2], 0)}). Output size is too small")
        dd = input.dim()
        check_dim_size(self, input, dd, dd - 4, self.nInputPlane)
        return o

    def _cols(self, input, o):
        k, d, p = self._k()
        x, _ = as_batch(input, 5)
        cols = np.ascontiguousarray(unfold3d(padded(x, p), k, d, o))
        return cols.reshape(self.nInputPlane * int(np.prod(k)), -1), x.shape[0]

    def updateOutput(self, input):
        o = self._geometry(input)
        cols, B = self._cols(input, o)
        O = self.nOutputPlane
        out = (self.weight._a.reshape(O, -1) @ cols).reshape((O, B) + o)
        if getattr(self, "bias", None) is not None:
            out += self.bias._a.reshape(O, 1, 1, 1, 1)
        shape = input._size[:-4] + (O,) + o
        put(self.output, shape)[...] = np.moveaxis(out, 0, 1).reshape(shape)
        return self.output

    def _grad(self, gradOutput, B, o):
        g = gradOutput._a.reshape((B, self.nOutputPlane) + o)
        return np.ascontiguousarray(np.moveaxis(g, 1, 0)).reshape(self.nOutputPlane, -1)

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        o = self._geometry(input)
        k, d, p = self._k()
        x, _ = as_batch(input, 5)
        B, C = x.shape[:2]
        gcols = self.weight._a.reshape(self.nOutputPlane, -1).T @ self._grad(gradOutput, B, o)
        acc = np.zeros((C, B) + tuple(s + 2 * pp for s, pp in zip(x.shape[2:], p, strict=True)), dtype=gcols.dtype)
        fold3d(gcols.reshape((C,) + k + (B,) + o), acc, k, d, o)
        gi = np.moveaxis(_crop(acc, p, x.shape[2:]), 0, 1)
        put(self.gradInput, input._size)[...] = gi.reshape(input._size)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        o = self._geometry(input)
        cols, B = self._cols(input, o)
        g = self._grad(gradOutput, B, o)
        self.gradWeight._a[...] += scale * (g @ cols.T).reshape(self.gradWeight._size)
        if getattr(self, "bias", None) is not None and getattr(self, "gradBias", None) is not None:
            self.gradBias._a[...] += scale * g.sum(axis=1)



class VolumetricFullConvolution(_Volumetric3d):
    """Transposed 3-D convolution (weight nInputPlane x nOutputPlane x kT x kH x kW); output
    (T - 1)*dT - 2*padT + kT + adjT per dimension."""

    __typename__ = "nn.VolumetricFullConvolution"
    _buffers = UnfoldBuffers._buffers + ("ones",)

    def __init__(self, nInputPlane, nOutputPlane, kT, kW, kH, dT=1, dW=1, dH=1, padT=0, padW=0, padH=0,
                 adjT=0, adjW=0, adjH=0):
        super().__init__()
        self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
        self.kT, self.kW, self.kH = kT, kW, kH
        self.dT = 1 if dT is None else dT
        self.dW = 1 if dW is None else dW
        self.dH = 1 if dH is None else dH
        self.padT = 0 if padT is None else padT
        self.padW = 0 if padW is None else padW
        self.padH = 0 if padH is None else padH
        self.adjT = 0 if adjT is None else adjT
        self.adjW = 0 if adjW is None else adjW
        self.adjH = 0 if adjH is None else adjH
        if self.adjT > self.dT - 1 or self.adjW > self.dW - 1 or self.adjH > self.dH - 1:
            raise ValueError("adjT, adjW and adjH must be smaller than self.dT - 1, self.dW - 1 and "
                             "self.dH - 1 respectively")
        self.weight = Tensor(nInputPlane, nOutputPlane, kT, kH, kW)
        self.gradWeight = Tensor(nInputPlane, nOutputPlane, kT, kH, kW)
        self.bias = Tensor(nOutputPlane)
        self.gradBias = Tensor(nOutputPlane)
        self.ones = Tensor()
        self.finput = Tensor()
        self.fgradInput = Tensor()
        self.reset()

    def _k(self):
        return ((self.kT, self.kH, self.kW), (self.dT, self.dH, self.dW), (self.padT, self.padH, self.padW),
                (self.adjT, self.adjH, self.adjW))

    def _geometry(self, input):
        k, d, p, a = self._k()
        check_ndim(self, input, (4, 5), "4D or 5D (batch mode) tensor")
        size = input._size[-3:]
        o = tuple((s - 1) * dd - 2 * pp + kk + aa for s, kk, dd, pp, aa in zip(size, k, d, p, a, strict=True))
        if min(o) < 1:
            raise ValueError(f"{typename(self)}: Given input size: ({self.nInputPlane}x{size[0]}x{size[1]}x"
                             f"{size[2]}). Calculated output size: ({self.nOutputPlane}x{o[0]}x{o[1]}x{o[2]}). "
                             "Output size is too small")
        dd = input.dim()
        check_dim_size(self, input, dd, dd - 4, self.nInputPlane)
        return o

    def updateOutput(self, input):
        o = self._geometry(input)
        k, d, p, _ = self._k()
        x, _ = as_batch(input, 5)
        B, C = x.shape[:2]
        size = x.shape[2:]
        O = self.nOutputPlane
        xm = np.ascontiguousarray(np.moveaxis(x, 1, 0)).reshape(C, -1)
        cols = self.weight._a.reshape(C, -1).T @ xm
        acc = np.zeros((O, B) + tuple(oo + 2 * pp for oo, pp in zip(o, p, strict=True)), dtype=cols.dtype)
        fold3d(cols.reshape((O,) + k + (B,) + size), acc, k, d, size)
        out = np.moveaxis(_crop(acc, p, o), 0, 1)
        if getattr(self, "bias", None) is not None:
            out = out + self.bias._a.reshape(1, O, 1, 1, 1)
        shape = input._size[:-4] + (O,) + o
        put(self.output, shape)[...] = out.reshape(shape)
        return self.output

    def _grad_cols(self, gradOutput, B, size, o):
        k, d, p, _ = self._k()
        g = padded(gradOutput._a.reshape((B, self.nOutputPlane) + o), p)
        need = tuple((s - 1) * dd + kk for s, dd, kk in zip(size, d, k, strict=True))
        extra = tuple(max(0, n - have) for n, have in zip(need, g.shape[2:], strict=True))
        if any(extra):
            g = padded(g, (0, 0, 0), extra=extra)
        return np.ascontiguousarray(unfold3d(g, k, d, size)).reshape(self.nOutputPlane * int(np.prod(k)), -1)

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        o = self._geometry(input)
        x, _ = as_batch(input, 5)
        B, C = x.shape[:2]
        gi = self.weight._a.reshape(C, -1) @ self._grad_cols(gradOutput, B, x.shape[2:], o)
        gi = np.moveaxis(gi.reshape((C, B) + x.shape[2:]), 0, 1)
        put(self.gradInput, input._size)[...] = gi.reshape(input._size)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        o = self._geometry(input)
        x, _ = as_batch(input, 5)
        B, C = x.shape[:2]
        xm = np.ascontiguousarray(np.moveaxis(x, 1, 0)).reshape(C, -1)
        gw = xm @ self._grad_cols(gradOutput, B, x.shape[2:], o).T
        self.gradWeight._a[...] += scale * gw.reshape(self.gradWeight._size)
        if getattr(self, "bias", None) is not None and getattr(self, "gradBias", None) is not None:
            self.gradBias._a[...] += scale * gradOutput._a.reshape(B, self.nOutputPlane, -1).sum(axis=(0, 2))

    def _adjustments(self):
        return (self.adjT, self.adjW, self.adjH)


class _VolumetricPooling(CeilMode, Module):
    def _setup(self, kT, kW, kH, dT, dW, dH, padT, padW, padH):
        self.kT, self.kW, self.kH = kT, kW, kH
        self.dT = kT if dT is None else dT
        self.dW = kW if dW is None else dW
        self.dH = kH if dH is None else dH
        self.padT = 0 if padT is None else padT
        self.padW = 0 if padW is None else padW
        self.padH = 0 if padH is None else padH
        self.ceil_mode = False

    def _k(self):
        return (self.kT, self.kH, self.kW), (self.dT, self.dH, self.dW), (self.padT, self.padH, self.padW)

    def _geometry(self, input):
        k, d, p = self._k()
        name = typename(self)
        check_ndim(self, input, (4, 5), "4D or 5D (batch mode) tensor")
        if any(2 * pp > kk for pp, kk in zip(p, k, strict=True)):
            raise ValueError(f"{name}: pad should be smaller than half of kernel size, but got "
                             f"padT = {self.padT}, padW = {self.padW}, padH = {self.padH}, "
                             f"kT = {self.kT}, kW = {self.kW}, kH = {self.kH}")
        size = input._size[-3:]
        ceil_mode = bool(getattr(self, "ceil_mode", False))
        o = tuple(pooled_size(s, kk, dd, pp, ceil_mode) for s, kk, dd, pp in zip(size, k, d, p, strict=True))
        if min(o) < 1 or any(s + 2 * pp < kk for s, kk, pp in zip(size, k, p, strict=True)):
            C = input._size[-4]
            raise ValueError(f"{name}: Given input size: ({C}x{size[0]}x{size[1]}x{size[2]}). Calculated "
                             f"output size: ({C}x{o[0]}x{o[1]}x{o[2]}). Output size is too small")
        return o

    def _padded(self, x, o, fill):
        k, d, p = self._k()
        extra = tuple(max(0, (oo - 1) * dd + kk - (s + 2 * pp))
                      for oo, dd, kk, s, pp in zip(o, d, k, x.shape[2:], p, strict=True))
        return padded(x, p, fill, extra)

    def __tostring__(self):
        s = f"{typename(self)}({self.kT}x{self.kW}x{self.kH}, {self.dT},{self.dW},{self.dH}"
        if self.padT != 0 or self.padW != 0 or self.padH != 0:
            s += f", {self.padT},{self.padW},{self.padH}"
        return s + ")"


class VolumetricMaxPooling(_VolumetricPooling):
    """Max over kT x kH x kW windows (stride defaults to the kernel). ``indices`` (the output's
    shape) holds, as THNN, the winning tap's offsets in the kernel packed into bytes:
    t | h << 8 | w << 16."""

    __typename__ = "nn.VolumetricMaxPooling"

    def __init__(self, kT, kW, kH, dT=None, dW=None, dH=None, padT=0, padW=0, padH=0):
        super().__init__()
        self._setup(kT, kW, kH, dT, dW, dH, padT, padW, padH)
        self.indices = LongTensor()

    def updateOutput(self, input):
        o = self._geometry(input)
        k, d, _ = self._k()
        if getattr(self, "indices", None) is None:
            self.indices = LongTensor()
        x, _ = as_batch(input, 5)
        B, C = x.shape[:2]
        xp = self._padded(x, o, -np.inf)
        s = xp.strides
        win = as_strided(xp, (B, C) + o + k, s[:2] + tuple(a * b for a, b in zip(s[2:], d, strict=True)) + s[2:],
                         writeable=False).reshape((B, C) + o + (-1,))
        m = win.argmax(axis=-1)
        shape = input._size[:-3] + o
        put(self.output, shape)[...] = np.take_along_axis(win, m[..., None], axis=-1)[..., 0].reshape(shape)
        kt, rem = np.divmod(m, k[1] * k[2])
        kh, kw = np.divmod(rem, k[2])
        # THNN packs the winning tap (t, h, w offsets in the kernel) into the bytes of the
        # index, little-endian: t | h << 8 | w << 16
        put(self.indices, shape)[...] = (kt | (kh << 8) | (kw << 16)).reshape(shape)
        return self.output

    def _input_positions(self, o, size):
        """Flat positions in the input volume of the maxima the indices name."""
        _, d, p = self._k()
        packed = self.indices._a.reshape((-1,) + o).astype(np.int64)
        kt, kh, kw = packed & 0xFF, (packed >> 8) & 0xFF, (packed >> 16) & 0xFF
        t = kt + (np.arange(o[0]) * d[0] - p[0])[:, None, None]
        h = kh + (np.arange(o[1]) * d[1] - p[1])[:, None]
        w = kw + (np.arange(o[2]) * d[2] - p[2])
        return (t * size[1] + h) * size[2] + w

    def updateGradInput(self, input, gradOutput):
        o = self._geometry(input)
        check_tensor(self, gradOutput, "gradOutput")
        x, _ = as_batch(input, 5)
        B, C, T, H, W = x.shape
        n = int(np.prod(o))
        if gradOutput.nElement() != B * C * n or self.indices.nElement() != B * C * n:
            raise ValueError(f"{typename(self)}: gradOutput {shape_str(gradOutput)} does not match the "
                             f"output of input {shape_str(input)} (call forward first)")
        return scatter_grad(self.gradInput, input, B * C, self._input_positions(o, (T, H, W)), gradOutput)

    def clearState(self):
        utils.clear(self, "indices")
        return Module.clearState(self)


class VolumetricAveragePooling(CountPad, _VolumetricPooling):
    """Mean over kT x kH x kW windows (stride defaults to the kernel), zero padding counted in
    the divisor as THNN does by default."""

    __typename__ = "nn.VolumetricAveragePooling"

    def __init__(self, kT, kW, kH, dT=None, dW=None, dH=None, padT=0, padW=0, padH=0):
        super().__init__()
        self._setup(kT, kW, kH, dT, dW, dH, padT, padW, padH)
        self.count_include_pad = True

    def _divisor(self, size, o):
        k, d, p = self._k()
        full, inside = [], []
        for s, kk, dd, pp, oo in zip(size, k, d, p, o, strict=True):
            start = np.arange(oo) * dd - pp
            end = np.minimum(start + kk, s + pp)
            full.append(end - start)
            inside.append(np.minimum(end, s) - np.maximum(start, 0))
        f = full if getattr(self, "count_include_pad", True) else inside
        return (f[0][:, None, None] * f[1][:, None] * f[2]).astype(np.float64)

    def updateOutput(self, input):
        o = self._geometry(input)
        k, d, _ = self._k()
        x, _ = as_batch(input, 5)
        xp = self._padded(x, o, 0.0)
        s = np.zeros(x.shape[:2] + o, dtype=x.dtype)
        for a, b, c in itertools.product(range(k[0]), range(k[1]), range(k[2])):
            s += xp[:, :, a:a + d[0] * (o[0] - 1) + 1:d[0], b:b + d[1] * (o[1] - 1) + 1:d[1],
                    c:c + d[2] * (o[2] - 1) + 1:d[2]]
        s /= self._divisor(x.shape[2:], o)
        shape = input._size[:-3] + o
        put(self.output, shape)[...] = s.reshape(shape)
        return self.output

    def updateGradInput(self, input, gradOutput):
        o = self._geometry(input)
        k, d, p = self._k()
        x, _ = as_batch(input, 5)
        g = gradOutput._a.reshape(x.shape[:2] + o) / self._divisor(x.shape[2:], o)
        acc = np.zeros(self._padded(x[:1, :1], o, 0.0).shape[2:], dtype=g.dtype)
        acc = np.zeros(x.shape[:2] + acc.shape, dtype=g.dtype)
        for a, b, c in itertools.product(range(k[0]), range(k[1]), range(k[2])):
            acc[:, :, a:a + d[0] * (o[0] - 1) + 1:d[0], b:b + d[1] * (o[1] - 1) + 1:d[1],
                c:c + d[2] * (o[2] - 1) + 1:d[2]] += g
        put(self.gradInput, input._size)[...] = _crop(acc, p, x.shape[2:]).reshape(input._size)
        return self.gradInput
