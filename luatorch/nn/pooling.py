"""Spatial pooling, Torch7's doc/convolution.md: SpatialMaxPooling, SpatialDilatedMaxPooling,
SpatialAveragePooling, SpatialMaxUnpooling, SpatialAdaptiveMaxPooling,
SpatialAdaptiveAveragePooling.

Vectorised over batch, planes and pixels: a window view made with stride tricks, reduced by
numpy; backward scatters with np.bincount (max) or one strided add per kernel offset (average).
Max indices are Torch7's: 1-based positions in the input plane (y * W + x + 1), same shape as
the output.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..torch import LongTensor
from ..torch.classes import typename
from . import utils
from .module import Module
from .spatial import (
    Dilated,
    as_batch,
    check_ndim,
    check_tensor,
    padded,
    put,
    scatter_grad,
    shape_str,
)


def pooled_size(size, k, d, pad, ceil_mode, dilation=1):
    """THNN's pooling output length, with the rule that the last window starts inside the
    (left-padded) input."""
    span = size - (dilation * (k - 1) + 1) + 2 * pad
    n = (math.ceil(span / d) if ceil_mode else span // d) + 1
    if pad and (n - 1) * d >= size + pad:
        n -= 1
    return n


def _fill_old_fields(module):
    """Fields that files saved by older Torch7 versions lack get Torch7's defaults."""
    for name, value in (("padW", 0), ("padH", 0), ("ceil_mode", False), ("count_include_pad", True)):
        if name in ("count_include_pad",) and not hasattr(type(module), "setCountExcludePad"):
            continue
        if getattr(module, name, None) is None:
            setattr(module, name, value)


def windows2d(xp, kH, kW, dH, dW, oH, oW, dilH=1, dilW=1):
    """View (B, C, oH, oW, kH, kW) of the padded batch xp (B, C, Hp, Wp)."""
    sB, sC, sH, sW = xp.strides
    B, C = xp.shape[:2]
    return as_strided(xp, (B, C, oH, oW, kH, kW), (sB, sC, sH * dH, sW * dW, sH * dilH, sW * dilW),
                      writeable=False)


class CeilMode:
    """Torch7's pooling switches: ``ceil()`` rounds the output size up, ``floor()`` down."""

    def ceil(self):
        self.ceil_mode = True
        return self

    def floor(self):
        self.ceil_mode = False
        return self


class CountPad:
    """Average pooling's divisor switch: the whole window (``setCountIncludePad``, default)
    or only its cells inside the input (``setCountExcludePad``)."""

    def setCountIncludePad(self):
        self.count_include_pad = True
        return self

    def setCountExcludePad(self):
        self.count_include_pad = False
        return self


class _SpatialWindows(CeilMode, Module):
    """SpatialMaxPooling / SpatialAveragePooling: kW x kH windows, stride (dW, dH), padding
    (padW, padH), output size rounded down or (``ceil()``) up."""

    def _dilation(self):
        return 1, 1

    def _geometry(self, input):
        """Checks as THNN's shapeCheck does; returns (H, W, oH, oW)."""
        name = typename(self)
        _fill_old_fields(self)
        if self.kW <= 0 or self.kH <= 0:
            raise ValueError(f"{name}: kernel size should be greater than zero, but got kH: {self.kH} kW: {self.kW}")
        if self.dW <= 0 or self.dH <= 0:
            raise ValueError(f"{name}: stride should be greater than zero, but got dH: {self.dH} dW: {self.dW}")
        dilH, dilW = self._dilation()
        check_ndim(self, input, (3, 4), "non-empty 3D or 4D input tensor")
        if self.padW * 2 > self.kW or self.padH * 2 > self.kH:
            raise ValueError(f"{name}: pad should be smaller than half of kernel size, but got padW = "
                             f"{self.padW}, padH = {self.padH}, kW = {self.kW}, kH = {self.kH}")
        C, H, W = input._size[-3:]
        ceil_mode = bool(getattr(self, "ceil_mode", False))
        oH = pooled_size(H, self.kH, self.dH, self.padH, ceil_mode, dilH)
        oW = pooled_size(W, self.kW, self.dW, self.padW, ceil_mode, dilW)
        if oH < 1 or oW < 1:
            raise ValueError(f"{name}: Given input size: ({C}x{H}x{W}). Calculated output size: "
                             f"({C}x{oH}x{oW}). Output size is too small")
        return H, W, oH, oW

    def _window_text(self):
        s = f"{typename(self)}({self.kW}x{self.kH}, {self.dW},{self.dH}"
        if self.padW != 0 or self.padH != 0:
            s += f", {self.padW},{self.padH}"
        return s

    def __tostring__(self):
        return self._window_text() + ")"


