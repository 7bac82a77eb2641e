"""More spatial layers, Torch7's doc/convolution.md: SpatialSubSampling, SpatialLPPooling,
SpatialConvolutionLocal, SpatialConvolutionMap (with nn.tables), SpatialDepthWiseConvolution,
SpatialDropout, VolumetricDropout, SpatialSoftMax, SpatialLogSoftMax, SpatialClassNLLCriterion.

Each computes on strided window views (spatial.unfold2d) with batched numpy products.
"""

import math

import numpy as np

from .. import torch as _torch
from ..torch import LongTensor, Tensor
from ..torch.classes import typename
from . import utils
from .containers import Sequential
from .criterion import Criterion, weighted_nll_output
from .module import Module, OptionalBias, _bernoulli, _uniform, reset_uniform
from .simple import Power, Sqrt, Square
from .spatial import (
    UnfoldBuffers,
    as_batch,
    check_dim_size,
    check_ndim,
    check_tensor,
    fold2d,
    padded,
    put,
    shape_str,
    unfold2d,
)
from .transfer import LogSoftMax, SoftMax


def _out_size(module, H, W, kH, kW, dH, dW, padH=0, padW=0):
    oH = (H + 2 * padH - kH) // dH + 1
    oW = (W + 2 * padW - kW) // dW + 1
    if H + 2 * padH < kH or W + 2 * padW < kW or oH < 1 or oW < 1:
        raise ValueError(f"{typename(module)}: Given input size: ({H} x {W}). Calculated output size: "
                         f"({max(oH, 0)} x {max(oW, 0)}). Output size is too small "
                         f"(kernel {kW}x{kH}, stride {dW},{dH}, padding {padW},{padH})")
    return oH, oW


