"""Spatial (2-D) convolutions, Torch7's doc/convolution.md: SpatialConvolution (and its MM
alias), SpatialDilatedConvolution, SpatialFullConvolution.

Convolution works as THNN's SpatialConvolutionMM: the input is unfolded ("im2col") into a
column matrix with numpy stride tricks, then one BLAS product per call does the work. The
column matrix lives in ``finput`` (Torch7's field): for a batch, the batch is worked through in
slices small enough for the columns to stay in cache (a large speed-up over one huge product),
so finput holds the columns of one slice, Torch shape step x nInputPlane*kH*kW x oH*oW (without
the first dimension for a single image), its memory laid out so a slice is one matrix operand.
"""


import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..torch import Tensor
from ..torch.classes import typename
from ..torch.storage import LongStorage
from . import utils
from .module import Module, OptionalBias

# --- shared helpers (also used by pooling, temporal, volumetric) --------------------------
# Elements of unfolded columns worked on at a time: the batch is cut into slices whose columns
# (512 KiB of doubles) stay in cache between the unfold and the matrix product that reads them.
CACHE_ELEMENTS = 1 << 16


def shape_str(t):
    """THNN's description of a tensor's shape: ``[2 x 3 x 4]`` (``[]`` when empty)."""
    return "[" + " x ".join(str(s) for s in t._size) + "]"


def check_tensor(module, input, arg="input"):
    if not isinstance(input, Tensor):
        raise TypeError(f"{typename(module)}: expected a Tensor as {arg}, got {type(input).__name__}")


def check_ndim(module, input, allowed, what):
    """THNN_ARGCHECK on the input's dimensionality, with THNN's message."""
    check_tensor(module, input)
    if input.dim() not in allowed:
        raise ValueError(f"{typename(module)}: {what} expected but got: {shape_str(input)}")


def check_dim_size(module, input, ndim, dim, size, name="input"):
    """THNN_CHECK_DIM_SIZE (``dim`` 0-based, as THNN prints it)."""
    if input.dim() != ndim or input._size[dim] != size:
        raise ValueError(f"{typename(module)}: Need {name} of dimension {ndim} and {name}.size[{dim}] "
                         f"== {size} but got {name} to be of shape: {shape_str(input)}")


def put(buf, shape):
    """Resize ``buf`` to ``shape`` (keeping its storage when it is large enough) and return its
    numpy view."""
    buf.resize(tuple(int(s) for s in shape))
    return buf._a