class SpatialMaxPooling(_SpatialWindows):
    """Max over kW x kH windows with stride (dW, dH) (default: the kernel size), padding
    (padW, padH); ``ceil()`` rounds the output size up. Keeps the argmax in ``indices``."""

    __typename__ = "nn.SpatialMaxPooling"

    def __init__(self, kW, kH, dW=None, dH=None, padW=0, padH=0):
        super().__init__()
        self.kW, self.kH = kW, kH
        self.dW = kW if dW is None else dW
        self.dH = kH if dH is None else dH
        self.padW = 0 if padW is None else padW
        self.padH = 0 if padH is None else padH
        self.ceil_mode = False
        self.indices = LongTensor()

    def updateOutput(self, input):
        _, _, oH, oW = self._geometry(input)
        if getattr(self, "indices", None) is None:
            self.indices = LongTensor()
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        self.iheight, self.iwidth = H, W  # read by SpatialMaxUnpooling
        dilH, dilW = self._dilation()
        # pad with -inf, and past the bottom/right where ceil mode lets a window hang over
        needH = (oH - 1) * self.dH + dilH * (self.kH - 1) + 1
        needW = (oW - 1) * self.dW + dilW * (self.kW - 1) + 1
        extraH = max(0, needH - (H + 2 * self.padH))
        extraW = max(0, needW - (W + 2 * self.padW))
        xp = padded(x, (self.padH, self.padW), -np.inf, (extraH, extraW))
        out = put(self.output, input._size[:-2] + (oH, oW)).reshape(B, C, oH, oW)
        idx = put(self.indices, input._size[:-2] + (oH, oW)).reshape(B, C, oH, oW)
        # one pass per kernel tap over all windows at once, branch-free: np.maximum keeps
        # the values (NaN wins, as in THNN's val > maxval || isnan(val)); a tap becomes the
        # argmax when strictly larger than the best so far (or NaN), so the first maximum
        # wins; tap numbers grow, so "switch to tap k" is max(winner, better * k)
        spanH, spanW = self.dH * (oH - 1) + 1, self.dW * (oW - 1) + 1
        n_taps = self.kH * self.kW
        winner = np.zeros((B, C, oH, oW), dtype=np.uint8 if n_taps < 256 else np.int32)
        scratch = np.empty_like(winner)
        nan_possible = not np.isfinite(x.sum())
        offsets = np.empty(n_taps, dtype=np.int64)
        for i in range(self.kH):
            for j in range(self.kW):
                k = i * self.kW + j
                y0, x0 = i * dilH, j * dilW
                offsets[k] = y0 * W + x0
                tap = xp[:, :, y0:y0 + spanH:self.dH, x0:x0 + spanW:self.dW]
                if k == 0:
                    out[...] = tap
                    continue
                better = tap > out
                if nan_possible:
                    better |= np.isnan(tap)
                np.maximum(out, tap, out=out)
                np.multiply(better, scratch.dtype.type(k), out=scratch)
                np.maximum(winner, scratch, out=winner)
        corner = ((np.arange(oH) * self.dH - self.padH)[:, None] * W
                  + (np.arange(oW) * self.dW - self.padW)[None, :] + 1)
        np.add(offsets[winner], corner, out=idx)
        return self.output

    def updateGradInput(self, input, gradOutput):
        _, _, oH, oW = self._geometry(input)
        check_tensor(self, gradOutput, "gradOutput")
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        if gradOutput.nElement() != B * C * oH * oW or self.indices.nElement() != B * C * oH * oW:
            raise ValueError(f"{typename(self)}: gradOutput {shape_str(gradOutput)} does not match "
                             f"the output of input {shape_str(input)} (call forward first)")
        return scatter_grad(self.gradInput, input, B * C, self.indices._a - 1, gradOutput)

    def empty(self):
        return self.clearState()

    def clearState(self):
        utils.clear(self, "indices")
        return Module.clearState(self)


