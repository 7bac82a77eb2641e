"""Loss functions (Torch7's doc/criterion.md). Each computes on numpy views of its inputs
and writes the gradient into its reused ``gradInput`` buffer. ``sizeAverage`` (default true)
divides by the number of elements (or of samples, where Torch7 does)."""

import math

import numpy as np

from ..torch import LongTensor, Tensor
from ..torch.classes import typename
from . import utils
from .criterion import Criterion, weighted_nll_output
from .module import resize
from .transfer import LogSoftMax, Sigmoid


def _sz(t):
    return "x".join(str(s) for s in t._size) or "empty"


def _put(buf, shape, values):
    resize(buf, shape)
    buf._a[...] = values
    return buf


def _as_array(target, what="target"):
    """A target given as a tensor or a number, as a numpy array."""
    if isinstance(target, Tensor):
        return target._a
    if isinstance(target, (int, float)):
        return np.array([target], dtype=np.float64)
    raise TypeError(f"{what}: expected a tensor or a number, got {type(target).__name__}")


def _check_same(crit, input, target):
    if not isinstance(input, Tensor):
        raise TypeError(f"{typename(crit)}: expected a tensor as input, got {type(input).__name__}")
    t = _as_array(target)
    if t.size != input.nElement():
        raise ValueError(f"{typename(crit)}: input and target should have the same number of elements "
                         f"(input of size {_sz(input)}, target of size "
                         f"{_sz(target) if isinstance(target, Tensor) else 1})")
    return input._a, t.reshape(input._size)


class _Pointwise(Criterion):
    """loss = sum_i l(x_i, y_i) [/ n]; gradient dl/dx [/ n]. Subclasses give ``_loss`` and
    ``_grad``, which writes norm * dl/dx into ``out`` (the gradInput buffer)."""

    def __init__(self, sizeAverage=True):
        super().__init__()
        self.sizeAverage = True if sizeAverage is None else sizeAverage

    def _loss(self, x, y):
        raise NotImplementedError

    def _grad(self, x, y, out, norm):
        raise NotImplementedError

    def updateOutput(self, input, target):
        x, y = _check_same(self, input, target)
        out = float(self._loss(x, y))
        if self.sizeAverage:
            out /= x.size
        self.output = out
        return out

    def updateGradInput(self, input, target):
        x, y = _check_same(self, input, target)
        resize(self.gradInput, input._size)
        self._grad(x, y, self.gradInput._a, 1.0 / x.size if self.sizeAverage else 1.0)
        return self.gradInput


class MSECriterion(_Pointwise):
    __typename__ = "nn.MSECriterion"

    def _loss(self, x, y):
        d = x - y
        return np.vdot(d, d)

    def _grad(self, x, y, out, norm):
        np.subtract(x, y, out=out)
        out *= 2.0 * norm


class AbsCriterion(_Pointwise):
    __typename__ = "nn.AbsCriterion"

    def _loss(self, x, y):
        d = x - y
        return np.abs(d, out=d).sum()

    def _grad(self, x, y, out, norm):
        np.sign(x - y, out=out)  # (np.sign in place is ten times slower)
        out *= norm


class SmoothL1Criterion(_Pointwise):
    __typename__ = "nn.SmoothL1Criterion"

    def _loss(self, x, y):
        z = np.abs(x - y)
        m = np.minimum(z, 1.0)
        # m (z - m/2) is z^2/2 where z < 1 and z - 1/2 elsewhere
        z -= 0.5 * m
        return np.vdot(m, z)

    def _grad(self, x, y, out, norm):
        np.subtract(x, y, out=out)
        np.clip(out, -1.0, 1.0, out=out)
        out *= norm


class DistKLDivCriterion(_Pointwise):
    """KL divergence with log-probability input: sum y (log y - x) over y > 0."""

    __typename__ = "nn.DistKLDivCriterion"

    def _loss(self, x, y):
        if y.size and y.min() > 0:  # the usual case: no masking needed
            return np.vdot(y, np.log(y) - x)
        pos = y > 0
        return (y[pos] * (np.log(y[pos]) - x[pos])).sum()

    def _grad(self, x, y, out, norm):
        np.negative(y, out=out)
        if y.size and y.min() <= 0:
            out[y <= 0] = 0.0
        out *= norm