class SpatialSubSampling(Module):
    """Sum over kW x kH windows (stride dW, dH) per plane, times a per-plane weight, plus bias."""

    __typename__ = "nn.SpatialSubSampling"

    def __init__(self, nInputPlane, kW, kH, dW=1, dH=1):
        super().__init__()
        self.nInputPlane = nInputPlane
        self.kW, self.kH = kW, kH
        self.dW = 1 if dW is None else dW
        self.dH = 1 if dH is None else dH
        self.weight = Tensor(nInputPlane)
        self.bias = Tensor(nInputPlane)
        self.gradWeight = Tensor(nInputPlane)
        self.gradBias = Tensor(nInputPlane)
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.kW * self.kH, self.weight, self.bias)
        return self

    def _check(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D input tensor")
        d = input.dim()
        check_dim_size(self, input, d, d - 3, self.nInputPlane)
        return _out_size(self, input._size[-2], input._size[-1], self.kH, self.kW, self.dH, self.dW)

    def _sums(self, x, oH, oW):
        s = np.zeros(x.shape[:2] + (oH, oW), dtype=x.dtype)
        for i in range(self.kH):
            for j in range(self.kW):
                s += x[:, :, i:i + self.dH * (oH - 1) + 1:self.dH, j:j + self.dW * (oW - 1) + 1:self.dW]
        return s

    def updateOutput(self, input):
        oH, oW = self._check(input)
        x, _ = as_batch(input, 4)
        s = self._sums(x, oH, oW) * self.weight._a[:, None, None] + self.bias._a[:, None, None]
        put(self.output, input._size[:-2] + (oH, oW))[...] = s.reshape(input._size[:-2] + (oH, oW))
        return self.output

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        oH, oW = self._check(input)
        x, _ = as_batch(input, 4)
        g = gradOutput._a.reshape(x.shape[:2] + (oH, oW)) * self.weight._a[:, None, None]
        gi = np.zeros(x.shape, dtype=x.dtype)
        for i in range(self.kH):
            for j in range(self.kW):
                gi[:, :, i:i + self.dH * (oH - 1) + 1:self.dH, j:j + self.dW * (oW - 1) + 1:self.dW] += g
        put(self.gradInput, input._size)[...] = gi.reshape(input._size)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        oH, oW = self._check(input)
        x, _ = as_batch(input, 4)
        g = gradOutput._a.reshape(x.shape[:2] + (oH, oW))
        self.gradWeight._a[...] += scale * (g * self._sums(x, oH, oW)).sum(axis=(0, 2, 3))
        self.gradBias._a[...] += scale * g.sum(axis=(0, 2, 3))


class SpatialLPPooling(Sequential):
    """p-norm pooling: (sum over the window of x^p)^(1/p), as Torch7's Sequential of
    Power/Square, a fixed SpatialSubSampling (weight 1, bias 0) and Power/Sqrt."""

    __typename__ = "nn.SpatialLPPooling"

    def __init__(self, nInputPlane, pnorm, kW, kH, dW=None, dH=None):
        super().__init__()
        dW = kW if dW is None else dW
        dH = kH if dH is None else dH
        self.kW, self.kH, self.dW, self.dH = kW, kH, dW, dH
        self.add(Square() if pnorm == 2 else Power(pnorm))
        self.add(SpatialSubSampling(nInputPlane, kW, kH, dW, dH))
        self.add(Sqrt() if pnorm == 2 else Power(1 / pnorm))
        self.get(2).bias.zero()
        self.get(2).weight.fill(1)

    # the sub-sampler's weights stay fixed
    def reset(self, stdv=None):
        return self

    def accGradParameters(self, input, gradOutput, scale=1):
        pass

    def accUpdateGradParameters(self, input, gradOutput, lr):
        pass

    def zeroGradParameters(self):
        pass

    def updateParameters(self, learningRate):
        pass


class SpatialConvolutionLocal(UnfoldBuffers, Module):
    """Locally connected layer: a convolution whose kernels differ at every output position
    (weight oH x oW x nOutputPlane x nInputPlane x kH x kW, bias nOutputPlane x oH x oW);
    the input size iW x iH is fixed at construction."""

    __typename__ = "nn.SpatialConvolutionLocal"

    def __init__(self, nInputPlane, nOutputPlane, iW, iH, kW, kH, dW=1, dH=1, padW=0, padH=None):
        super().__init__()
        self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
        self.kW, self.kH = kW, kH
        self.iW, self.iH = iW, iH
        self.dW = 1 if dW is None else dW
        self.dH = 1 if dH is None else dH
        self.padW = 0 if padW is None else padW
        self.padH = self.padW if padH is None else padH
        self.oW = (self.padW * 2 + iW - kW) // self.dW + 1
        self.oH = (self.padH * 2 + iH - kH) // self.dH + 1
        if self.oW < 1 or self.oH < 1:
            raise ValueError("illegal configuration: output width or height less than 1")
        self.weight = Tensor(self.oH, self.oW, nOutputPlane, nInputPlane, kH, kW)
        self.bias = Tensor(nOutputPlane, self.oH, self.oW)
        self.gradWeight = Tensor().resizeAs(self.weight)
        self.gradBias = Tensor().resizeAs(self.bias)
        self.reset()

    def reset(self, stdv=None):
        reset_uniform(stdv, self.kW * self.kH * self.nInputPlane, self.weight, self.bias)
        return self

    def _check(self, input):
        check_tensor(self, input)
        C, iH, iW = self.nInputPlane, self.iH, self.iW
        if input.dim() == 3:
            if input._size != (C, iH, iW):
                s = input._size
                raise ValueError(f"{typename(self)}: Given input size: ({s[0]}x{s[1]}x{s[2]}) inconsistent "
                                 f"with expected input size: ({C}x{iH}x{iW}).")
        elif input.dim() == 4:
            if input._size[1:] != (C, iH, iW):
                s = input._size
                raise ValueError(f"{typename(self)}: Given input size: ({s[0]}x{s[1]}x{s[2]}x{s[3]}) "
                                 f"inconsistent with expected input size: (batchsize x{C}x{iH}x{iW}).")
        else:
            raise ValueError(f"{typename(self)}: 3D or 4D(batch mode) tensor expected, got {shape_str(input)}")

    def _columns(self, input):
        """(oH*oW, C*kH*kW, B) windows of the padded input."""
        x, _ = as_batch(input, 4)
        xp = padded(x, (self.padH, self.padW))
        view = unfold2d(xp, self.kH, self.kW, self.dH, self.dW, self.oH, self.oW)  # (C,kH,kW,B,oH,oW)
        B = x.shape[0]
        return view.transpose(4, 5, 0, 1, 2, 3).reshape(self.oH * self.oW, -1, B)

    def _weights(self):
        return self.weight._a.reshape(self.oH * self.oW, self.nOutputPlane, -1)

    def updateOutput(self, input):
        self._check(input)
        cols = self._columns(input)
        out = np.matmul(self._weights(), cols)  # (L, O, B)
        out = out.transpose(2, 1, 0).reshape(-1, self.nOutputPlane, self.oH, self.oW) + self.bias._a
        shape = input._size[:-3] + (self.nOutputPlane, self.oH, self.oW)
        put(self.output, shape)[...] = out.reshape(shape)
        return self.output

    def _grad(self, gradOutput, B):
        return gradOutput._a.reshape(B, self.nOutputPlane, self.oH * self.oW).transpose(2, 1, 0)  # (L,O,B)

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        self._check(input)
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        gcols = np.matmul(self._weights().transpose(0, 2, 1), self._grad(gradOutput, B))  # (L, K, B)
        gcols = gcols.reshape(self.oH, self.oW, C, self.kH, self.kW, B).transpose(2, 3, 4, 5, 0, 1)
        acc = np.zeros((C, B, H + 2 * self.padH, W + 2 * self.padW), dtype=gcols.dtype)
        fold2d(gcols, acc, self.kH, self.kW, self.dH, self.dW, self.oH, self.oW)
        gi = acc[:, :, self.padH:self.padH + H, self.padW:self.padW + W].transpose(1, 0, 2, 3)
        put(self.gradInput, input._size)[...] = gi.reshape(input._size)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        self._check(input)
        cols = self._columns(input)
        g = self._grad(gradOutput, cols.shape[2])
        gw = np.matmul(g, cols.transpose(0, 2, 1))  # (L, O, K)
        self.gradWeight._a[...] += scale * gw.reshape(self.gradWeight._size)
        self.gradBias._a[...] += scale * g.sum(axis=2).T.reshape(self.gradBias._size)

    def __tostring__(self):
        s = (f"{typename(self)}({self.nInputPlane} -> {self.nOutputPlane}, {self.iW}x{self.iH}, "
             f"{self.kW}x{self.kH}")
        if self.dW != 1 or self.dH != 1 or self.padW != 0 or self.padH != 0:
            s += f", {self.dW},{self.dH}"
        if self.padW != 0 or self.padH != 0:
            s += f", {self.padW},{self.padH}"
        return s + ")"


class tables:
    """Connection tables for SpatialConvolutionMap: rows (input plane, output plane), 1-based."""

    @staticmethod
    def full(nin, nout):
        j, i = np.meshgrid(np.arange(1, nout + 1), np.arange(1, nin + 1), indexing="ij")
        return Tensor(np.stack([i.reshape(-1), j.reshape(-1)], axis=1).astype(np.float64))

    @staticmethod
    def oneToOne(nfeat):
        r = np.arange(1, nfeat + 1, dtype=np.float64)
        return Tensor(np.stack([r, r], axis=1))

    @staticmethod
    def random(nin, nout, nto):
        """Each output plane reads ``nto`` distinct input planes, drawn from torch.randperm
        chunks in Torch7's order."""
        tbl = np.zeros((nto * nout, 2))
        nfi = nin // nto  # distinct chunks of one permutation
        fi = _torch.randperm(nin)._a.copy()
        chunk = 0
        for o in range(nout):  # one row block per output plane
            tbl[o * nto:(o + 1) * nto, 0] = fi[chunk * nto:(chunk + 1) * nto]
            chunk += 1
            if chunk == nfi:
                fi = _torch.randperm(nin)._a.copy()
                chunk = 0
        tbl[:, 1] = np.repeat(np.arange(1, nout + 1), nto)
        return Tensor(tbl)


class SpatialConvolutionMap(Module):
    """Convolution with a sparse connection table: row k of ``connTable`` (input plane, output
    plane) has its own kW x kH kernel ``weight[k]``; output planes sum their connections."""

    __typename__ = "nn.SpatialConvolutionMap"

    def __init__(self, conMatrix, kW, kH, dW=1, dH=1):
        super().__init__()
        self.kW, self.kH = kW, kH
        self.dW = 1 if dW is None else dW
        self.dH = 1 if dH is None else dH
        self.connTable = conMatrix
        self.nInputPlane = int(self.connTable.select(2, 1).max())
        self.nOutputPlane = int(self.connTable.select(2, 2).max())
        n = self.connTable.size(1)
        self.weight = Tensor(n, kH, kW)
        self.bias = Tensor(self.nOutputPlane)
        self.gradWeight = Tensor(n, kH, kW)
        self.gradBias = Tensor(self.nOutputPlane)
        self.reset()

    def reset(self, stdv=None):
        if stdv is not None:
            stdv = stdv * math.sqrt(3)
            _uniform(self.weight, -stdv, stdv)
            _uniform(self.bias, -stdv, stdv)
            return self
        outs = self._conn()[1]
        fan = np.bincount(outs, minlength=self.nOutputPlane)
        # per connection, then per bias entry, in Torch7's order (same RNG stream)
        for k in range(self.weight._size[0]):
            s = 1 / math.sqrt(self.kW * self.kH * fan[outs[k]])
            _uniform(self.weight.select(1, k + 1), -s, s)
        for k in range(self.nOutputPlane):
            s = 1 / math.sqrt(self.kW * self.kH * fan[k])
            self.bias._a[k] = _torch.uniform(-s, s)
        return self

    def _conn(self):
        c = self.connTable._a.astype(np.int64) - 1
        return c[:, 0], c[:, 1]

    def _check(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D(batch mode) tensor")
        d = input.dim()
        if input._size[d - 3] < self.nInputPlane:
            raise ValueError(f"{typename(self)}: invalid number of input planes: {input._size[d - 3]} "
                             f"(the connection table reads {self.nInputPlane})")
        return _out_size(self, input._size[-2], input._size[-1], self.kH, self.kW, self.dH, self.dW)

    def updateOutput(self, input):
        oH, oW = self._check(input)
        x, _ = as_batch(input, 4)
        B = x.shape[0]
        src, dst = self._conn()
        view = unfold2d(x, self.kH, self.kW, self.dH, self.dW, oH, oW)[src]  # (K, kH, kW, B, oH, oW)
        per = np.einsum("kij,kijbyx->kbyx", self.weight._a, view)
        out = np.zeros((self.nOutputPlane, B, oH, oW), dtype=per.dtype)
        np.add.at(out, dst, per)
        out = out.transpose(1, 0, 2, 3) + self.bias._a[:, None, None]
        shape = input._size[:-3] + (self.nOutputPlane, oH, oW)
        put(self.output, shape)[...] = out.reshape(shape)
        return self.output

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        oH, oW = self._check(input)
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        src, dst = self._conn()
        g = gradOutput._a.reshape(B, self.nOutputPlane, oH, oW)[:, dst]  # (B, K, oH, oW)
        gcols = np.einsum("kij,bkyx->kijbyx", self.weight._a, g)
        acc = np.zeros((len(src), B, H, W), dtype=gcols.dtype)
        fold2d(gcols, acc, self.kH, self.kW, self.dH, self.dW, oH, oW)
        gi = np.zeros((C, B, H, W), dtype=acc.dtype)
        np.add.at(gi, src, acc)
        put(self.gradInput, input._size)[...] = gi.transpose(1, 0, 2, 3).reshape(input._size)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        oH, oW = self._check(input)
        x, _ = as_batch(input, 4)
        B = x.shape[0]
        src, dst = self._conn()
        g = gradOutput._a.reshape(B, self.nOutputPlane, oH, oW)
        view = unfold2d(x, self.kH, self.kW, self.dH, self.dW, oH, oW)[src]
        self.gradWeight._a[...] += scale * np.einsum("kijbyx,bkyx->kij", view, g[:, dst])
        self.gradBias._a[...] += scale * g.sum(axis=(0, 2, 3))


class SpatialDepthWiseConvolution(OptionalBias, UnfoldBuffers, Module):
    """Each input plane convolved with ``depthwiseMultiplier`` kernels of its own; output plane
    i*depthwiseMultiplier + k is input plane i with kernel k (weight depthwiseMultiplier x
    nInputPlane*kH*kW, bias depthwiseMultiplier x nInputPlane)."""

    __typename__ = "nn.SpatialDepthWiseConvolution"
    __version = 2

    def __init__(self, nInputPlane, depthwiseMultiplier, kW, kH, dW=1, dH=1, padW=0, padH=None):
        super().__init__()
        self.nInputPlane = nInputPlane
        self.depthwiseMultiplier = depthwiseMultiplier
        self.nOutputPlane = nInputPlane * depthwiseMultiplier
        self.kW, self.kH = kW, kH
        self.dW = 1 if dW is None else dW
        self.dH = 1 if dH is None else dH
        self.padW = 0 if padW is None else padW
        self.padH = self.padW if padH is None else padH
        self.weight = Tensor(depthwiseMultiplier, nInputPlane * kH * kW)
        self.bias = Tensor(depthwiseMultiplier, nInputPlane)
        self.gradWeight = Tensor(depthwiseMultiplier, nInputPlane * kH * kW)
        self.gradBias = Tensor(depthwiseMultiplier, nInputPlane)
        self.reset()

    def _fan_in(self):
        return self.kW * self.kH * self.nInputPlane

    def _check(self, input):
        check_ndim(self, input, (3, 4), "non-empty 3D or 4D input tensor")
        d = input.dim()
        H, W = input._size[-2:]
        oH, oW = (H + 2 * self.padH - self.kH) // self.dH + 1, (W + 2 * self.padW - self.kW) // self.dW + 1
        if oH < 1 or oW < 1:
            raise ValueError(f"{typename(self)}: Given input size: ({self.nInputPlane} x {H} x {W}). "
                             f"Calculated output size: ({self.nOutputPlane} x {oH} x {oW}). "
                             "Output size is too small")
        check_dim_size(self, input, d, d - 3, self.nInputPlane)
        return oH, oW

    def _kernels(self):
        """(C, M, kH*kW): kernel k of input plane i."""
        M, C = self.depthwiseMultiplier, self.nInputPlane
        return self.weight._a.reshape(M, C, -1).transpose(1, 0, 2)

    def _cols(self, input, oH, oW):
        x, _ = as_batch(input, 4)
        xp = padded(x, (self.padH, self.padW))
        view = unfold2d(xp, self.kH, self.kW, self.dH, self.dW, oH, oW)
        return view.reshape(self.nInputPlane, self.kH * self.kW, -1), x.shape  # (C, kHkW, B*L)

    def updateOutput(self, input):
        oH, oW = self._check(input)
        cols, (B, C, _, _) = self._cols(input, oH, oW)
        out = np.matmul(self._kernels(), cols)  # (C, M, B*L)
        out = out.reshape(C, self.depthwiseMultiplier, B, oH, oW).transpose(2, 0, 1, 3, 4)
        if getattr(self, "bias", None) is not None:
            out = out + self.bias._a.T[None, :, :, None, None]
        shape = input._size[:-3] + (self.nOutputPlane, oH, oW)
        put(self.output, shape)[...] = out.reshape(shape)
        return self.output

    def _grad(self, gradOutput, B, oH, oW):
        g = gradOutput._a.reshape(B, self.nInputPlane, self.depthwiseMultiplier, oH, oW)
        return g.transpose(1, 2, 0, 3, 4).reshape(self.nInputPlane, self.depthwiseMultiplier, -1)

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        oH, oW = self._check(input)
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        gcols = np.matmul(self._kernels().transpose(0, 2, 1), self._grad(gradOutput, B, oH, oW))
        acc = np.zeros((C, B, H + 2 * self.padH, W + 2 * self.padW), dtype=gcols.dtype)
        fold2d(gcols.reshape(C, self.kH, self.kW, B, oH, oW), acc, self.kH, self.kW, self.dH, self.dW, oH, oW)
        gi = acc[:, :, self.padH:self.padH + H, self.padW:self.padW + W].transpose(1, 0, 2, 3)
        put(self.gradInput, input._size)[...] = gi.reshape(input._size)
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        oH, oW = self._check(input)
        cols, (B, _, _, _) = self._cols(input, oH, oW)
        g = self._grad(gradOutput, B, oH, oW)  # (C, M, B*L)
        gw = np.matmul(g, cols.transpose(0, 2, 1))  # (C, M, kHkW)
        self.gradWeight._a[...] += scale * gw.transpose(1, 0, 2).reshape(self.gradWeight._size)
        if getattr(self, "bias", None) is not None and getattr(self, "gradBias", None) is not None:
            self.gradBias._a[...] += scale * g.sum(axis=2).T

    def __tostring__(self):
        s = f"{typename(self)}({self.nInputPlane} -> {self.depthwiseMultiplier}, {self.kW}x{self.kH}"
        if self.dW != 1 or self.dH != 1 or self.padW != 0 or self.padH != 0:
            s += f", {self.dW},{self.dH}"
        if self.padW != 0 or self.padH != 0:
            s += f", {self.padW},{self.padH}"
        return s + (")" if getattr(self, "bias", None) is not None else ") without bias")


class SpatialDropout(Module):
    """Drops whole feature maps with probability p while training (kept maps pass unscaled);
    evaluation multiplies by 1 - p."""

    __typename__ = "nn.SpatialDropout"
    _noise_dims = 4
    _what = "Input must be 4D (nbatch, nfeat, h, w) or 3D (nfeat, h, w)"

    def __init__(self, p=0.5, stochasticInference=False):
        super().__init__()
        self.p = 0.5 if p is None else p
        self.train = True
        self.stochastic_inference = stochasticInference or False
        self.noise = Tensor()

    def _noise_shape(self, input):
        d = input.dim()
        if d == self._noise_dims:
            return input._size[:2] + (1,) * (d - 2)
        if d == self._noise_dims - 1:
            return input._size[:1] + (1,) * (d - 1)
        raise ValueError(f"{typename(self)}: {self._what}, got {shape_str(input)}")

    def updateOutput(self, input):
        check_tensor(self, input)
        out = put(self.output, input._size)
        if self.train or self.stochastic_inference:
            shape = self._noise_shape(input)
            self.noise.resize(shape)
            _bernoulli(self.noise, 1 - self.p)
            np.multiply(input._a, self.noise._a, out=out)
        else:
            np.multiply(input._a, 1 - self.p, out=out)
        return self.output

    def updateGradInput(self, input, gradOutput):
        if not self.train:
            raise ValueError(f"{typename(self)}: backprop only defined while training")
        put(self.gradInput, gradOutput._size)[...] = gradOutput._a * self.noise._a.reshape(
            self._noise_shape(input))
        return self.gradInput

    def setp(self, p):
        self.p = p

    def clearState(self):
        utils.clear(self, "noise")
        return Module.clearState(self)

    def __tostring__(self):
        return f"{typename(self)}({self.p:f})"


class VolumetricDropout(SpatialDropout):
    """SpatialDropout for volumes: drops whole (T x H x W) feature maps."""

    __typename__ = "nn.VolumetricDropout"
    _noise_dims = 5
    _what = "Input must be 5D (nbatch, nfeat, t, h, w) or 4D (nfeat, t, h, w)"


class SpatialSoftMax(SoftMax):
    """SoftMax over the planes, at every pixel (3-D or 4-D input)."""

    __typename__ = "nn.SpatialSoftMax"


class SpatialLogSoftMax(LogSoftMax):
    """LogSoftMax over the planes, at every pixel (3-D or 4-D input)."""

    __typename__ = "nn.SpatialLogSoftMax"


class SpatialClassNLLCriterion(Criterion):
    """ClassNLLCriterion at every pixel: input B x C x H x W log-probabilities, target
    B x H x W classes (1-based), optional per-class weights, averaged when sizeAverage."""

    __typename__ = "nn.SpatialClassNLLCriterion"

    def __init__(self, weights=None, sizeAverage=True):
        super().__init__()
        self.sizeAverage = True if sizeAverage is None else sizeAverage
        if weights is not None:
            if weights.dim() != 1:
                raise ValueError("weights tensor should be 1D")
            self.weights = weights
        self.output_tensor = Tensor(1).zero()
        self.total_weight_tensor = Tensor(1).fill(1)
        self.target = LongTensor()

    def _parts(self, input, target):
        check_tensor(self, input)
        if input.dim() != 4:
            raise ValueError(f"{typename(self)}: only batches of spatial inputs supported (4D tensors), "
                             f"but got input of dimension: {input.dim()}")
        if not isinstance(target, Tensor) or target.dim() != 3:
            d = target.dim() if isinstance(target, Tensor) else type(target).__name__
            raise ValueError(f"{typename(self)}: only batches of spatial targets supported (3D tensors) "
                             f"but got targets of dimension: {d}")
        B, C, H, W = input._size
        if target._size != (B, H, W):
            raise ValueError(f"{typename(self)}: input {shape_str(input)} and target {shape_str(target)} "
                             "should be of same shape")
        t = target._a.astype(np.int64) - 1
        if t.size and (t.min() < 0 or t.max() >= C):
            bad = int(t[(t < 0) | (t >= C)].reshape(-1)[0]) + 1
            raise IndexError(f"{typename(self)}: target {bad} out of range (input has {C} classes)")
        w = getattr(self, "weights", None)
        wt = np.ones(t.shape) if w is None else w._a[t]
        return t, wt

    def updateOutput(self, input, target):
        t, wt = self._parts(input, target)
        picked = np.take_along_axis(input._a, t[:, None], axis=1)[:, 0]
        total = float(wt.sum())
        out = -float((picked * wt).sum())
        return weighted_nll_output(self, out, total)

    def updateGradInput(self, input, target):
        t, wt = self._parts(input, target)
        total = float(wt.sum())
        g = put(self.gradInput, input._size)
        g[...] = 0
        val = -wt / total if (self.sizeAverage and total != 0) else -wt
        np.put_along_axis(g, t[:, None], val[:, None], axis=1)
        return self.gradInput


class Collapse(Module):
    """Views all non-batch dimensions as one: an input of more than ``nInputDim`` dimensions
    keeps its first (batch) dimension; the output shares the input's storage."""

    __typename__ = "nn.Collapse"

    def __init__(self, nInputDim):
        super().__init__()
        self.nInputDim = nInputDim

    def updateOutput(self, input):
        check_tensor(self, input)
        if not input.isContiguous():
            if getattr(self, "_input", None) is None:
                self._input = input.new()
            self._input.resize(input._size).copy(input)
            input = self._input
        if input.dim() > self.nInputDim:
            self.output = input.view(input._size[0], -1)
        else:
            self.output = input.view(-1)
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = gradOutput.contiguous().view(*input._size)
        return self.gradInput

    def clearState(self):
        self.__dict__.pop("_input", None)
        return self