def scatter_grad(gradInput, input, planes, positions, gradOutput):
    """Max pooling's backward: gradInput, shaped like input, gets each gradOutput element added
    at its 0-based flat position (``positions``, one row per plane) within its input plane."""
    n = input.nElement()
    where = positions.reshape(planes, -1) + np.arange(planes).reshape(planes, 1) * (n // max(planes, 1))
    gi = np.bincount(where.reshape(-1), weights=gradOutput._a.reshape(-1), minlength=n)
    put(gradInput, input._size)[...] = gi.reshape(input._size)
    return gradInput


def laid_out(t, layout, perm):
    """Point tensor ``t`` at a contiguous block of memory shaped ``layout`` and give ``t`` the
    Torch shape ``[layout[p] for p in perm]`` (a transposed view); returns the block as numpy.

    Lets a buffer keep Torch7's shape while its memory is ordered for one big matrix product."""
    layout = tuple(int(s) for s in layout)
    n = int(np.prod(layout))
    if t._storage is None or t._storage.size() < n or t._offset != 0:
        t.set()
        t.resize(n)
    strides = [1] * len(layout)
    for i in range(len(layout) - 2, -1, -1):
        strides[i] = strides[i + 1] * layout[i + 1]
    size = [layout[p] for p in perm]
    stride = [strides[p] for p in perm]
    if tuple(size) != t._size or tuple(stride) != t._stride:
        t.set(t._storage, 1, LongStorage(size), LongStorage(stride))
    return t._storage.data[:n].reshape(layout)


def padded(x, pads, fill=0.0, extra=None):
    """``x`` (..., H, W[, ...]) with ``pads[i]`` cells of ``fill`` before and after each of the
    trailing len(pads) axes (plus ``extra[i]`` more after); returns ``x`` itself when no pad."""
    extra = extra or (0,) * len(pads)
    if not any(pads) and not any(extra):
        return x
    lead = x.ndim - len(pads)
    shape = x.shape[:lead] + tuple(s + 2 * p + e for s, p, e in zip(x.shape[lead:], pads, extra, strict=True))
    out = np.full(shape, fill, dtype=x.dtype)
    out[(Ellipsis,) + tuple(slice(p, p + s) for p, s in zip(pads, x.shape[lead:], strict=True))] = x
    return out


def unfold2d(x, kH, kW, dH, dW, oH, oW, dilH=1, dilW=1):
    """Strided window view of a padded batch ``x`` (B, C, Hp, Wp): shape (C, kH, kW, B, oH, oW),
    element [c, i, j, b, y, z] = x[b, c, y*dH + i*dilH, z*dW + j*dilW]. No copy."""
    sB, sC, sH, sW = x.strides
    B, C = x.shape[:2]
    return as_strided(x, (C, kH, kW, B, oH, oW),
                      (sC, sH * dilH, sW * dilW, sB, sH * dH, sW * dW), writeable=False)


def fold2d(cols, out, kH, kW, dH, dW, oH, oW, dilH=1, dilW=1):
    """Adjoint of unfold2d: add cols (C, kH, kW, B, oH, oW) into ``out`` (C, B, Hp, Wp), one
    strided add per kernel offset (kH*kW numpy calls, independent of image and channel counts)."""
    for i in range(kH):
        y0 = i * dilH
        for j in range(kW):
            x0 = j * dilW
            out[:, :, y0:y0 + dH * (oH - 1) + 1:dH, x0:x0 + dW * (oW - 1) + 1:dW] += cols[:, i, j]
    return out


def as_batch(input, ndim):
    """(numpy view with a leading batch axis, whether the input had one)."""
    a = input._a
    if input.dim() == ndim:
        return a, True
    return a[None], False


# --- convolutions -------------------------------------------------------------------------
class Dilated:
    """SpatialDilatedConvolution / SpatialDilatedMaxPooling: kernel taps dilationW/dilationH
    pixels apart (checked as THNN does)."""

    def _dilation(self):
        if self.dilationW <= 0 or self.dilationH <= 0:
            raise ValueError(f"{typename(self)}: dilation should be greater than zero, but got "
                             f"dilationH: {self.dilationH} dilationW: {self.dilationW}")
        return self.dilationH, self.dilationW


class UnfoldBuffers:
    """Convolutions with Torch7's buffers (unfolded input and the like): clearState empties
    the fields named in ``_buffers`` too."""

    _buffers = ("finput", "fgradInput", "_input", "_gradOutput")

    def clearState(self):
        utils.clear(self, *self._buffers)
        return Module.clearState(self)


class SpatialConvolution(OptionalBias, UnfoldBuffers, Module):
    """2-D convolution of an nInputPlane x H x W image (or a batch of them) with
    nOutputPlane kernels of nInputPlane x kH x kW, stride (dW, dH), zero padding (padW, padH)."""

    __typename__ = "nn.SpatialConvolution"

    def __init__(self, nInputPlane, nOutputPlane, kW, kH, dW=1, dH=1, padW=0, padH=None):
        super().__init__()
        self.nInputPlane = nInputPlane
        self.nOutputPlane = nOutputPlane
        self.kW = kW
        self.kH = kH
        self.dW = 1 if dW is None else dW
        self.dH = 1 if dH is None else dH
        self.padW = 0 if padW is None else padW
        self.padH = self.padW if padH is None else padH
        self.weight = Tensor(nOutputPlane, nInputPlane, kH, kW)
        self.bias = Tensor(nOutputPlane)
        self.gradWeight = Tensor(nOutputPlane, nInputPlane, kH, kW)
        self.gradBias = Tensor(nOutputPlane)
        self.reset()

    # dilation of the kernel taps; 1 for plain convolution
    def _dilation(self):
        return 1, 1

    def _fan_in(self):
        return self.kW * self.kH * self.nInputPlane

    def _geometry(self, input):
        """Check the input as THNN's shapeCheck does; returns (oH, oW)."""
        name = typename(self)
        if getattr(self, "padding", None) is not None:  # files from before padW/padH
            self.padW = self.padH = self.padding
            del self.padding
        if getattr(self, "padW", None) is None:
            self.padW = 0
        if getattr(self, "padH", None) is None:
            self.padH = 0
        if self.kW <= 0 or self.kH <= 0:
            raise ValueError(f"{name}: kernel size should be greater than zero, but got kH: {self.kH} kW: {self.kW}")
        if self.dW <= 0 or self.dH <= 0:
            raise ValueError(f"{name}: stride should be greater than zero, but got dH: {self.dH} dW: {self.dW}")
        check_ndim(self, input, (3, 4), "non-empty 3D or 4D input tensor")
        ndim = input.dim()
        H, W = input._size[-2], input._size[-1]
        dilH, dilW = self._dilation()
        extH, extW = dilH * (self.kH - 1) + 1, dilW * (self.kW - 1) + 1
        exactH, exactW = H + 2 * self.padH, W + 2 * self.padW
        if exactH < extH or exactW < extW:
            raise ValueError(f"{name}: Calculated padded input size per channel: ({exactH} x {exactW}). "
                             f"Kernel size: ({extH} x {extW}). Kernel size can't be greater than "
                             "actual input size")
        oH = (exactH - extH) // self.dH + 1
        oW = (exactW - extW) // self.dW + 1
        if oH < 1 or oW < 1:
            raise ValueError(f"{name}: Given input size per channel: ({H} x {W}). Calculated output "
                             f"size per channel: ({oH} x {oW}). Output size is too small")
        check_dim_size(self, input, ndim, ndim - 3, self.nInputPlane)
        return oH, oW

    def _check_grad_output(self, input, gradOutput, oH, oW):
        check_tensor(self, gradOutput, "gradOutput")
        ndim = input.dim()
        expected = input._size[:-3] + (self.nOutputPlane, oH, oW)
        if gradOutput._size != expected:
            raise ValueError(f"{typename(self)}: gradOutput of shape {shape_str(gradOutput)} does not "
                             f"match the output shape [{' x '.join(map(str, expected))}] "
                             f"({ndim}D input {shape_str(input)})")

    def _chunk(self, B, per_sample):
        """Samples per slice of the batch so that one slice's columns stay in cache."""
        return max(1, min(B, CACHE_ELEMENTS // max(1, per_sample)))

    def _column_buffer(self, step, L, batched):
        """finput as the scratch for one slice's columns: Torch shape step x K x L (K x L for
        a single image), memory K x (step*L) so a slice is one matrix operand."""
        if getattr(self, "finput", None) is None:
            self.finput = self.weight.new()
        K = self.nInputPlane * self.kH * self.kW
        if batched:
            return laid_out(self.finput, (K, step, L), (1, 0, 2)).reshape(-1)
        return laid_out(self.finput, (K, L), (0, 1)).reshape(-1)

    def _slices(self, input, oH, oW):
        """Yield (b0, n, cols) over slices of the batch, cols the (K, n*oH*oW) unfolded input
        of samples b0 .. b0+n-1 (in finput)."""
        x, batched = as_batch(input, 4)
        B = x.shape[0]
        dilH, dilW = self._dilation()
        C, kH, kW = self.nInputPlane, self.kH, self.kW
        K, L = C * kH * kW, oH * oW
        view = unfold2d(padded(x, (self.padH, self.padW)), kH, kW, self.dH, self.dW, oH, oW, dilH, dilW)
        step = self._chunk(B, K * L)
        flat = self._column_buffer(step, L, batched)
        for b0 in range(0, B, step):
            n = min(step, B - b0)
            cols = flat[:K * n * L]
            np.copyto(cols.reshape(C, kH, kW, n, oH, oW), view[:, :, :, b0:b0 + n])
            yield b0, n, cols.reshape(K, n * L)

    def updateOutput(self, input):
        oH, oW = self._geometry(input)
        if getattr(self, "fgradInput", None) is None:
            self.fgradInput = self.weight.new()
        O = self.nOutputPlane
        w2 = self.weight._a.reshape(O, -1)
        x, _ = as_batch(input, 4)
        out = put(self.output, input._size[:-3] + (O, oH, oW)).reshape(x.shape[0], O, oH, oW)
        bias = getattr(self, "bias", None)
        for b0, n, cols in self._slices(input, oH, oW):
            prod = (w2 @ cols).reshape(O, n, oH, oW).transpose(1, 0, 2, 3)
            if bias is not None:
                np.add(prod, bias._a.reshape(1, O, 1, 1), out=out[b0:b0 + n])
            else:
                out[b0:b0 + n] = prod
        return self.output

    def _grad_matrix(self, gradOutput, B, oH, oW, b0=0, n=None):
        """gradOutput of samples b0 .. b0+n-1 as an (O, n*oH*oW) matrix."""
        n = B - b0 if n is None else n
        go = gradOutput._a.reshape(B, self.nOutputPlane, oH * oW)[b0:b0 + n]
        return np.ascontiguousarray(go.transpose(1, 0, 2)).reshape(self.nOutputPlane, n * oH * oW)

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        oH, oW = self._geometry(input)
        self._check_grad_output(input, gradOutput, oH, oW)
        if getattr(self, "fgradInput", None) is None:
            self.fgradInput = self.weight.new()
        x, _ = as_batch(input, 4)
        B, C, H, W = x.shape
        kH, kW = self.kH, self.kW
        dilH, dilW = self._dilation()
        Hp, Wp = H + 2 * self.padH, W + 2 * self.padW
        w2t = self.weight._a.reshape(self.nOutputPlane, -1).T
        if self.dW == 1 and self.dH == 1:
            acc = self._grad_input_stride1(gradOutput, w2t, B, C, Hp, Wp, oH, oW, dilH, dilW)
        else:
            acc = np.zeros((C, B, Hp, Wp), dtype=w2t.dtype)
            step = self._chunk(B, C * kH * kW * oH * oW)
            for b0 in range(0, B, step):
                n = min(step, B - b0)
                gcols = w2t @ self._grad_matrix(gradOutput, B, oH, oW, b0, n)
                fold2d(gcols.reshape(C, kH, kW, n, oH, oW), acc[:, b0:b0 + n], kH, kW, self.dH, self.dW,
                       oH, oW, dilH, dilW)
        gi = put(self.gradInput, input._size).reshape(B, C, H, W)
        gi[...] = acc[:, :, self.padH:self.padH + H, self.padW:self.padW + W].transpose(1, 0, 2, 3)
        return self.gradInput

    def _grad_input_stride1(self, gradOutput, w2t, B, C, Hp, Wp, oH, oW, dilH, dilW):
        """gradInput for unit strides, as a correlation over flattened padded planes.

        gradOutput is laid out on the padded Hp x Wp grid (zeros beyond oH x oW), one flat row
        per sample, after (kW-1)*dilW leading zeros. Shifting a row left by j*dilW is then a
        strided view (negative stride over j), so one matrix product sums over output planes
        and kernel columns at once: R[c, i] = sum_{o, j} W[o, c, i, j] * shift_j(gradOutput[o]);
        the kernel rows are kH shifted adds of R (by i*dilH*Wp). Shifts that run past a row's
        start read the previous row's zero columns. Works through the batch in cache-sized
        slices; returns the padded gradient (C, B, Hp, Wp)."""
        O, kH, kW = self.nOutputPlane, self.kH, self.kW
        P = Hp * Wp
        pre = (kW - 1) * dilW
        flat = np.zeros((O, pre + B * P), dtype=w2t.dtype)
        flat[:, pre:].reshape(O, B, Hp, Wp)[:, :, :oH, :oW] = \
            gradOutput._a.reshape(B, O, oH, oW).transpose(1, 0, 2, 3)
        # [(c, i), (o, j)] from the weight's (o, c, i, j)
        wm = self.weight._a.reshape(O, C, kH, kW).transpose(1, 2, 0, 3).reshape(C * kH, O * kW)
        acc = np.zeros((C, B, P), dtype=w2t.dtype)
        s_o, s_e = flat.strides
        step = self._chunk(B, O * kW * P)
        for b0 in range(0, B, step):
            n = min(step, B - b0)
            start = flat[:, pre + b0 * P:]
            shifted = as_strided(start, (O, kW, n * P), (s_o, -dilW * s_e, s_e), writeable=False)
            R = (wm @ shifted.reshape(O * kW, n * P)).reshape(C, kH, n, P)
            part = acc[:, b0:b0 + n]
            for i in range(kH):
                shift = i * dilH * Wp
                part[:, :, shift:] += R[:, i, :, :P - shift]
        return acc.reshape(C, B, Hp, Wp)

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        oH, oW = self._geometry(input)
        self._check_grad_output(input, gradOutput, oH, oW)
        x, _ = as_batch(input, 4)
        B = x.shape[0]
        O = self.nOutputPlane
        gw = np.zeros((O, self.nInputPlane * self.kH * self.kW), dtype=self.gradWeight._a.dtype)
        for b0, n, cols in self._slices(input, oH, oW):
            gw += self._grad_matrix(gradOutput, B, oH, oW, b0, n) @ cols.T
        if scale != 1:
            gw *= scale
        self.gradWeight._a[...] += gw.reshape(self.gradWeight._size)
        if getattr(self, "bias", None) is not None and getattr(self, "gradBias", None) is not None:
            self.gradBias._a[...] += scale * gradOutput._a.reshape(B, O, -1).sum(axis=(0, 2))

    def type(self, type=None, tensorCache=None):
        if type is not None:
            # the unfolded buffers are rebuilt on the next call, in the new type
            for name in ("finput", "fgradInput"):
                if getattr(self, name, None) is not None:
                    getattr(self, name).set()
        return Module.type(self, type, tensorCache)

    def _stride_pad_text(self):
        s = ""
        if self.dW != 1 or self.dH != 1 or self.padW != 0 or self.padH != 0:
            s += f", {self.dW},{self.dH}"
        if self.padW != 0 or self.padH != 0:
            s += f", {self.padW},{self.padH}"
        return s

    def __tostring__(self):
        s = (f"{typename(self)}({self.nInputPlane} -> {self.nOutputPlane}, {self.kW}x{self.kH}"
             + self._stride_pad_text())
        return s + (")" if getattr(self, "bias", None) is not None else ") without bias")


class SpatialConvolutionMM(SpatialConvolution):
    """Torch7's older name for the same unfold-and-multiply convolution."""

    __typename__ = "nn.SpatialConvolutionMM"


class SpatialDilatedConvolution(Dilated, SpatialConvolution):
    """SpatialConvolution whose kernel taps are dilationW/dilationH pixels apart."""

    __typename__ = "nn.SpatialDilatedConvolution"

    def __init__(self, nInputPlane, nOutputPlane, kW, kH, dW=1, dH=1, padW=0, padH=0,
                 dilationW=1, dilationH=1):
        super().__init__(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, 0 if padH is None else padH)
        self.dilationW = 1 if dilationW is None else dilationW
        self.dilationH = 1 if dilationH is None else dilationH

    def __tostring__(self):
        s = (f"{typename(self)}({self.nInputPlane} -> {self.nOutputPlane}, {self.kW}x{self.kH}"
             + self._stride_pad_text() + f", {self.dilationW},{self.dilationH}")
        return s + (")" if getattr(self, "bias", None) is not None else ") without bias")


class SpatialFullConvolution(OptionalBias, UnfoldBuffers, Module):
    """Transposed ("full", fractionally strided) convolution: the adjoint of SpatialConvolution.
    Output size (H - 1)*dH - 2*padH + kH + adjH (same for W)."""

    __typename__ = "nn.SpatialFullConvolution"
    _buffers = ("finput", "fgradInput", "ones", "_input", "_gradOutput")

    def __init__(self, nInputPlane, nOutputPlane, kW, kH, dW=1, dH=1, padW=0, padH=0, adjW=0, adjH=0):
        super().__init__()
        self.nInputPlane = nInputPlane
        self.nOutputPlane = nOutputPlane
        self.kW, self.kH = kW, kH
        self.dW = 1 if dW is None else dW
        self.dH = 1 if dH is None else dH
        self.padW = 0 if padW is None else padW
        self.padH = 0 if padH is None else padH
        self.adjW = 0 if adjW is None else adjW
        self.adjH = 0 if adjH is None else adjH
        if self.adjW > self.dW - 1 or self.adjH > self.dH - 1:
            raise ValueError("adjW and adjH must be smaller than self.dW - 1 and self.dH - 1 respectively")
        self.weight = Tensor(nInputPlane, nOutputPlane, kH, kW)
        self.gradWeight = Tensor(nInputPlane, nOutputPlane, kH, kW)
        self.bias = Tensor(nOutputPlane)
        self.gradBias = Tensor(nOutputPlane)
        self.ones = Tensor()
        self.reset()

    def _fan_in(self):
        return self.kW * self.kH * self.nInputPlane

    def _split(self, input):
        """(input tensor, adjW, adjH): a table input {input, target} takes the adjustments
        that make the output as large as the target's last two dimensions."""
        if isinstance(input, Tensor):
            return input, self.adjW, self.adjH
        tensor, target = input[0], input[1]
        tH, tW = target._size[-2], target._size[-1]
        adjW = (tW + 2 * self.padW - self.kW) % self.dW
        adjH = (tH + 2 * self.padH - self.kH) % self.dH
        return tensor, adjW, adjH

    def _geometry(self, input, adjW, adjH):
        name = typename(self)
        check_ndim(self, input, (3, 4), "non-empty 3D or 4D input tensor")
        ndim = input.dim()
        H, W = input._size[-2], input._size[-1]
        oH = (H - 1) * self.dH - 2 * self.padH + self.kH + adjH
        oW = (W - 1) * self.dW - 2 * self.padW + self.kW + adjW
        if oH < 1 or oW < 1:
            raise ValueError(f"{name}: Given input size: ({self.nInputPlane} x {H} x {W}). Calculated "
                             f"output size: ({self.nOutputPlane} x {oH} x {oW}). Output size is too small")
        check_dim_size(self, input, ndim, ndim - 3, self.nInputPlane)
        return H, W, oH, oW

    def updateOutput(self, input):
        input, adjW, adjH = self._split(input)
        H, W, oH, oW = self._geometry(input, adjW, adjH)
        x, _ = as_batch(input, 4)
        B = x.shape[0]
        C, O, kH, kW = self.nInputPlane, self.nOutputPlane, self.kH, self.kW
        xm = np.ascontiguousarray(x.transpose(1, 0, 2, 3)).reshape(C, B * H * W)
        cols = self.weight._a.reshape(C, O * kH * kW).T @ xm  # (O*kH*kW, B*H*W)
        # the full output grid before cropping the padding; the adjustment cells are in it
        Hp, Wp = oH + 2 * self.padH, oW + 2 * self.padW
        acc = np.zeros((O, B, Hp, Wp), dtype=cols.dtype)
        fold2d(cols.reshape(O, kH, kW, B, H, W), acc, kH, kW, self.dH, self.dW, H, W)
        out = put(self.output, input._size[:-3] + (O, oH, oW)).reshape(B, O, oH, oW)
        out[...] = acc[:, :, self.padH:self.padH + oH, self.padW:self.padW + oW].transpose(1, 0, 2, 3)
        if getattr(self, "bias", None) is not None:
            out += self.bias._a.reshape(1, O, 1, 1)
        return self.output

    def _grad_columns(self, gradOutput, B, H, W, oH, oW):
        """gradOutput unfolded with the kernel geometry: (O*kH*kW, B*H*W)."""
        O, kH, kW = self.nOutputPlane, self.kH, self.kW
        go = gradOutput._a.reshape(B, O, oH, oW)
        gp = padded(go, (self.padH, self.padW))
        # rows/cols past the padded output (from the adjustment) never reach an input cell
        need_h, need_w = (H - 1) * self.dH + kH, (W - 1) * self.dW + kW
        if gp.shape[2] < need_h or gp.shape[3] < need_w:
            gp = padded(gp, (0, 0), extra=(max(0, need_h - gp.shape[2]), max(0, need_w - gp.shape[3])))
        view = unfold2d(gp, kH, kW, self.dH, self.dW, H, W)
        return np.ascontiguousarray(view).reshape(O * kH * kW, B * H * W)

    def updateGradInput(self, input, gradOutput):
        if self.gradInput is None:
            return None
        table = not isinstance(input, Tensor)
        tensor, adjW, adjH = self._split(input)
        H, W, oH, oW = self._geometry(tensor, adjW, adjH)
        x, _ = as_batch(tensor, 4)
        B, C = x.shape[:2]
        gcols = self._grad_columns(gradOutput, B, H, W, oH, oW)
        gi = self.weight._a.reshape(C, -1) @ gcols  # (C, B*H*W)
        if table and not isinstance(self.gradInput, Tensor):  # the tensor of last call's table
            self.gradInput = self.gradInput[0] if self.gradInput else tensor.new()
        out = put(self.gradInput, tensor._size).reshape(B, C, H, W)
        out[...] = gi.reshape(C, B, H, W).transpose(1, 0, 2, 3)
        if table:  # the target gets a zero gradient
            self.gradInput = [self.gradInput, input[1].new().resizeAs(input[1]).zero()]
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        input, adjW, adjH = self._split(input)
        H, W, oH, oW = self._geometry(input, adjW, adjH)
        x, _ = as_batch(input, 4)
        B, C = x.shape[:2]
        gcols = self._grad_columns(gradOutput, B, H, W, oH, oW)
        xm = np.ascontiguousarray(x.transpose(1, 0, 2, 3)).reshape(C, B * H * W)
        gw = xm @ gcols.T
        self.gradWeight._a[...] += scale * gw.reshape(self.gradWeight._size)
        if getattr(self, "bias", None) is not None and getattr(self, "gradBias", None) is not None:
            self.gradBias._a[...] += scale * gradOutput._a.reshape(B, self.nOutputPlane, -1).sum(axis=(0, 2))

    def __tostring__(self):
        s = f"{typename(self)}({self.nInputPlane} -> {self.nOutputPlane}, {self.kW}x{self.kH}"
        # as Torch7 prints it: the pads only when nonzero, even before nonzero adjustments
        if self.dW != 1 or self.dH != 1 or self.padW != 0 or self.padH != 0:
            s += f", {self.dW},{self.dH}"
        if self.padW != 0 or self.padH != 0:
            s += f", {self.padW},{self.padH}"
        if self.adjW != 0 or self.adjH != 0:
            s += f", {self.adjW},{self.adjH}"
        return s + (")" if getattr(self, "bias", None) is not None else ") without bias")