class MarginCriterion(_Pointwise):
    """Two-class hinge loss: sum max(0, margin - x y)."""

    __typename__ = "nn.MarginCriterion"

    def __init__(self, margin=1):
        super().__init__()
        self.margin = 1 if margin is None else margin

    def _loss(self, x, y):
        return np.maximum(0.0, self.margin - x * y).sum()

    def _grad(self, x, y, out, norm):
        out[...] = np.where(x * y < self.margin, -y, 0.0)
        out *= norm


class SoftMarginCriterion(_Pointwise):
    """Two-class logistic loss: sum log(1 + exp(-x y))."""

    __typename__ = "nn.SoftMarginCriterion"

    def _loss(self, x, y):
        return np.logaddexp(0.0, -x * y).sum()

    def _grad(self, x, y, out, norm):
        z = np.exp(-x * y)
        out[...] = -y * z / (1 + z)
        out *= norm


class HingeEmbeddingCriterion(_Pointwise):
    """x for y = 1, max(0, margin - x) for y = -1."""

    __typename__ = "nn.HingeEmbeddingCriterion"

    def __init__(self, margin=1):
        super().__init__()
        self.margin = 1 if margin is None else margin

    def _loss(self, x, y):
        return np.where(y == 1, x, 0.0).sum() + np.where(y == -1, np.maximum(0.0, self.margin - x), 0.0).sum()

    def _grad(self, x, y, out, norm):
        out[...] = np.where(y == 1, 1.0, 0.0) + np.where((y == -1) & (self.margin - x > 0), -1.0, 0.0)
        out *= norm


class BCECriterion(Criterion):
    """Binary cross-entropy -sum w (y log x + (1 - y) log(1 - x)), with eps = 1e-12 inside the
    logarithms as in Torch7; sizeAverage divides by the number of elements."""

    __typename__ = "nn.BCECriterion"
    eps = 1e-12

    def __init__(self, weights=None, sizeAverage=True):
        super().__init__()
        self.sizeAverage = True if sizeAverage is None else sizeAverage
        if weights is not None:
            if weights.dim() != 1:
                raise ValueError("nn.BCECriterion: weights input should be 1-D Tensor")
            self.weights = weights

    def _w(self, x):
        w = getattr(self, "weights", None)
        if w is None:
            return None
        w = w._a
        if x.ndim >= 1 and x.shape[-1] == w.size:
            return w
        raise ValueError(f"nn.BCECriterion: weights of size {w.size} do not match input of size "
                         f"{'x'.join(map(str, x.shape))}")

    def updateOutput(self, input, target):
        x, y = _check_same(self, input, target)
        eps = self.eps
        # y log(x + eps) + (1 - y) log(1 - x + eps), with two temporaries
        ll = np.add(x, eps)
        np.log(ll, out=ll)
        ll *= y
        other = np.subtract(1.0, x)
        other += eps  # (1 - x) + eps, in Torch7's order
        np.log(other, out=other)
        other *= 1 - y
        ll += other
        w = self._w(x)
        if w is not None:
            ll = ll * w
        out = -float(ll.sum())
        if self.sizeAverage:
            out /= x.size
        self.output = out
        return out

    def updateGradInput(self, input, target):
        x, y = _check_same(self, input, target)
        eps = self.eps
        w = self._w(x)
        resize(self.gradInput, input._size)
        g = self.gradInput._a
        # -(y - x) / ((1 - x + eps) (x + eps)), written into the reused buffer
        denom = np.subtract(1.0, x)
        denom += eps
        denom *= x + eps
        np.subtract(x, y, out=g)
        g /= denom
        if w is not None:
            g *= w
        if self.sizeAverage:
            g *= 1.0 / x.size
        return self.gradInput