class SpatialDilatedMaxPooling(Dilated, SpatialMaxPooling):
    """SpatialMaxPooling whose window taps are dilationW/dilationH pixels apart."""

    __typename__ = "nn.SpatialDilatedMaxPooling"

    def __init__(self, kW, kH, dW=None, dH=None, padW=0, padH=0, dilationW=1, dilationH=1):
        super().__init__(kW, kH, dW, dH, padW, padH)
        self.dilationW = 1 if dilationW is None else dilationW
        self.dilationH = 1 if dilationH is None else dilationH

    def __tostring__(self):
        return self._window_text() + f", {self.dilationW},{self.dilationH})"


class SpatialAveragePooling(CountPad, _SpatialWindows):
    """Mean over kW x kH windows, stride (dW, dH) (default 1), zero padding (padW, padH);
    ``ceil()`` rounds the output size up; ``setCountExcludePad()`` divides by the number of
    input cells in the window instead of the window size."""

    __typename__ = "nn.SpatialAveragePooling"

    def __init__(self, kW, kH, dW=1, dH=1, padW=0, padH=0):
        super().__init__()
        self.kW, self.kH = kW, kH
        self.dW = 1 if dW is None else dW
        self.dH = 1 if dH is None else dH
        self.padW = 0 if padW is None else padW
        self.padH = 0 if padH is None else padH
        self.ceil_mode = False
        self.count_include_pad = True
        self.divide = True

    def _divisor(self, H, W, oH, oW):
        """(oH, oW) window sizes THNN divides by. (Torch7 multiplies the result back by kW*kH
        when ``divide`` is false or missing, as in files saved before the field existed.)"""
        def extent(o, k, d, pad, size):
            start = np.arange(o) * d - pad
            end = np.minimum(start + k, size + pad)
            full = end - start
            inside = np.minimum(end, size) - np.maximum(start, 0)
            return full, inside
        fh, ih = extent(oH, self.kH, self.dH, self.padH, H)
        fw, iw = extent(oW, self.kW, self.dW, self.padW, W)
        if getattr(self, "count_include_pad", True):
            return np.outer(fh, fw).astype(np.float64)
        return np.outer(ih, iw).astype(np.float64)

    def _padding_extra(self, H, W, oH, oW):
        needH = (oH - 1) * self.dH + self.kH
        needW = (oW - 1) * self.dW + self.kW
        return max(0, needH - (H + 2 * self.padH)), max(0, needW - (W + 2 * self.padW))

    def updateOutput(self, input):
        H, W, oH, oW = self._geometry(input)
        x, _ = as_batch(input, 4)
        B, C = x.shape[:2]
        xp = padded(x, (self.padH, self.padW), 0.0, self._padding_extra(H, W, oH, oW))
        out = put(self.output, input._size[:-2] + (oH, oW)).reshape(B, C, oH, oW)
        out[...] = 0
        for i in range(self.kH):  # one strided add per kernel offset
            for j in range(self.kW):
                out += xp[:, :, i:i + self.dH * (oH - 1) + 1:self.dH, j:j + self.dW * (oW - 1) + 1:self.dW]
        out /= self._divisor(H, W, oH, oW)
        if not getattr(self, "divide", None):  # Torch7's compatibility rule for old files
            out *= self.kW * self.kH
        return self.output

    def updateGradInput(self, input, gradOutput):
        H, W, oH, oW = self._geometry(input)
        check_tensor(self, gradOutput, "gradOutput")
        x, _ = as_batch(input, 4)
        B, C = x.shape[:2]
        if gradOutput.nElement() != B * C * oH * oW:
            raise ValueError(f"{typename(self)}: gradOutput {shape_str(gradOutput)} does not match the "
                             f"output [{' x '.join(map(str, input._size[:-2] + (oH, oW)))}]")
        g = gradOutput._a.reshape(B, C, oH, oW) / self._divisor(H, W, oH, oW)
        if not getattr(self, "divide", None):
            g *= self.kW * self.kH
        eH, eW = self._padding_extra(H, W, oH, oW)
        acc = np.zeros((B, C, H + 2 * self.padH + eH, W + 2 * self.padW + eW), dtype=g.dtype)
        for i in range(self.kH):
            for j in range(self.kW):
                acc[:, :, i:i + self.dH * (oH - 1) + 1:self.dH, j:j + self.dW * (oW - 1) + 1:self.dW] += g
        gi = put(self.gradInput, input._size).reshape(B, C, H, W)
        gi[...] = acc[:, :, self.padH:self.padH + H, self.padW:self.padW + W]
        return self.gradInput


