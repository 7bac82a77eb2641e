"""Normalisation layers: BatchNormalization and its Spatial/Volumetric forms (Torch7's
BatchNormalization.lua over THNN's BatchNormalization.c), SpatialCrossMapLRN.

BatchNormalization statistics are per feature (dimension 2 of a mini-batch) over every other
dimension. While training, ``save_mean`` and ``save_std`` (the inverse standard deviation, as
THNN keeps it) hold the batch statistics that backward uses, and ``running_mean``/
``running_var`` move towards the batch's mean and unbiased variance by ``momentum``.
"""

import math

import numpy as np

from ..torch import Tensor
from ..torch.classes import typename
from . import utils
from .containers import Container
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


# --- local contrast normalisation (Torch7 builds these from other modules; so do we, so that
# construction draws the same random numbers and the fields are Torch7's) ----------------------
def _check_kernel(name, kernel):
    kdim = kernel.dim()
    if kdim not in (1, 2):
        raise ValueError(f"<{name}> averaging kernel must be 2D or 1D")
    if kernel.size(1) % 2 == 0 or (kdim == 2 and kernel.size(2) % 2 == 0):
        raise ValueError(f"<{name}> averaging kernel must have ODD dimensions")
    padH = kernel.size(1) // 2
    padW = kernel.size(2) // 2 if kdim == 2 else padH
    return kdim, padW, padH


def _local_estimator(nInputPlane, kernel, kdim, padW, padH, squared=False):
    """Sequential computing the kernel-weighted sum over planes and neighbourhood, replicated
    over the planes: [Square,] ZeroPadding, SpatialConvolution(nInputPlane -> 1) (or a
    separable ConvolutionMap + Convolution for 1-D kernels), Replicate."""
    from .containers import Sequential
    from .padding import SpatialZeroPadding
    from .simple import Replicate, Square
    from .spatial import SpatialConvolution
    from .spatial_misc import SpatialConvolutionMap, tables

    seq = Sequential()
    if squared:
        seq.add(Square())
    seq.add(SpatialZeroPadding(padW, padW, padH, padH))
    if kdim == 2:
        seq.add(SpatialConvolution(nInputPlane, 1, kernel.size(2), kernel.size(1)))
    else:
        seq.add(SpatialConvolutionMap(tables.oneToOne(nInputPlane), kernel.size(1), 1))
        seq.add(SpatialConvolution(nInputPlane, 1, 1, kernel.size(1)))
    seq.add(Replicate(nInputPlane, 1, 3))
    return seq


def _set_kernels(seq, first, kernel, kdim, nInputPlane):
    """Load the (normalised) kernel into the estimator's convolutions, zero biases."""
    k = kernel._a
    if kdim == 2:
        conv = seq.modules[first]
        conv.weight._a[0, :] = k
        conv.bias.zero()
    else:
        cmap, conv = seq.modules[first], seq.modules[first + 1]
        cmap.weight._a[:] = k.reshape(1, 1, -1)
        conv.weight._a[0, :] = k.reshape(-1, 1)
        cmap.bias.zero()
        conv.bias.zero()


def _border_coefficients(self, input, estimator_output_like):
    """The estimator's response to an image of ones (corrects for the zero border), expanded
    over the batch in batch mode; recomputed when the image size changes."""
    dim = input.dim()
    coef = getattr(self, "coef", None)
    if (estimator_output_like.dim() != coef.dim() or input._size[-1] != coef._size[-1]
            or input._size[-2] != coef._size[-2]):
        if getattr(self, "ones", None) is None:
            self.ones = input.new()
        if getattr(self, "_coef", None) is None:
            self._coef = input.new()
        if dim == 4:
            self.ones.resize(input._size[1:]).fill(1)
            c = self.meanestimator.updateOutput(self.ones)
            self._coef.resizeAs(c).copy(c)
            size = [input._size[0]] + list(self._coef._size)
            self.coef = self._coef.view(1, *self._coef._size).expand(*size)
        else:
            self.ones.resizeAs(input).fill(1)
            c = self.meanestimator.updateOutput(self.ones)
            self._coef.resizeAs(c).copy(c)
            self.coef = self._coef
    return self.coef