def _class_targets(crit, input, target, n_rows):
    """Class indices (0-based numpy ints) from a number or a tensor of 1-based indices."""
    if isinstance(target, (int, float)):
        t = np.array([int(target)], dtype=np.int64)
    elif isinstance(target, Tensor):
        t = target._a.reshape(-1).astype(np.int64)
    else:
        raise TypeError(f"{typename(crit)}: expected a number or a tensor as target, got "
                        f"{type(target).__name__}")
    if t.size != n_rows:
        raise ValueError(f"{typename(crit)}: {t.size} targets for {n_rows} input rows "
                         f"(input of size {_sz(input)})")
    return t - 1


class ClassNLLCriterion(Criterion):
    """Negative log-likelihood of the target class: -w[y] x[y], averaged over the total weight
    of the batch when sizeAverage; targets equal to ignoreIndex are skipped."""

    __typename__ = "nn.ClassNLLCriterion"

    def __init__(self, weights=None, sizeAverage=True, ignoreIndex=-100):
        super().__init__()
        self.sizeAverage = True if sizeAverage is None else sizeAverage
        self.ignoreIndex = -100 if ignoreIndex is None else ignoreIndex
        if weights is not None:
            if weights.dim() != 1:
                raise ValueError("nn.ClassNLLCriterion: weights tensor should be 1D")
            self.weights = weights
        self.output_tensor = Tensor(1)
        self.total_weight_tensor = Tensor(1).fill(1)
        self.target = LongTensor(1).zero()

    def _parts(self, input, target):
        """(x as rows, the rows that count, their 0-based classes, their weights or None)."""
        if not isinstance(input, Tensor) or input.dim() not in (1, 2):
            raise ValueError(f"{typename(self)}: input tensor should be 1D or 2D, got "
                             f"{_sz(input) if isinstance(input, Tensor) else type(input).__name__}")
        x = input._a.reshape(-1, input._size[-1])
        n_classes = x.shape[1]
        t = _class_targets(self, input, target, x.shape[0])
        rows = np.arange(x.shape[0])
        if t.size and (self.ignoreIndex >= 1 or t.min() < 0):  # some targets may be ignored
            keep = t != self.ignoreIndex - 1
            rows, t = rows[keep], t[keep]
        if t.size and (t.min() < 0 or t.max() >= n_classes):
            bad = t[(t < 0) | (t >= n_classes)][0] + 1
            raise IndexError(f"{typename(self)}: target {int(bad)} out of range (input has {n_classes} classes)")
        w = getattr(self, "weights", None)
        if w is not None:
            if w.nElement() != n_classes:
                raise ValueError(f"{typename(self)}: {w.nElement()} weights for {n_classes} classes")
            return x, rows, t, w._a[t]
        return x, rows, t, None

    def updateOutput(self, input, target):
        x, rows, cls, wt = self._parts(input, target)
        picked = x[rows, cls]
        if wt is None:
            total = float(rows.size)
            out = -float(picked.sum())
        else:
            total = float(wt.sum())
            out = -float(np.dot(picked, wt))
        return weighted_nll_output(self, out, total)

    def updateGradInput(self, input, target):
        x, rows, cls, wt = self._parts(input, target)
        total = float(rows.size) if wt is None else float(wt.sum())
        resize(self.gradInput, input._size)
        g = self.gradInput._a.reshape(x.shape)
        g.fill(0)
        scale = 1.0 / total if (self.sizeAverage and total != 0) else 1.0
        g[rows, cls] = -scale if wt is None else -wt * scale
        return self.gradInput


