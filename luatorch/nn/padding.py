"""Spatial padding and resampling, Torch7's doc/convolution.md: SpatialZeroPadding,
SpatialReflectionPadding, SpatialReplicationPadding, SpatialUpSamplingNearest,
SpatialUpSamplingBilinear, PixelShuffle.

Reflection, replication and bilinear resampling are linear maps applied separably to rows and
columns: each is a pair of small matrices (or index maps) over the last two dimensions, so
forward and backward are a couple of numpy products for the whole batch.
"""

import math

import numpy as np

from ..torch.classes import typename
from ..torch.storage import LongStorage
from .module import Module
from .spatial import check_ndim, check_tensor, put, shape_str


def _planes(input):
    """(numpy view (N, H, W) over every plane, H, W) of a 3-D or 4-D input."""
    H, W = input._size[-2:]
    return input._a.reshape(-1, H, W), H, W


def _padding_fields(self, pad_l, pad_r, pad_t, pad_b):
    self.pad_l = pad_l
    self.pad_r = pad_l if pad_r is None else pad_r
    self.pad_t = pad_l if pad_t is None else pad_t
    self.pad_b = pad_l if pad_b is None else pad_b


class SpatialZeroPadding(Module):
    """Pads the last two dimensions with zeros (l, r, t, b cells); a negative pad crops."""

    __typename__ = "nn.SpatialZeroPadding"

    def __init__(self, pad_l, pad_r=None, pad_t=None, pad_b=None):
        super().__init__()
        _padding_fields(self, pad_l, pad_r, pad_t, pad_b)

    def _geometry(self, input):
        check_tensor(self, input)
        if input.dim() not in (3, 4):
            raise ValueError(f"{typename(self)}: input must be 3 or 4-dimensional, got {shape_str(input)}")
        H, W = input._size[-2:]
        oH = H + self.pad_t + self.pad_b
        oW = W + self.pad_l + self.pad_r
        if oH < 1 or oW < 1:
            raise ValueError(f"{typename(self)}: input is too small ({shape_str(input)}) for the padding")
        return H, W, oH, oW

    def _regions(self, H, W):
        """Matching (output slice, input slice) pairs over rows and columns."""
        def axis(before, after, n):
            src = slice(max(0, -before), n - max(0, -after))
            dst = slice(max(0, before), max(0, before) + (src.stop - src.start))
            return dst, src
        return axis(self.pad_t, self.pad_b, H), axis(self.pad_l, self.pad_r, W)

    def updateOutput(self, input):
        H, W, oH, oW = self._geometry(input)
        out = put(self.output, input._size[:-2] + (oH, oW))
        out[...] = 0
        (dr, sr), (dc, sc) = self._regions(H, W)
        out[..., dr, dc] = input._a[..., sr, sc]
        return self.output

    def updateGradInput(self, input, gradOutput):
        H, W, oH, oW = self._geometry(input)
        gi = put(self.gradInput, input._size)
        gi[...] = 0
        (dr, sr), (dc, sc) = self._regions(H, W)
        gi[..., sr, sc] = gradOutput._a.reshape(input._size[:-2] + (oH, oW))[..., dr, dc]
        return self.gradInput

    def __tostring__(self):
        return f"{typename(self)}(l={self.pad_l}, r={self.pad_r}, t={self.pad_t}, b={self.pad_b})"


