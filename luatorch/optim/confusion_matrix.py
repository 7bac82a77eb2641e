"""optim.ConfusionMatrix: counts of (target, prediction) pairs, per-class accuracies and
Torch7's text for them (torch/optim's ConfusionMatrix.lua)."""

import math
import numbers

import numpy as np

from ..torch.classes import TorchObject
from ..torch.printing import lua_number_str, lua_tostring
from ..torch.tensor import DoubleTensor, FloatTensor, LongTensor, Tensor


def _first_max_index(values, axis):
    """1-based index of the first maximum along ``axis`` (TH's max keeps the first)."""
    return np.argmax(values, axis=axis) + 1


def _rectangle(x, y, w, h, color):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=color, edgecolor="none")


class ConfusionMatrix(TorchObject):
    """``ConfusionMatrix(nclasses [, classes])`` or ``ConfusionMatrix(classes)``.

    ``mat[t][p]`` counts samples of target class t predicted as p. ``updateValids()`` fills
    ``valids`` (per-class recall, a FloatTensor), ``unionvalids`` (intersection over union),
    ``totalValid``, ``averageValid`` and ``averageUnionValid``.
    """

    __typename__ = "optim.ConfusionMatrix"

    def __init__(self, nclasses, classes=None):
        if isinstance(nclasses, (list, tuple)) or (not isinstance(nclasses, numbers.Number)
                                                   and hasattr(nclasses, "values")):
            classes = nclasses
            nclasses = len(classes)
        if isinstance(nclasses, bool) or not isinstance(nclasses, numbers.Real) or nclasses < 1:
            raise ValueError(f"ConfusionMatrix: expected a number of classes or a table of "
                             f"class names, got {nclasses!r}")
        nclasses = int(nclasses)
        self.mat = LongTensor(nclasses, nclasses).zero()
        self.valids = FloatTensor(nclasses).zero()
        self.unionvalids = FloatTensor(nclasses).zero()
        self.nclasses = nclasses
        self.totalValid = 0
        self.averageValid = 0
        self.classes = classes if classes is not None else []
        # buffers
        self._target = FloatTensor()
        self._prediction = FloatTensor()
        self._max = FloatTensor()
        self._pred_idx = LongTensor()
        self._targ_idx = LongTensor()

    # --- accumulation -----------------------------------------------------------------
    def _check_indices(self, preds, targs):
        n = self.nclasses
        counted = targs > 0  # non-positive targets are missing labels, ignored
        bad_t = targs[counted][targs[counted] > n]
        bad_p = preds[counted][(preds[counted] < 1) | (preds[counted] > n)]
        if bad_t.size:
            raise IndexError(f"ConfusionMatrix: target class {int(bad_t[0])} out of range "
                             f"1..{n}")
        if bad_p.size:
            raise IndexError(f"ConfusionMatrix: predicted class {int(bad_p[0])} out of range "
                             f"1..{n}")
        return counted

    def _add(self, p, t):
        for name, v in (("prediction", p), ("target", t)):
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(f"ConfusionMatrix: {name} must be a number, got {v!r}")
        preds = np.array([int(p)])
        targs = np.array([int(t)])
        counted = self._check_indices(preds, targs)
        if counted[0]:
            self.mat._a[targs[0] - 1, preds[0] - 1] += 1

    def add(self, prediction, target):
        """Add one sample: prediction and target are class indices, or vectors (a
        prediction vector's argmax is the predicted class; a target vector is one-hot)."""
        if not isinstance(prediction, Tensor):
            return self._add(prediction, target)
        self._prediction.resize(prediction.size()).copy(prediction)
        if prediction.dim() != 1:
            raise ValueError(f"ConfusionMatrix.add: prediction must be a 1D tensor, got "
                             f"{prediction.dim()}D")
        pred = int(_first_max_index(self._prediction._a, 0))
        self._pred_idx.resize(1)._a[0] = pred
        if not isinstance(target, Tensor):
            return self._add(pred, target)
        if target.dim() != 1:
            raise ValueError(f"ConfusionMatrix.add: target must be a number or a 1D tensor, "
                             f"got {target.dim()}D")
        self._target.resize(target.size()).copy(target)
        targ = int(_first_max_index(self._target._a, 0))
        self._targ_idx.resize(1)._a[0] = targ
        return self._add(pred, targ)

    def batchAdd(self, predictions, targets):
        """Add a batch: predictions N (classes) or N x C (scores); targets N or N x C."""
        self._prediction.resize(predictions.size()).copy(predictions)
        preds = self._class_indices(self._prediction, predictions, self._pred_idx, "predictions")
        self._target.resize(targets.size()).copy(targets)
        targs = self._class_indices(self._target, targets, self._targ_idx, "targets")
        if preds.size != targs.size:
            raise ValueError(f"ConfusionMatrix.batchAdd: {preds.size} predictions for "
                             f"{targs.size} targets")
        # Lua indexes with the numbers as they are; truncate as a C cast does
        preds = preds.astype(np.int64)
        targs = targs.astype(np.int64)
        counted = self._check_indices(preds, targs)
        np.add.at(self.mat._a, (targs[counted] - 1, preds[counted] - 1), 1)

    @staticmethod
    def _class_indices(buffer, original, idx_buffer, what):
        if original.dim() == 1:
            return buffer._a.copy()
        if original.dim() == 2:
            if original.size(2) == 1:
                return buffer._a[:, 0].copy()
            idx = _first_max_index(buffer._a, 1)
            idx_buffer.resize(idx.size, 1)._a[:, 0] = idx
            return idx
        raise ValueError(f"{what} has invalid number of dimensions")

    def zero(self):
        self.mat.zero()
        self.valids.zero()
        self.unionvalids.zero()
        self.totalValid = 0
        self.averageValid = 0

    # --- scores -----------------------------------------------------------------------
    def updateValids(self):
        mat = self.mat._a.astype(np.float64)
        diag = np.diagonal(mat)
        rows = mat.sum(axis=1)
        cols = mat.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.valids._a[...] = diag / rows
            self.unionvalids._a[...] = diag / (rows + cols - diag)
        total = float(diag.sum())
        grand = float(mat.sum())
        self.totalValid = total / grand if grand else math.nan
        # sums in class order over the FloatTensor values, as the Lua loop adds them
        average, n_valid = 0, 0
        union, n_union = 0, 0
        for v, u in zip(self.valids._a.tolist(), self.unionvalids._a.tolist()):
            if not math.isnan(v):
                average = average + v
                n_valid += 1
                if not math.isnan(u):
                    union = union + u
                    n_union += 1
        self.averageValid = average / n_valid if n_valid else math.nan
        self.averageUnionValid = union / n_union if n_union else math.nan

    def farFrr(self):
        """False rejection and false acceptance rates: (classFrrs, classFars, frrs, fars);
        the per-class tensors hold -1 for classes without samples."""
        cmat = self.mat._a.astype(np.float64)
        n = cmat.shape[0]
        counts = cmat.sum(axis=1)
        class_frrs = np.full(n, -1.0)
        class_fars = np.full(n, -1.0)
        frrs, fars = [], []
        present = counts != 0
        for i in range(n):
            if not present[i]:
                continue
            frr = 1 - cmat[i, i] / counts[i]
            others = present.copy()
            others[i] = False
            far = (cmat[others, i] / counts[others]).sum() / others.sum() if others.any() \
                else math.nan
            class_frrs[i], class_fars[i] = frr, far
            frrs.append(frr)
            fars.append(far)
        self._frrs = DoubleTensor(n).zero()
        self._fars = DoubleTensor(n).zero()
        self._frrs._a[:len(frrs)] = frrs
        self._fars._a[:len(fars)] = fars
        self._classFrrs = DoubleTensor(class_frrs)
        self._classFars = DoubleTensor(class_fars)
        k = len(frrs)
        return (self._classFrrs, self._classFars,
                self._frrs.narrow(1, 1, k) if k else DoubleTensor(),
                self._fars.narrow(1, 1, k) if k else DoubleTensor())

    # --- rendering --------------------------------------------------------------------
    def render(self, sortmode="score", display=False, block=25, legendwidth=200):
        """The matrix as an image tensor (3 x H x W, values in [0, 1]), laid out as Torch7's
        Qt rendering: row-normalised cells of ``block`` pixels sorted by per-class score (or
        by occurrence), grid lines, each cell's percentage, and a legend column with each
        class's share of the labels and its name. Drawn with matplotlib's Agg backend;
        ``display`` is accepted for compatibility (nothing is shown)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        if sortmode not in ("score", "occurrence"):
            raise ValueError("sort mode must be one of: score | occurrence")
        n = self.nclasses
        names = list(self.classes.values()) if hasattr(self.classes, "values") \
            else list(self.classes)
        counts = self.mat._a.astype(np.float64)
        row_sums = counts.sum(axis=1)
        confusion = counts / np.maximum(row_sums, 1)[:, None]
        diag = np.diagonal(confusion).astype(np.float32)
        total = counts.sum()
        freqs = (row_sums / total if total else row_sums).astype(np.float32)
        keys = diag if sortmode == "score" else freqs
        order = np.argsort(-keys, kind="stable")

        side = n * block
        cells = np.kron(confusion[np.ix_(order, order)], np.ones((block, block)))
        cells[block - 1::block, :] = 0.1  # grid
        cells[:, block - 1::block] = 0.1
        low, high = cells.min(), cells.max()
        if high > low:  # image.display stretches the values to the full grey range
            cells = (cells - low) / (high - low)

        width, height, dpi = side + legendwidth, side, 100
        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.axis("off")
        ax.imshow(cells, cmap="gray", vmin=0, vmax=1, extent=(0, side, side, 0),
                  interpolation="nearest")
        ax.add_patch(_rectangle(side, 0, legendwidth, side, (0, 0, 0)))
        fmax = float(freqs.max()) if freqs.size and freqs.max() > 0 else 1.0
        for i in range(n):
            c = order[i]
            g = float(freqs[c]) / fmax * 0.9 + 0.1
            ax.text(side + 10, (i + 1) * block - block / 3,
                    "[%2.2f%% labels]" % (np.floor(freqs[c] * 10000 + 0.5) / 100),
                    color=(g * 0.5 + 0.2, g * 0.5 + 0.2, g * 0.8 + 0.2), fontsize=7)
            g = float(diag[c]) * 0.8 + 0.2
            name = lua_tostring(names[c]) if c < len(names) else ""
            ax.text(120 + side + 10, (i + 1) * block - block / 3, name, color=(g, g, g),
                    fontsize=7)
            for j in range(n):
                score = float(confusion[order[j], c])
                g = (1 - score) * (score * 0.8 + 0.2)
                ax.text(i * block + block / 5, j * block + block * 2 / 3,
                        "%02.0f" % np.floor(score * 100 + 0.5),  # noqa: UP031
                        color=(g, g, g), fontsize=7)
        canvas.draw()
        rgb = np.asarray(canvas.buffer_rgba())[:, :, :3].astype(np.float64) / 255
        return DoubleTensor(np.ascontiguousarray(rgb.transpose(2, 0, 1)))

    # --- text -------------------------------------------------------------------------
    def __str__(self):
        self.updateValids()
        parts = ["ConfusionMatrix:\n", "["]
        n = self.nclasses
        max_count = int(self.mat._a.max())
        n_digits = max(8, 1 + math.ceil(math.log10(max_count))) if max_count > 0 else 8
        classes = self.classes
        names = list(classes.values()) if hasattr(classes, "values") else list(classes)
        valids = self.valids._a.tolist()
        mat = self.mat._a
        for t in range(n):
            pclass = format(valids[t] * 100, "2.3f")
            parts.append("[" if t == 0 else " [")
            parts.extend(format(int(v), f"{n_digits}d") for v in mat[t].tolist())
            close = "]]  " if t == n - 1 else "]   "
            if names:
                name = lua_tostring(names[t]) if t < len(names) and names[t] is not None else ""
                parts.append(f"{close}{pclass}% \t[class: {name}]\n")
            else:
                parts.append(f"{close}{pclass}% \n")
        parts.append(" + average row correct: " + lua_number_str(self.averageValid * 100)
                     + "% \n")
        parts.append(" + average rowUcol correct (VOC measure): "
                     + lua_number_str(self.averageUnionValid * 100) + "% \n")
        parts.append(" + global correct: " + lua_number_str(self.totalValid * 100) + "%")
        return "".join(parts)

    __tostring__ = __str__

    def __repr__(self):
        return self.__str__()