class SpatialMaxUnpooling(Module):
    """Inverse of a SpatialMaxPooling module: puts each input value at the position its
    pooling module's ``indices`` recorded, zeros elsewhere."""

    __typename__ = "nn.SpatialMaxUnpooling"

    def __init__(self, poolingModule):
        super().__init__()
        if typename(poolingModule) != "nn.SpatialMaxPooling":
            raise TypeError("Argument must be a nn.SpatialMaxPooling module")
        if poolingModule.kH != poolingModule.dH or poolingModule.kW != poolingModule.dW:
            raise ValueError("The size of pooling module's kernel must be equal to its stride")
        self.pooling = poolingModule

    def setParams(self):
        self.indices = self.pooling.indices
        self.oheight = getattr(self.pooling, "iheight", None)
        self.owidth = getattr(self.pooling, "iwidth", None)

    def updateOutput(self, input):
        check_ndim(self, input, (3, 4), "non-empty 3D or 4D input tensor")
        self.setParams()
        if self.oheight is None:
            raise ValueError(f"{typename(self)}: the pooling module has not seen an input yet")
        if self.indices._size != input._size:
            raise ValueError(f"{typename(self)}: input {shape_str(input)} and indices "
                             f"{shape_str(self.indices)} should have the same shape")
        oheight, owidth = self.oheight, self.owidth
        x, _ = as_batch(input, 4)
        B, C, h, w = x.shape
        plane = np.arange(B * C).reshape(B * C, 1) * (oheight * owidth)
        where = (self.indices._a.reshape(B * C, h * w) - 1) + plane
        out = np.zeros(B * C * oheight * owidth, dtype=x.dtype)
        out[where.reshape(-1)] = x.reshape(-1)
        put(self.output, input._size[:-2] + (oheight, owidth))[...] = out.reshape(input._size[:-2] + (oheight, owidth))
        return self.output

    def updateGradInput(self, input, gradOutput):
        x, _ = as_batch(input, 4)
        B, C, h, w = x.shape
        plane = np.arange(B * C).reshape(B * C, 1) * (self.oheight * self.owidth)
        where = (self.indices._a.reshape(B * C, h * w) - 1) + plane
        g = gradOutput._a.reshape(-1)[where.reshape(-1)]
        put(self.gradInput, input._size)[...] = g.reshape(input._size)
        return self.gradInput

    def empty(self):
        return self.clearState()

    def __tostring__(self):
        return f"{typename(self)} associated to {self.pooling}"