class _IndexPadding(Module):
    """Padding whose output cells copy input cells chosen by a per-axis index map."""

    def __init__(self, pad_l, pad_r=None, pad_t=None, pad_b=None):
        super().__init__()
        _padding_fields(self, pad_l, pad_r, pad_t, pad_b)

    def _geometry(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D (batch mode) tensor")
        H, W = input._size[-2:]
        self._check_sizes(input, H, W)
        return H, W, H + self.pad_t + self.pad_b, W + self.pad_l + self.pad_r

    def _check_sizes(self, input, H, W):
        pass

    def updateOutput(self, input):
        H, W, oH, oW = self._geometry(input)
        rows = self._source(self.pad_t, self.pad_b, H)
        cols = self._source(self.pad_l, self.pad_r, W)
        out = put(self.output, input._size[:-2] + (oH, oW))
        out[...] = input._a[..., rows[:, None], cols[None, :]]
        return self.output

    def updateGradInput(self, input, gradOutput):
        H, W, oH, oW = self._geometry(input)
        rows = self._source(self.pad_t, self.pad_b, H)
        cols = self._source(self.pad_l, self.pad_r, W)
        # one-hot gathers, transposed: sum the gradient of every copy of a cell
        R = (rows[None, :] == np.arange(H)[:, None]).astype(np.float64)  # (H, oH)
        C = (cols[:, None] == np.arange(W)[None, :]).astype(np.float64)  # (oW, W)
        g = gradOutput._a.reshape(input._size[:-2] + (oH, oW))
        put(self.gradInput, input._size)[...] = R @ g @ C
        return self.gradInput

    def __tostring__(self):
        return f"{typename(self)}(l={self.pad_l}, r={self.pad_r}, t={self.pad_t}, b={self.pad_b})"


class SpatialReflectionPadding(_IndexPadding):
    """Pads by mirroring the input about its border cells (the border is not repeated)."""

    __typename__ = "nn.SpatialReflectionPadding"

    def _check_sizes(self, input, H, W):
        if self.pad_l >= W or self.pad_r >= W or self.pad_t >= H or self.pad_b >= H:
            raise ValueError(f"{typename(self)}: Padding size should be less than the corresponding "
                             f"input dimension, but got: padding ({self.pad_l}, {self.pad_r}, "
                             f"{self.pad_t}, {self.pad_b}) of input {shape_str(input)}")

    @staticmethod
    def _source(before, after, n):
        i = np.arange(-before, n + after)
        i = np.abs(i)
        return np.where(i > n - 1, 2 * (n - 1) - i, i)


class SpatialReplicationPadding(_IndexPadding):
    """Pads by repeating the input's border cells."""

    __typename__ = "nn.SpatialReplicationPadding"

    @staticmethod
    def _source(before, after, n):
        return np.clip(np.arange(-before, n + after), 0, n - 1)


class SpatialUpSamplingNearest(Module):
    """Nearest-neighbour upsampling of the last two dimensions by an integer ``scale_factor``."""

    __typename__ = "nn.SpatialUpSamplingNearest"

    def __init__(self, scale):
        super().__init__()
        if scale < 1:
            raise ValueError("scale_factor must be greater than 1")
        if scale != math.floor(scale):
            raise ValueError("scale_factor must be integer")
        self.scale_factor = int(scale)
        self.inputSize = LongStorage(4)
        self.outputSize = LongStorage(4)

    def updateOutput(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D input tensor")
        s = self.scale_factor
        H, W = input._size[-2:]
        out = put(self.output, input._size[:-2] + (H * s, W * s))
        lead = input._size[:-2]
        out.reshape(lead + (H, s, W, s))[...] = input._a.reshape(lead + (H, 1, W, 1))
        return self.output

    def updateGradInput(self, input, gradOutput):
        s = self.scale_factor
        H, W = input._size[-2:]
        lead = input._size[:-2]
        g = gradOutput._a.reshape(lead + (H, s, W, s))
        put(self.gradInput, input._size)[...] = g.sum(axis=(-3, -1))
        return self.gradInput


def _bilinear_matrix(n_in, n_out):
    """(n_out, n_in) interpolation with aligned corners, as THNN's SpatialUpSamplingBilinear."""
    ratio = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    r = ratio * np.arange(n_out)
    i = r.astype(np.int64)
    step = (i < n_in - 1).astype(np.int64)
    lam = r - i
    A = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(A, (rows, i), 1 - lam)
    np.add.at(A, (rows, i + step), lam)
    return A


class SpatialUpSamplingBilinear(Module):
    """Bilinear upsampling with aligned corners: an integer scale (output (H-1)*s + 1) or
    ``{oheight=, owidth=}``."""

    __typename__ = "nn.SpatialUpSamplingBilinear"

    def __init__(self, params):
        super().__init__()
        if isinstance(params, (int, float)) and not isinstance(params, bool):
            if params < 1:
                raise ValueError("scale_factor must be greater than 1")
            if params != math.floor(params):
                raise ValueError("scale_factor must be integer")
            self.scale_factor = int(params)
        elif isinstance(params, dict) or hasattr(params, "keys"):
            self.oheight = params["oheight"]
            self.owidth = params["owidth"]
        else:
            raise ValueError("Parameter should be either scale factor or table {oheight=, owidth=}")
        self.inputSize = LongStorage(4)
        self.outputSize = LongStorage(4)

    def _sizes(self, H, W):
        s = getattr(self, "scale_factor", None)
        if s is not None:
            return (H - 1) * (s - 1) + H, (W - 1) * (s - 1) + W
        return self.oheight, self.owidth

    def updateOutput(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D input tensor")
        H, W = input._size[-2:]
        oH, oW = self._sizes(H, W)
        if oH < 1 or oW < 1:
            raise ValueError(f"{typename(self)}: output size ({oH} x {oW}) should be positive")
        Ah, Aw = _bilinear_matrix(H, oH), _bilinear_matrix(W, oW)
        put(self.output, input._size[:-2] + (oH, oW))[...] = Ah @ input._a @ Aw.T
        return self.output

    def updateGradInput(self, input, gradOutput):
        H, W = input._size[-2:]
        oH, oW = self._sizes(H, W)
        Ah, Aw = _bilinear_matrix(H, oH), _bilinear_matrix(W, oW)
        g = gradOutput._a.reshape(input._size[:-2] + (oH, oW))
        put(self.gradInput, input._size)[...] = Ah.T @ g @ Aw
        return self.gradInput

    def __tostring__(self):
        s = getattr(self, "scale_factor", None)
        if s is not None:
            return f"{typename(self)}({s})"
        return f"{typename(self)}({self.oheight}, {self.owidth})"


class PixelShuffle(Module):
    """Rearranges (C*r*r) x H x W into C x (H*r) x (W*r): channel c*r*r + i*r + j becomes
    the sub-pixel (i, j) of channel c (r = upscaleFactor)."""

    __typename__ = "nn.PixelShuffle"

    def __init__(self, upscaleFactor):
        super().__init__()
        self.upscaleFactor = upscaleFactor
        self.upscaleFactorSquared = upscaleFactor * upscaleFactor

    def _shape(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D input tensor")
        C, H, W = input._size[-3:]
        if C % self.upscaleFactorSquared != 0:
            raise ValueError(f"{typename(self)}: the number of input planes ({C}) must be a multiple "
                             f"of upscaleFactor^2 ({self.upscaleFactorSquared})")
        return input._size[:-3], C // self.upscaleFactorSquared, H, W

    def updateOutput(self, input):
        lead, C, H, W = self._shape(input)
        r = self.upscaleFactor
        x = input._a.reshape((-1, C, r, r, H, W))
        out = put(self.output, lead + (C, H * r, W * r))
        out.reshape(-1, C, H, r, W, r)[...] = x.transpose(0, 1, 4, 2, 5, 3)
        return self.output

    def updateGradInput(self, input, gradOutput):
        _, C, H, W = self._shape(input)
        r = self.upscaleFactor
        g = gradOutput._a.reshape(-1, C, H, r, W, r)
        gi = put(self.gradInput, input._size)
        gi.reshape(-1, C, r, r, H, W)[...] = g.transpose(0, 1, 3, 5, 2, 4)
        return self.gradInput

    def clearState(self):
        for name in ("_intermediateShape", "_outShape", "_shuffleOut"):
            self.__dict__.pop(name, None)
        return Module.clearState(self)