class CrossEntropyCriterion(Criterion):
    """LogSoftMax followed by ClassNLLCriterion."""

    __typename__ = "nn.CrossEntropyCriterion"

    def __init__(self, weights=None, sizeAverage=True):
        super().__init__()
        self.lsm = LogSoftMax()
        self.nll = ClassNLLCriterion(weights, sizeAverage)
        self.sizeAverage = self.nll.sizeAverage
        self.oldSizeAverage = self.sizeAverage

    def _sync(self):
        if self.sizeAverage != self.oldSizeAverage:
            self.nll.sizeAverage = self.sizeAverage
            self.oldSizeAverage = self.sizeAverage

    @staticmethod
    def _squeeze(t):
        if isinstance(t, Tensor) and t.nElement() > 1:
            shape = tuple(s for s in t._size if s != 1) or (1,)
            return t.view(shape) if t.isContiguous() else t.contiguous().view(shape)
        return t

    def updateOutput(self, input, target):
        self._sync()
        x = self._squeeze(input)
        self.lsm.updateOutput(x)
        self.nll.updateOutput(self.lsm.output, self._squeeze(target))
        self.output = self.nll.output
        return self.output

    def updateGradInput(self, input, target):
        self._sync()
        x = self._squeeze(input)
        self.nll.updateGradInput(self.lsm.output, self._squeeze(target))
        self.lsm.updateGradInput(x, self.nll.gradInput)
        self.gradInput.set(self.lsm.gradInput.view(input._size))
        return self.gradInput


class MultiMarginCriterion(Criterion):
    """Multi-class hinge loss: sum_{i != y} max(0, margin - x[y] + x[i])^p / nClasses
    (weighted by weights[y]), averaged over the batch when sizeAverage."""

    __typename__ = "nn.MultiMarginCriterion"

    def __init__(self, p=1, weights=None, margin=1):
        super().__init__()
        if p not in (1, 2):
            raise ValueError("nn.MultiMarginCriterion: only p == 1 and p == 2 supported")
        self.p = p
        self.margin = 1 if margin is None else margin
        self.sizeAverage = True
        if weights is not None:
            if weights.dim() != 1:
                raise ValueError("nn.MultiMarginCriterion: weights input should be 1-D Tensor")
            self.weights = weights

    def _parts(self, input, target):
        if not isinstance(input, Tensor) or input.dim() not in (1, 2):
            raise ValueError(f"{typename(self)}: vector or matrix expected, got "
                             f"{_sz(input) if isinstance(input, Tensor) else type(input).__name__}")
        x = input._a.reshape(-1, input._size[-1])
        t = _class_targets(self, input, target, x.shape[0])
        if t.size and (t.min() < 0 or t.max() >= x.shape[1]):
            raise IndexError(f"{typename(self)}: target out of range (input has {x.shape[1]} classes)")
        rows = np.arange(x.shape[0])
        # z_i = max(0, margin - x[y] + x[i]) for i != y
        z = np.subtract(x, (x[rows, t] - self.margin)[:, None])
        z[rows, t] = 0
        np.maximum(z, 0, out=z)
        w = getattr(self, "weights", None)
        wy = w._a[t][:, None] if w is not None else None
        return x, t, rows, z, wy

    def _norm(self, x):
        return 1.0 / x.shape[1] / (x.shape[0] if self.sizeAverage else 1)

    def updateOutput(self, input, target):
        x, _t, _rows, z, wy = self._parts(input, target)
        h = z if self.p == 1 else z * z
        total = float(h.sum()) if wy is None else float((h * wy).sum())
        self.output = total * self._norm(x)
        return self.output

    def updateGradInput(self, input, target):
        x, t, rows, z, wy = self._parts(input, target)
        resize(self.gradInput, input._size)
        g = self.gradInput._a.reshape(z.shape)
        if self.p == 1:
            np.greater(z, 0, out=g)
        else:
            np.multiply(z, 2.0, out=g)
        if wy is not None:
            g *= wy
        g *= self._norm(x)
        g[rows, t] = -g.sum(1)
        return self.gradInput


