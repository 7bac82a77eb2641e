"""Normalisation layers: BatchNormalization and its Spatial/Volumetric forms (Torch7's
BatchNormalization.lua over THNN's BatchNormalization.c), SpatialCrossMapLRN.

BatchNormalization statistics are per feature (dimension 2 of a mini-batch) over every other
dimension. While training, ``save_mean`` and ``save_std`` (the inverse standard deviation, as
THNN keeps it) hold the batch statistics that backward uses, and ``running_mean``/
``running_var`` move towards the batch's mean and unbiased variance by ``momentum``.
"""

import numpy as np

from ..torch import Tensor
from ..torch.classes import typename
from . import utils
from .module import Module, _uniform
from .spatial import check_ndim, check_tensor, put


class BatchNormalization(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, per feature of a mini-batch
    (nOutput features, inputs of ``nDim`` dimensions; one dimension less only while evaluating)."""

    __typename__ = "nn.BatchNormalization"
    __version = 2
    nDim = 2

    def __init__(self, nOutput, eps=None, momentum=None, affine=None):
        super().__init__()
        if not isinstance(nOutput, (int, float)) or isinstance(nOutput, bool):
            raise TypeError("Missing argument #1: dimensionality of input. ")
        if nOutput == 0:
            raise ValueError("To set affine=false call BatchNormalization(nOutput,  eps, momentum, false) ")
        if affine is not None:
            if not isinstance(affine, bool):
                raise ValueError("affine has to be true/false")
            self.affine = affine
        else:
            self.affine = True
        self.eps = 1e-5 if eps is None else eps
        self.train = True
        self.momentum = 0.1 if momentum is None else momentum
        self.running_mean = Tensor(int(nOutput)).zero()
        self.running_var = Tensor(int(nOutput)).fill(1)
        if self.affine:
            self.weight = Tensor(int(nOutput))
            self.bias = Tensor(int(nOutput))
            self.gradWeight = Tensor(int(nOutput))
            self.gradBias = Tensor(int(nOutput))
            self.reset()

    def reset(self, stdv=None):
        if getattr(self, "weight", None) is not None:
            _uniform(self.weight, 0, 1)
        if getattr(self, "bias", None) is not None:
            self.bias.zero()
        self.running_mean.zero()
        self.running_var.fill(1)
        return self

    def checkInputDim(self, input):
        check_tensor(self, input)
        idim = input.dim()
        if not (idim == self.nDim or (idim == self.nDim - 1 and self.train is False)):
            raise ValueError(f"{typename(self)}: only mini-batch supported ({self.nDim}D tensor), "
                             f"got {idim}D tensor instead")
        feat = 0 if idim == self.nDim - 1 else 1
        n = self.running_mean.nElement()
        if input._size[feat] != n:
            raise ValueError(f"{typename(self)}: got {input._size[feat]}-feature tensor, expected {n}")

    def _batched(self, input):
        """(B, C, rest) numpy view and the batched Torch shape (a leading 1 while evaluating a
        single sample, which Torch7's output keeps)."""
        shape = input._size if input.dim() == self.nDim else (1,) + input._size
        return input._a.reshape(shape[0], shape[1], -1), shape

    def updateOutput(self, input):
        self.checkInputDim(input)
        x, shape = self._batched(input)
        n_feat = shape[1]
        if getattr(self, "save_mean", None) is None:
            self.save_mean = input.new()
        if getattr(self, "save_std", None) is None:
            self.save_std = input.new()
        save_mean = put(self.save_mean, (n_feat,))
        save_std = put(self.save_std, (n_feat,))
        if self.train:
            n = x.shape[0] * x.shape[2]
            mean = x.mean(axis=(0, 2))
            centered = x - mean[:, None]
            ssq = np.einsum("bcr,bcr->c", centered, centered)
            with np.errstate(divide="ignore"):
                invstd = np.where((ssq == 0) & (self.eps == 0), 0.0, 1.0 / np.sqrt(ssq / n + self.eps))
            save_mean[...] = mean
            save_std[...] = invstd
            rm, rv = self.running_mean._a, self.running_var._a
            rm[...] = self.momentum * mean + (1 - self.momentum) * rm
            unbiased = ssq / (n - 1) if n > 1 else np.full_like(ssq, np.inf)
            rv[...] = self.momentum * unbiased + (1 - self.momentum) * rv
        else:
            mean = self.running_mean._a
            invstd = 1.0 / np.sqrt(self.running_var._a + self.eps)
            centered = x - mean[:, None]
        scale = invstd
        if getattr(self, "weight", None) is not None:
            scale = scale * self.weight._a
        y = centered * scale[:, None]
        if getattr(self, "bias", None) is not None:
            y += self.bias._a[:, None]
        put(self.output, shape)[...] = y.reshape(shape)
        return self.output

    def _backward(self, input, gradOutput, scale, gradInput, gradWeight, gradBias):
        self.checkInputDim(input)
        self.checkInputDim(gradOutput)
        if getattr(self, "save_mean", None) is None or getattr(self, "save_std", None) is None:
            raise ValueError(f"{typename(self)}: must call :updateOutput() first")
        scale = 1 if scale is None else scale
        x, shape = self._batched(input)
        g = gradOutput._a.reshape(x.shape)
        if self.train:
            mean, invstd = self.save_mean._a, self.save_std._a
        else:
            mean = self.running_mean._a
            invstd = 1.0 / np.sqrt(self.running_var._a + self.eps)
        w = self.weight._a if getattr(self, "weight", None) is not None else 1.0
        n = x.shape[0] * x.shape[2]
        centered = x - mean[:, None]
        gsum = g.sum(axis=(0, 2))
        dotp = np.einsum("bcr,bcr->c", centered, g)
        if gradInput is not None:
            if self.train:
                k = dotp * invstd * invstd / n
                gi = (g - (gsum / n)[:, None] - centered * k[:, None]) * (invstd * w)[:, None]
            else:
                gi = g * (invstd * w)[:, None]
            put(gradInput, shape)[...] = gi.reshape(shape)
        if gradWeight is not None and getattr(self, "weight", None) is not None:
            gradWeight._a[...] += scale * dotp * invstd
        if gradBias is not None and getattr(self, "bias", None) is not None:
            gradBias._a[...] += scale * gsum
        return self.gradInput

    def backward(self, input, gradOutput, scale=1):
        return self._backward(input, gradOutput, scale, self.gradInput,
                              getattr(self, "gradWeight", None), getattr(self, "gradBias", None))

    def updateGradInput(self, input, gradOutput):
        return self._backward(input, gradOutput, 1, self.gradInput, None, None)

    def accGradParameters(self, input, gradOutput, scale=1):
        self._backward(input, gradOutput, scale, None, getattr(self, "gradWeight", None),
                       getattr(self, "gradBias", None))

    def clearState(self):
        utils.clear(self, "buffer", "buffer2", "centered", "std", "normalized", "_input",
                    "_gradOutput", "save_mean", "save_std")
        return Module.clearState(self)

    def __tostring__(self):
        return f"{typename(self)} ({self.nDim}D) ({self.running_mean.nElement()})"


class SpatialBatchNormalization(BatchNormalization):
    """BatchNormalization per plane of B x C x H x W batches (statistics over B, H, W)."""

    __typename__ = "nn.SpatialBatchNormalization"
    nDim = 4


class VolumetricBatchNormalization(BatchNormalization):
    """BatchNormalization per plane of B x C x T x H x W batches."""

    __typename__ = "nn.VolumetricBatchNormalization"
    nDim = 5


class SpatialCrossMapLRN(Module):
    """Local response normalisation across ``size`` neighbouring planes:
    y = x / (k + alpha/size * sum of x^2 over the neighbouring planes)^beta."""

    __typename__ = "nn.SpatialCrossMapLRN"

    def __init__(self, size, alpha=0.0001, beta=0.75, k=1):
        super().__init__()
        self.size = size
        self.alpha = 0.0001 if alpha is None else alpha
        self.beta = 0.75 if beta is None else beta
        self.k = 1 if k is None else k

    def _window_sums(self, sq):
        """Sum of sq (B, C, ...) over planes c - pre .. c + post (clipped), pre = (size-1)//2."""
        C = sq.shape[1]
        pre = (self.size - 1) // 2
        post = self.size - pre - 1
        csum = np.zeros((sq.shape[0], C + 1) + sq.shape[2:], dtype=sq.dtype)
        np.cumsum(sq, axis=1, out=csum[:, 1:])
        hi = np.minimum(np.arange(C) + post + 1, C)
        lo = np.maximum(np.arange(C) - pre, 0)
        return csum[:, hi] - csum[:, lo]

    def updateOutput(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D input tensor")
        x = input._a if input.dim() == 4 else input._a[None]
        self.scale = getattr(self, "scale", None) or input.new()
        scale = self.k + (self.alpha / self.size) * self._window_sums(x * x)
        put(self.scale, input._size)[...] = scale.reshape(input._size)
        put(self.output, input._size)[...] = (x * scale ** -self.beta).reshape(input._size)
        return self.output

    def updateGradInput(self, input, gradOutput):
        x = input._a if input.dim() == 4 else input._a[None]
        g = gradOutput._a.reshape(x.shape)
        scale = self.scale._a.reshape(x.shape)
        out = self.output._a.reshape(x.shape)
        # d/dx_c of sum_j g_j x_j s_j^-beta: own term, plus the window terms through s_j,
        # summed over the planes j whose window holds c (the window reversed: post before, pre after)
        ratio = g * out / scale
        pre = (self.size - 1) // 2
        post = self.size - pre - 1
        C = x.shape[1]
        csum = np.zeros((x.shape[0], C + 1) + x.shape[2:], dtype=x.dtype)
        np.cumsum(ratio, axis=1, out=csum[:, 1:])
        hi = np.minimum(np.arange(C) + pre + 1, C)
        lo = np.maximum(np.arange(C) - post, 0)
        acc = csum[:, hi] - csum[:, lo]
        gi = g * scale ** -self.beta - (2 * self.alpha * self.beta / self.size) * x * acc
        put(self.gradInput, input._size)[...] = gi.reshape(input._size)
        return self.gradInput

    def clearState(self):
        utils.clear(self, "scale", "paddedRatio", "accumRatio")
        return Module.clearState(self)