def _adaptive_bounds(o, size):
    """THNN's adaptive pooling windows: [floor(i*size/o), ceil((i+1)*size/o))."""
    i = np.arange(o)
    start = (i * size) // o
    end = -((-(i + 1) * size) // o)
    return start, end


class SpatialAdaptiveMaxPooling(Module):
    """Max pooling to a fixed output size (owidth x oheight), whatever the input size."""

    __typename__ = "nn.SpatialAdaptiveMaxPooling"

    def __init__(self, W, H):
        super().__init__()
        self.W, self.H = W, H
        self.indices = LongTensor()

    def updateOutput(self, input):
        check_ndim(self, input, (3, 4), "non-empty 3D or 4D input tensor")
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        oH, oW = self.H, self.W
        hs, he = _adaptive_bounds(oH, H)
        ws, we = _adaptive_bounds(oW, W)
        out = put(self.output, input._size[:-2] + (oH, oW)).reshape(B, C, oH, oW)
        idx = put(self.indices, input._size[:-2] + (oH, oW)).reshape(B, C, oH, oW)
        # windows differ in size: loop over output cells (oH*oW, independent of batch/planes)
        for a in range(oH):
            for b in range(oW):
                win = x[:, :, hs[a]:he[a], ws[b]:we[b]].reshape(B, C, -1)
                k = win.argmax(axis=-1)
                out[:, :, a, b] = np.take_along_axis(win, k[..., None], axis=-1)[..., 0]
                ky, kx = np.divmod(k, we[b] - ws[b])
                idx[:, :, a, b] = (hs[a] + ky) * W + (ws[b] + kx) + 1
        return self.output

    def updateGradInput(self, input, gradOutput):
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        return scatter_grad(self.gradInput, input, B * C, self.indices._a - 1, gradOutput)

    def clearState(self):
        utils.clear(self, "indices")
        return Module.clearState(self)


class SpatialAdaptiveAveragePooling(Module):
    """Average pooling to a fixed output size (owidth x oheight), whatever the input size."""

    __typename__ = "nn.SpatialAdaptiveAveragePooling"

    def __init__(self, W, H):
        super().__init__()
        self.W, self.H = W, H

    def updateOutput(self, input):
        check_ndim(self, input, (3, 4), "non-empty 3D or 4D input tensor")
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        hs, he = _adaptive_bounds(self.H, H)
        ws, we = _adaptive_bounds(self.W, W)
        # integral image: every window sum from four lookups
        ii = np.zeros((B, C, H + 1, W + 1), dtype=x.dtype)
        ii[:, :, 1:, 1:] = x.cumsum(2).cumsum(3)
        sums = (ii[:, :, he][:, :, :, we] - ii[:, :, hs][:, :, :, we]
                - ii[:, :, he][:, :, :, ws] + ii[:, :, hs][:, :, :, ws])
        area = np.outer(he - hs, we - ws)
        put(self.output, input._size[:-2] + (self.H, self.W))[...] = (sums / area).reshape(
            input._size[:-2] + (self.H, self.W))
        return self.output

    def updateGradInput(self, input, gradOutput):
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        hs, he = _adaptive_bounds(self.H, H)
        ws, we = _adaptive_bounds(self.W, W)
        # separable: (rows x oH) membership, divided by area, times (oW x cols) membership
        rows = ((np.arange(H)[:, None] >= hs) & (np.arange(H)[:, None] < he)).astype(x.dtype)
        cols = ((np.arange(W)[:, None] >= ws) & (np.arange(W)[:, None] < we)).astype(x.dtype)
        g = gradOutput._a.reshape(B, C, self.H, self.W) / np.outer(he - hs, we - ws)
        gi = rows @ g @ cols.T
        put(self.gradInput, input._size)[...] = gi.reshape(input._size)
        return self.gradInput


class SpatialFractionalMaxPooling(Module):
    """Fractional max pooling (Graham, 2014): poolSizeW x poolSizeH windows at pseudo-random
    overlapping positions chosen per sample and plane from ``randomSamples`` (drawn anew on
    every forward unless ``fixPoolingRegions()``), down to a given output size (outW, outH >= 1)
    or a reduction ratio (0 < ratio < 1)."""

    __typename__ = "nn.SpatialFractionalMaxPooling"

    def __init__(self, poolSizeW, poolSizeH, arg1, arg2):
        super().__init__()
        if poolSizeW < 2 or poolSizeH < 2:
            raise ValueError("nn.SpatialFractionalMaxPooling: pool sizes must be at least 2")
        self.poolSizeW, self.poolSizeH = poolSizeW, poolSizeH
        self.randomSamples = None
        self.newRandomPool = False
        if arg1 >= 1 and arg2 >= 1:
            self.outW, self.outH = int(arg1), int(arg2)
        else:
            if not (0 < arg1 < 1 and 0 < arg2 < 1):
                raise ValueError("nn.SpatialFractionalMaxPooling: reduction ratios must be in (0, 1)")
            self.ratioW, self.ratioH = arg1, arg2

    def fixPoolingRegions(self, val=True):
        self.newRandomPool = True if val is None else val
        return self

    def _buffer_size(self, input):
        if input.dim() == 3:
            return (1, input._size[0], 2)
        if input.dim() == 4:
            return (input._size[0], input._size[1], 2)
        raise ValueError(f"{typename(self)}: input must be dim 3 or 4, got {shape_str(input)}")

    def _init_samples(self, input):
        size = self._buffer_size(input)
        rs = self.randomSamples
        if rs is None:
            self.randomSamples = input.new().resize(size).uniform()
        elif rs._size[:2] != size[:2]:
            rs.resize(size).uniform()
        elif not self.newRandomPool:
            rs.uniform()

    def _out_sizes(self, input):
        if getattr(self, "ratioW", None) is not None and getattr(self, "ratioH", None) is not None:
            outW = math.floor(input._size[-1] * self.ratioW)
            outH = math.floor(input._size[-2] * self.ratioH)
            if outW <= 0:
                raise ValueError("reduction ratio or input width too small")
            if outH <= 0:
                raise ValueError("reduction ratio or input height too small")
            return outW, outH
        return self.outW, self.outH

    @staticmethod
    def _intervals(sample, in_size, out_size, pool):
        """THNN's window starts for samples u (any shape): floor((i + u) a) - floor(u a),
        a = (in - pool) / (out - 1); the last window ends at the border."""
        i = np.arange(out_size)
        if out_size == 1:
            return np.broadcast_to(np.array([in_size - pool]), sample.shape + (1,)).copy()
        alpha = (in_size - pool) / (out_size - 1)
        u = sample[..., None]
        seq = np.trunc((i + u) * alpha).astype(np.int64) - np.trunc(u * alpha).astype(np.int64)
        seq[..., -1] = in_size - pool
        return seq

    def updateOutput(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D (batch mode) tensor")
        if getattr(self, "indices", None) is None:
            self.indices = LongTensor()
        self._init_samples(input)
        outW, outH = self._out_sizes(input)
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        pW, pH = self.poolSizeW, self.poolSizeH
        if outW + pW - 1 > W:
            raise ValueError(f"{typename(self)}: poolSizeW ({pW}) too large relative to input width ({W})")
        if outH + pH - 1 > H:
            raise ValueError(f"{typename(self)}: poolSizeH ({pH}) too large relative to input height ({H})")
        rs = self.randomSamples._a.reshape(B, C, 2)
        seqW = self._intervals(rs[..., 0], W, outW, pW)  # (B, C, outW)
        seqH = self._intervals(rs[..., 1], H, outH, pH)
        rows = (seqH[..., :, None] + np.arange(pH))[:, :, :, None, :, None]  # (B,C,oH,1,pH,1)
        cols = (seqW[..., :, None] + np.arange(pW))[:, :, None, :, None, :]  # (B,C,1,oW,1,pW)
        b = np.arange(B)[:, None, None, None, None, None]
        c = np.arange(C)[None, :, None, None, None, None]
        win = x[b, c, rows, cols].reshape(B, C, outH, outW, pH * pW)
        k = win.argmax(axis=-1)
        shape = input._size[:-2] + (outH, outW)
        put(self.output, shape)[...] = np.take_along_axis(win, k[..., None], axis=-1)[..., 0].reshape(shape)
        ky, kx = np.divmod(k, pW)
        y = seqH[:, :, :, None] + ky
        xx = seqW[:, :, None, :] + kx
        put(self.indices, shape)[...] = (y * W + xx + 1).reshape(shape)
        return self.output

    def updateGradInput(self, input, gradOutput):
        check_tensor(self, gradOutput, "gradOutput")
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        if gradOutput.nElement() != self.indices.nElement():
            raise ValueError(f"{typename(self)}: gradOutput {shape_str(gradOutput)} does not match the "
                             f"output {shape_str(self.indices)}")
        return scatter_grad(self.gradInput, input, B * C, self.indices._a - 1, gradOutput)

    def empty(self):
        return self.clearState()

    def clearState(self):
        utils.clear(self, "indices", "randomSamples")
        return Module.clearState(self)

    def __tostring__(self):
        w = getattr(self, "outW", None) or getattr(self, "ratioW", None)
        h = getattr(self, "outH", None) or getattr(self, "ratioH", None)
        return f"{typename(self)}({w}x{h}, {self.poolSizeW},{self.poolSizeH})"