class MultiLabelMarginCriterion(Criterion):
    """Multi-label hinge loss; each target row lists class indices, ending at the first 0."""

    __typename__ = "nn.MultiLabelMarginCriterion"

    def __init__(self):
        super().__init__()
        self.sizeAverage = True
        self.isTarget = Tensor()

    def _parts(self, input, target):
        if not isinstance(input, Tensor) or input.dim() not in (1, 2):
            raise ValueError(f"{typename(self)}: vector or matrix expected")
        x = input._a.reshape(-1, input._size[-1])
        t = target._a.reshape(x.shape).astype(np.int64)
        n, dim = x.shape
        # only the targets before the first 0 count
        valid = np.cumprod(t != 0, axis=1).astype(bool)
        if (t[valid] < 1).any() or (t[valid] > dim).any():
            raise IndexError(f"{typename(self)}: target out of range (input has {dim} classes)")
        is_target = np.zeros((n, dim), bool)
        r, c = np.nonzero(valid)
        is_target[r, t[r, c] - 1] = True
        return x, t, valid, is_target

    def updateOutput(self, input, target):
        x, t, valid, is_target = self._parts(input, target)
        n, dim = x.shape
        _put(self.isTarget, input._size, is_target.reshape(input._size))
        total = 0.0
        r, c = np.nonzero(valid)
        xy = x[r, t[r, c] - 1]
        z = 1 - xy[:, None] + x[r]
        z = np.where(is_target[r], 0.0, np.maximum(z, 0))
        total = float(z.sum()) / dim
        if self.sizeAverage:
            total /= n
        self.output = total
        return total

    def updateGradInput(self, input, target):
        x, t, valid, is_target = self._parts(input, target)
        n, dim = x.shape
        g = np.zeros_like(x, dtype=np.float64)
        r, c = np.nonzero(valid)
        xy = x[r, t[r, c] - 1]
        active = (1 - xy[:, None] + x[r] > 0) & ~is_target[r]
        scale = 1.0 / dim / (n if self.sizeAverage else 1)
        np.add.at(g, (r, t[r, c] - 1), -active.sum(1) * scale)
        np.add.at(g, r, active * scale)
        _put(self.gradInput, input._size, g.reshape(input._size))
        return self.gradInput


class MultiLabelSoftMarginCriterion(Criterion):
    """Sigmoid followed by BCECriterion (mean over all elements)."""

    __typename__ = "nn.MultiLabelSoftMarginCriterion"

    def __init__(self, weights=None):
        super().__init__()
        self.lsm = Sigmoid()
        self.nll = BCECriterion(weights)

    def updateOutput(self, input, target):
        self.lsm.updateOutput(input)
        self.nll.updateOutput(self.lsm.output, target)
        self.output = self.nll.output
        return self.output

    def updateGradInput(self, input, target):
        self.nll.updateGradInput(self.lsm.output, target)
        self.lsm.updateGradInput(input, self.nll.gradInput)
        self.gradInput.set(self.lsm.gradInput)
        return self.gradInput


def _pair(crit, input):
    if isinstance(input, Tensor) or len(input) != 2:
        raise ValueError(f"{typename(crit)}: input should be a table of two tensors")
    a, b = input[0], input[1]
    if a._size != b._size:
        raise ValueError(f"{typename(crit)}: inputs must have the same size ({_sz(a)} and {_sz(b)})")
    return a, b


def _pair_grad(crit, input, ga, gb):
    gi = crit.gradInput
    if isinstance(gi, Tensor) or len(gi) != 2:
        gi = [Tensor(), Tensor()]
    gi = list(gi)
    for k, g in enumerate((ga, gb)):
        if not isinstance(gi[k], Tensor):
            gi[k] = Tensor()
        _put(gi[k], input[k]._size, g.reshape(input[k]._size))
    crit.gradInput = gi
    return gi