class SpatialSubtractiveNormalization(Module):
    """Subtracts from every pixel the kernel-weighted mean of its neighbourhood over all planes
    (kernel default 9x9 ones, normalised; borders corrected by the mean of an all-ones image)."""

    __typename__ = "nn.SpatialSubtractiveNormalization"

    def __init__(self, nInputPlane=1, kernel=None):
        super().__init__()
        from .table import CDivTable, CSubTable

        self.nInputPlane = 1 if nInputPlane is None else nInputPlane
        self.kernel = Tensor(9, 9).fill(1) if kernel is None else kernel
        kdim, padW, padH = _check_kernel("SpatialSubtractiveNormalization", self.kernel)
        self.kernel.div(float(self.kernel._a.sum()) * self.nInputPlane)
        self.meanestimator = _local_estimator(self.nInputPlane, self.kernel, kdim, padW, padH)
        _set_kernels(self.meanestimator, 1, self.kernel, kdim, self.nInputPlane)
        self.subtractor = CSubTable()
        self.divider = CDivTable()
        self.coef = Tensor(1, 1, 1)

    def updateOutput(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D input tensor")
        probe = Tensor(*((1,) * (input.dim() + 1)))
        coef = _border_coefficients(self, input, probe)
        self.localsums = self.meanestimator.updateOutput(input)
        self.adjustedsums = self.divider.updateOutput([self.localsums, coef])
        self.output = self.subtractor.updateOutput([input, self.adjustedsums])
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput.resizeAs(input).zero()
        gradsub = self.subtractor.updateGradInput([input, self.adjustedsums], gradOutput)
        graddiv = self.divider.updateGradInput([self.localsums, self.coef], gradsub[1])
        self.gradInput.add(self.meanestimator.updateGradInput(input, graddiv[0]))
        self.gradInput.add(gradsub[0])
        return self.gradInput

    def clearState(self):
        utils.clear(self, "ones", "_coef")
        self.meanestimator.clearState()
        return Module.clearState(self)


class SpatialDivisiveNormalization(Module):
    """Divides every pixel by the kernel-weighted standard deviation of its neighbourhood over
    all planes, floored by ``threshold`` (values below become ``thresval``)."""

    __typename__ = "nn.SpatialDivisiveNormalization"

    def __init__(self, nInputPlane=1, kernel=None, threshold=None, thresval=None):
        super().__init__()
        from .simple import Sqrt
        from .table import CDivTable
        from .transfer import Threshold

        self.nInputPlane = 1 if nInputPlane is None else nInputPlane
        self.kernel = Tensor(9, 9).fill(1) if kernel is None else kernel
        self.threshold = 1e-4 if threshold is None else threshold
        self.thresval = thresval if thresval is not None else (threshold if threshold is not None else 1e-4)
        kdim, padW, padH = _check_kernel("SpatialDivisiveNormalization", self.kernel)
        self.meanestimator = _local_estimator(self.nInputPlane, self.kernel, kdim, padW, padH)
        self.stdestimator = _local_estimator(self.nInputPlane, self.kernel, kdim, padW, padH, squared=True)
        self.stdestimator.add(Sqrt())
        if kdim == 2:
            self.kernel.div(float(self.kernel._a.sum()) * self.nInputPlane)
        else:
            self.kernel.div(float(self.kernel._a.sum()) * math.sqrt(self.nInputPlane))
        _set_kernels(self.meanestimator, 1, self.kernel, kdim, self.nInputPlane)
        _set_kernels(self.stdestimator, 2, self.kernel, kdim, self.nInputPlane)
        self.normalizer = CDivTable()
        self.divider = CDivTable()
        self.thresholder = Threshold(self.threshold, self.thresval)
        self.coef = Tensor(1, 1, 1)

    def updateOutput(self, input):
        check_ndim(self, input, (3, 4), "3D or 4D input tensor")
        self.localstds = self.stdestimator.updateOutput(input)
        coef = _border_coefficients(self, input, self.localstds)
        self.adjustedstds = self.divider.updateOutput([self.localstds, coef])
        self.thresholdedstds = self.thresholder.updateOutput(self.adjustedstds)
        self.output = self.normalizer.updateOutput([input, self.thresholdedstds])
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput.resizeAs(input).zero()
        gradnorm = self.normalizer.updateGradInput([input, self.thresholdedstds], gradOutput)
        gradadj = self.thresholder.updateGradInput(self.adjustedstds, gradnorm[1])
        graddiv = self.divider.updateGradInput([self.localstds, self.coef], gradadj)
        self.gradInput.add(self.stdestimator.updateGradInput(input, graddiv[0]))
        self.gradInput.add(gradnorm[0])
        return self.gradInput

    def clearState(self):
        utils.clear(self, "ones", "_coef")
        self.meanestimator.clearState()
        self.stdestimator.clearState()
        return Module.clearState(self)


class SpatialContrastiveNormalization(Module):
    """SpatialSubtractiveNormalization followed by SpatialDivisiveNormalization."""

    __typename__ = "nn.SpatialContrastiveNormalization"

    def __init__(self, nInputPlane=1, kernel=None, threshold=None, thresval=None):
        super().__init__()
        from .containers import Sequential

        self.nInputPlane = 1 if nInputPlane is None else nInputPlane
        self.kernel = Tensor(9, 9).fill(1) if kernel is None else kernel
        self.threshold = 1e-4 if threshold is None else threshold
        self.thresval = thresval if thresval is not None else (threshold if threshold is not None else 1e-4)
        _check_kernel("SpatialContrastiveNormalization", self.kernel)
        self.normalizer = Sequential()
        self.normalizer.add(SpatialSubtractiveNormalization(self.nInputPlane, self.kernel))
        self.normalizer.add(SpatialDivisiveNormalization(self.nInputPlane, self.kernel, self.threshold,
                                                         self.thresval))

    def updateOutput(self, input):
        self.output = self.normalizer.forward(input)
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = self.normalizer.backward(input, gradOutput)
        return self.gradInput


class WeightNorm(Container):
    """Weight normalisation of a wrapped module: its weight is recomputed on every forward as
    g * v / ||v|| (norm over all dimensions but ``outputDim``); v, g (and the module's bias)
    are the parameters."""

    __typename__ = "nn.WeightNorm"

    def __init__(self, module, outputDim=1):
        super().__init__()
        if getattr(module, "weight", None) is None:
            raise ValueError("nn.WeightNorm: the wrapped module has no weight")
        if getattr(module, "bias", None) is not None:
            self.bias = module.bias
            self.gradBias = module.gradBias
        self.gradWeight = module.gradWeight
        self.weight = module.weight
        self.outputDim = 1 if outputDim is None else outputDim
        size = list(self.weight._size)
        n_out = size[self.outputDim - 1]
        self.otherDims = int(np.prod(size)) // n_out
        from ..torch.storage import LongStorage

        self.viewIn = LongStorage([n_out, self.otherDims])
        order = [size[self.outputDim - 1]] + size[:self.outputDim - 1] + size[self.outputDim:]
        self.viewOut = LongStorage(order)
        self.v = Tensor(n_out, self.otherDims)
        self.g = Tensor(n_out)
        self._norm = Tensor(n_out)
        self._scale = Tensor(n_out)
        self.gradG = Tensor(n_out).zero()
        self.gradV = Tensor(n_out, self.otherDims)
        self.modules.append(module)
        self.resetInit()

    def _to_rows(self, a):
        """The weight's layout to (n_out, otherDims): outputDim first."""
        return np.moveaxis(a, self.outputDim - 1, 0).reshape(self.viewIn[1], self.viewIn[2])

    def _from_rows(self, rows):
        out = rows.reshape(tuple(int(s) for s in self.viewOut))
        return np.moveaxis(out, 0, self.outputDim - 1)

    def resetInit(self, inputSize=None, outputSize=None):
        from .module import _normal

        _normal(self.v, 0, math.sqrt(2 / self.viewIn[2]))
        self.g._a[...] = np.sqrt((self.v._a ** 2).sum(axis=1))
        if getattr(self, "bias", None) is not None:
            self.bias.zero()

    def updateOutput(self, input):
        v = self.v._a
        self._norm._a[...] = np.sqrt((v ** 2).sum(axis=1) + 10e-5)
        self._scale._a[...] = self.g._a / self._norm._a
        self.weight._a[...] = self._from_rows(v * self._scale._a[:, None])
        self.output.set(self.modules[0].updateOutput(input))
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput.set(self.modules[0].updateGradInput(input, gradOutput))
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        self.modules[0].accGradParameters(input, gradOutput, scale)
        gw = self._to_rows(self.gradWeight._a)  # accumulated dL/dw
        v, norm, sc = self.v._a, self._norm._a[:, None], self._scale._a[:, None]
        self.gradG._a[...] = (gw * v / norm).sum(axis=1)
        self.gradV._a[...] = gw * sc - (v * sc / norm) * self.gradG._a[:, None]

    def zeroGradParameters(self):
        self.modules[0].zeroGradParameters()
        self.gradV.zero()
        self.gradG.zero()

    def updateParameters(self, learningRate):
        self.modules[0].updateParameters(learningRate)
        self.g._a[...] -= learningRate * self.gradG._a
        self.v._a[...] -= learningRate * self.gradV._a

    def parameters(self):
        if getattr(self, "bias", None) is not None:
            return [self.v, self.g, self.bias], [self.gradV, self.gradG, self.gradBias]
        return [self.v, self.g], [self.gradV, self.gradG]

    def __tostring__(self):
        return f"nn.WeightNorm [{self.modules[0]}]"