class L1HingeEmbeddingCriterion(Criterion):
    """{x1, x2}, y: ||x1 - x2||_1 for y = 1, max(0, margin - ||x1 - x2||_1) for y = -1."""

    __typename__ = "nn.L1HingeEmbeddingCriterion"

    def __init__(self, margin=1):
        super().__init__()
        self.margin = 1 if margin is None else margin
        self.gradInput = [Tensor(), Tensor()]

    def updateOutput(self, input, y):
        a, b = _pair(self, input)
        d = float(np.abs(a._a - b._a).sum())
        y = float(_as_array(y).reshape(-1)[0])
        self.output = d if y == 1 else max(0.0, self.margin - d)
        return self.output

    def updateGradInput(self, input, y):
        a, b = _pair(self, input)
        diff = a._a - b._a
        d = float(np.abs(diff).sum())
        y = float(_as_array(y).reshape(-1)[0])
        s = np.sign(diff)
        if y == -1:
            s = -s if self.margin - d > 0 else np.zeros_like(s)
        return _pair_grad(self, input, s, -s)


class CosineEmbeddingCriterion(Criterion):
    """{x1, x2}, y: 1 - cos(x1, x2) for y = 1, max(0, cos(x1, x2) - margin) for y = -1,
    averaged over the batch when sizeAverage."""

    __typename__ = "nn.CosineEmbeddingCriterion"

    def __init__(self, margin=0, sizeAverage=True):
        super().__init__()
        self.margin = 0 if margin is None else margin
        self.sizeAverage = True if sizeAverage is None else sizeAverage
        self.gradInput = [Tensor(), Tensor()]

    def _parts(self, input, y):
        a, b = _pair(self, input)
        x1 = a._a.reshape(-1, a._size[-1])
        x2 = b._a.reshape(-1, b._size[-1])
        y = _as_array(y).reshape(-1)
        if y.size != x1.shape[0]:
            raise ValueError(f"{typename(self)}: {y.size} targets for {x1.shape[0]} input rows")
        eps = 1e-12
        m12 = (x1 * x2).sum(1)
        m1 = (x1 * x1).sum(1) + eps
        m2 = (x2 * x2).sum(1) + eps
        mag = np.sqrt(m1 * m2)
        cos = m12 / mag
        return x1, x2, y, m12, m1, m2, mag, cos

    def updateOutput(self, input, y):
        x1, _x2, y, _m12, _m1, _m2, _mag, cos = self._parts(input, y)
        loss = np.where(y == 1, 1 - cos, 0.0) + np.where(y == -1, np.maximum(0.0, cos - self.margin), 0.0)
        out = float(loss.sum())
        if self.sizeAverage:
            out /= x1.shape[0]
        self.output = out
        return out

    def updateGradInput(self, input, y):
        x1, x2, y, _m12, m1, m2, mag, cos = self._parts(input, y)
        d1 = x2 / mag[:, None] - (cos / m1)[:, None] * x1
        d2 = x1 / mag[:, None] - (cos / m2)[:, None] * x2
        coef = np.where(y == 1, -1.0, 0.0) + np.where((y == -1) & (cos > self.margin), 1.0, 0.0)
        if self.sizeAverage:
            coef = coef / x1.shape[0]
        return _pair_grad(self, input, d1 * coef[:, None], d2 * coef[:, None])


class MarginRankingCriterion(Criterion):
    """{x1, x2}, y: max(0, -y (x1 - x2) + margin), averaged over the batch when sizeAverage."""

    __typename__ = "nn.MarginRankingCriterion"

    def __init__(self, margin=0):
        super().__init__()
        self.margin = 0 if margin is None else margin
        self.sizeAverage = True
        self.gradInput = [Tensor(), Tensor()]

    def _parts(self, input, y):
        if isinstance(input, Tensor) or len(input) != 2:
            raise ValueError(f"{typename(self)}: input should be a table of two tensors")
        x1 = input[0]._a.reshape(-1)
        x2 = input[1]._a.reshape(-1)
        y = _as_array(y).reshape(-1)
        if not (x1.size == x2.size and (y.size == x1.size or y.size == 1)):
            raise ValueError(f"{typename(self)}: sizes do not match ({x1.size}, {x2.size}, {y.size} targets)")
        return x1, x2, y

    def updateOutput(self, input, y):
        x1, x2, y = self._parts(input, y)
        loss = np.maximum(0.0, -y * (x1 - x2) + self.margin)
        out = float(loss.sum())
        if self.sizeAverage and x1.size > 1:
            out /= x1.size
        self.output = out
        return out

    def updateGradInput(self, input, y):
        x1, x2, y = self._parts(input, y)
        active = (-y * (x1 - x2) + self.margin) > 0
        g = np.where(active, -y, 0.0) * np.ones_like(x1)
        if self.sizeAverage and x1.size > 1:
            g = g / x1.size
        return _pair_grad(self, input, g, -g)


class WeightedMSECriterion(Criterion):
    """MSECriterion(input, target .* weight), with the weight repeated over the batch."""

    __typename__ = "nn.WeightedMSECriterion"

    def __init__(self, w):
        super().__init__()
        self.weight = w.clone()
        self.buffer = Tensor()
        self.sizeAverage = True

    def _target(self, input, target):
        t = _as_array(target).reshape(input._size)
        w = self.weight._a
        if input.dim() - 1 == w.ndim:
            w = w.reshape((1,) + w.shape)
        else:
            w = w.reshape(input._size)
        _put(self.buffer, input._size, t * w)
        return self.buffer._a

    def updateOutput(self, input, target):
        y = self._target(input, target)
        d = input._a - y
        out = float((d * d).sum())
        if self.sizeAverage:
            out /= d.size
        self.output = out
        return out

    def updateGradInput(self, input, target):
        y = self._target(input, target)
        g = 2.0 * (input._a - y)
        if self.sizeAverage:
            g /= g.size
        _put(self.gradInput, input._size, g)
        return self.gradInput


class ParallelCriterion(Criterion):
    """Weighted sum of criterions, criterion i applied to input[i] and target[i] (or to the
    whole target when repeatTarget)."""

    __typename__ = "nn.ParallelCriterion"

    def __init__(self, repeatTarget=False):
        super().__init__()
        self.criterions = []
        self.weights = []
        self.gradInput = []
        self.repeatTarget = repeatTarget

    def add(self, criterion, weight=1):
        if not isinstance(criterion, Criterion):
            raise TypeError("nn.ParallelCriterion: expecting an nn.Criterion instance")
        self.criterions.append(criterion)
        self.weights.append(1 if weight is None else weight)
        return self

    def _target(self, target, i):
        return target if self.repeatTarget else target[i]

    def updateOutput(self, input, target):
        out = 0.0
        for i, c in enumerate(self.criterions):
            out += self.weights[i] * c.updateOutput(input[i], self._target(target, i))
        self.output = out
        return out

    def updateGradInput(self, input, target):
        gi, _ = utils.recursiveResizeAs(self.gradInput if not isinstance(self.gradInput, Tensor) else [], input)
        utils.recursiveFill(gi, 0)
        for i, c in enumerate(self.criterions):
            utils.recursiveAdd(gi[i], self.weights[i], c.updateGradInput(input[i], self._target(target, i)))
        self.gradInput = gi
        return gi


class MultiCriterion(Criterion):
    """Weighted sum of criterions, all applied to the same input and target."""

    __typename__ = "nn.MultiCriterion"

    def __init__(self):
        super().__init__()
        self.criterions = []
        self.weights = []

    def add(self, criterion, weight=1):
        if not isinstance(criterion, Criterion):
            raise TypeError("nn.MultiCriterion: expecting an nn.Criterion instance")
        self.criterions.append(criterion)
        self.weights.append(1 if weight is None else weight)
        return self

    def updateOutput(self, input, target):
        out = 0.0
        for c, w in zip(self.criterions, self.weights, strict=True):
            out += w * c.updateOutput(input, target)
        self.output = out
        return out

    def updateGradInput(self, input, target):
        gi, _ = utils.recursiveResizeAs(self.gradInput, input)
        utils.recursiveFill(gi, 0)
        for c, w in zip(self.criterions, self.weights, strict=True):
            utils.recursiveAdd(gi, w, c.updateGradInput(input, target))
        self.gradInput = gi
        return gi


def _regular_simplex(n):
    """n+1 unit vectors in R^n, pairwise equidistant (Torch7's regsplex)."""
    a = np.zeros((n + 1, n))
    for k in range(n):
        if k == 0:
            a[k, k] = 1
        else:
            a[k, k] = math.sqrt(1 - float((a[k, :k] ** 2).sum()))
        c = (a[k, k] ** 2 - 1 - 1 / n) / a[k, k]
        a[k + 1:, k] = c
    return a


class ClassSimplexCriterion(Criterion):
    """MSE between the input and the vertex of a regular simplex (padded to nClasses
    dimensions) that embeds the target class."""

    __typename__ = "nn.ClassSimplexCriterion"

    def __init__(self, nClasses):
        super().__init__()
        if not (isinstance(nClasses, (int, float)) and nClasses > 1 and nClasses == int(nClasses)):
            raise ValueError("Required positive integer argument nClasses > 1")
        self.nClasses = int(nClasses)
        simp = _regular_simplex(self.nClasses - 1)
        full = np.concatenate([simp, np.zeros((simp.shape[0], self.nClasses - simp.shape[1]))], axis=1)
        self.simplex = Tensor(full)
        self._target = Tensor(self.nClasses)
        self.sizeAverage = True

    def _transform(self, target):
        t = _as_array(target).reshape(-1).astype(np.int64) - 1
        if ((t < 0) | (t >= self.nClasses)).any():
            raise IndexError(f"{typename(self)}: target out of range 1..{self.nClasses}")
        rows = self.simplex._a[t]
        if isinstance(target, Tensor) and target.dim() == 1 and target.nElement() > 1:
            _put(self._target, rows.shape, rows)
        else:
            _put(self._target, (self.nClasses,), rows[0])
        return self._target._a

    def updateOutput(self, input, target):
        y = self._transform(target).reshape(input._size)
        d = input._a - y
        out = float((d * d).sum())
        if self.sizeAverage:
            out /= d.size
        self.output = out
        return out

    def updateGradInput(self, input, target):
        y = self._transform(target).reshape(input._size)
        g = 2.0 * (input._a - y)
        if self.sizeAverage:
            g /= g.size
        _put(self.gradInput, input._size, g)
        return self.gradInput

    def getPredictions(self, input):
        x = input._a.reshape(-1, self.nClasses)
        res = x @ self.simplex._a.T
        return Tensor(res if input.dim() > 1 else res[0])

    def getTopPrediction(self, input):
        p = self.getPredictions(input)._a
        idx = p.argmax(-1) + 1
        return LongTensor(np.atleast_1d(idx))


class DistanceRatioCriterion(Criterion):
    """{d_pos, d_neg}: -log(exp(-d_pos) / (exp(-d_pos) + exp(-d_neg))), averaged over samples."""

    __typename__ = "nn.DistanceRatioCriterion"

    def __init__(self, sizeAverage=True):
        super().__init__()
        self.sizeAverage = True if sizeAverage is None else sizeAverage
        self.gradInput = [Tensor(), Tensor()]

    def _parts(self, input):
        if isinstance(input, Tensor) or len(input) != 2:
            raise ValueError("Invalid number of inputs")
        X, Y = input[0], input[1]
        if X.nElement() != Y.nElement():
            raise ValueError("Number of distances don't match.")
        return X._a.reshape(-1), Y._a.reshape(-1), X._size[0]

    def updateOutput(self, input, target=None):
        x, y, n = self._parts(input)
        # -log(e^-x / (e^-x + e^-y)) = x + log(e^-x + e^-y)
        out = float((x + np.logaddexp(-x, -y)).sum())
        if self.sizeAverage:
            out /= n
        self.output = out
        return out

    def updateGradInput(self, input, target=None):
        x, y, n = self._parts(input)
        px = 1.0 / (1.0 + np.exp(x - y))  # e^-x / (e^-x + e^-y)
        gx = 1.0 - px
        gy = -(1.0 - px)
        if self.sizeAverage:
            gx, gy = gx / n, gy / n
        return _pair_grad(self, input, gx, gy)
