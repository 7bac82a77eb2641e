"""optim.Logger: log named values to a text file in Torch7's format and plot them.

Torch7 plotted with gnuplot (a window, and ``<name>.eps``); here the plot is drawn with
matplotlib's Agg backend (no display needed) into ``<name>.png`` and ``<name>.eps``.
"""

import numbers
import os
import sys
import time

import numpy as np

from ..torch.classes import TorchObject
from ..torch.printing import lua_print, lua_tostring
from ._common import lua_pairs

# gnuplot's default png terminal size, kept for the PNG plot
PLOT_WIDTH_PX, PLOT_HEIGHT_PX, PLOT_DPI = 640, 480, 100


class Logger(TorchObject):
    """``Logger([filename [, timestamp]])``: without a filename, logs to standard output."""

    __typename__ = "optim.Logger"

    def __init__(self, filename=None, timestamp=False):
        if filename:
            self.name = filename
            directory = os.path.dirname(filename)
            if directory:
                os.makedirs(directory, exist_ok=True)
            if timestamp:
                # a unique log file per run, as Torch7's os.date("%Y_%m_%d_%X")
                filename = filename + "-" + time.strftime("%Y_%m_%d_%X")
            self.file = open(filename, "w")  # noqa: SIM115 - lives as long as the logger
            self.epsfile = self.name + ".eps"
            self.pngfile = self.name + ".png"
        else:
            self.file = sys.stdout
            self.name = "stdout"
            self.epsfile = None
            self.pngfile = None
            lua_print("<Logger> warning: no path provided, logging to std out")
        self.empty = True
        self.symbols = {}
        self.styles = {}
        self.names = {}
        self.idx = {}
        self.figure = None
        self.showPlot = True
        self.plotRawCmd = None
        self.defaultStyle = "+"
        self.logscale = False
        self.nsymbols = 0

    def _write(self, text):
        self.file.write(text)

    def setNames(self, names):
        """Name the columns; later ``add`` calls give values in the same order."""
        self.names = names
        self.empty = False
        items = lua_pairs(names)
        self.nsymbols = len(items)
        for k, key in items:
            self._write(lua_tostring(key) + "\t")
            self.symbols[k] = []
            self.styles[k] = [self.defaultStyle]
            self.idx[key] = k
        self._write("\n")
        self.file.flush()
        return self

    def add(self, symbols):
        """Log one row: a list (in setNames order) or a mapping name -> value."""
        items = lua_pairs(symbols)
        if isinstance(symbols, dict) and type(symbols) is not dict:
            # a Lua table from the bridge: its pairs order is shuffled at every start of the
            # Lua runtime, so name the columns in a fixed (sorted) order instead
            items.sort(key=lambda kv: (not isinstance(kv[0], (int, float)), str(kv[0])))
        for k, val in items:
            if isinstance(val, bool) or not isinstance(val, (numbers.Real, str)):
                raise TypeError("<Logger> can only log numbers and strings")
        if self.empty:
            # the first row names the columns
            self.empty = False
            self.nsymbols = len(items)
            self.names = {}
            for k, _ in items:
                self._write(lua_tostring(k) + "\t")
                self.symbols[k] = []
                self.styles[k] = [self.defaultStyle]
                self.names[k] = k
            self.idx = self.names
            self._write("\n")
        for k, _ in items:
            if k not in self.symbols:
                raise KeyError(f"<Logger> unknown symbol {k!r}: the names are "
                               f"{list(self.symbols)}")
        if len(items) > 1:
            # values go under their own column, whatever order the table gave them in
            position = {k: i for i, k in enumerate(self.symbols)}
            items.sort(key=lambda kv: position[kv[0]])
        line = []
        for _, val in items:
            line.append(val if isinstance(val, str) else format(val, "11.4e"))
            line.append("\t")
        self._write("".join(line) + "\n")
        self.file.flush()
        for k, val in items:
            self.symbols[k].append(val)

    def style(self, symbols):
        """Plot styles per symbol: '.', '+', '-', '+-', '~', '|', or a list of them."""
        for name, style in lua_pairs(symbols):
            if isinstance(style, str):
                self.styles[name] = [style]
            elif isinstance(style, (list, tuple)):
                self.styles[name] = list(style)
            else:
                raise TypeError("<Logger> style should be a string or a table of strings")
        return self

    def setlogscale(self, value):
        self.logscale = value

    def display(self, value):
        """Whether plot() would show the figure; the files are written either way."""
        self.showPlot = value

    def _label(self, key):
        names = self.names
        if isinstance(names, (list, tuple)):
            return lua_tostring(names[key - 1]) if isinstance(key, int) else lua_tostring(key)
        return lua_tostring(names.get(key, key))

    def _curves(self, names):
        curves = []
        keys = list(self.symbols) if not names else [self.idx.get(n) for n in names]
        for key in keys:
            values = self.symbols.get(key)
            if values is None or len(values) <= 1:
                continue
            y = np.array([float(v) for v in values])
            for style in self.styles.get(key, [self.defaultStyle]):
                curves.append((self._label(key), y, style))
        return curves

    def plot(self, *names):
        """Plot every symbol (or the named ones) with at least two values, into
        ``<name>.png`` and ``<name>.eps``. Returns the list of files written."""
        curves = self._curves(names)
        if not curves or self.pngfile is None:
            return []
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(PLOT_WIDTH_PX / PLOT_DPI, PLOT_HEIGHT_PX / PLOT_DPI), dpi=PLOT_DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        for label, y, style in curves:
            _draw(ax, label, y, style)
        if self.logscale:
            ax.set_yscale("log")
        ax.grid(True)
        ax.set_title("<Logger::" + self.name + ">")
        ax.legend(loc="best", framealpha=1.0)  # opaque: EPS has no transparency
        written = []
        for path in (self.pngfile, self.epsfile):
            if os.path.exists(path):
                os.remove(path)
            fig.savefig(path, dpi=PLOT_DPI)
            written.append(path)
        self.figure = fig
        return written


def _draw(ax, label, y, style):
    """One curve in one of gnuplot's Logger styles (x = 1..n as gnuplot.plot numbers them)."""
    x = np.arange(1, y.size + 1)
    if style == "-":
        ax.plot(x, y, "-", label=label)
    elif style == "+-":
        ax.plot(x, y, "-+", label=label)
    elif style == ".":
        ax.plot(x, y, ".", linestyle="none", label=label)
    elif style == "|":
        ax.bar(x, y, width=1.0, fill=False, label=label)
    elif style == "~":
        # gnuplot's "smooth csplines": a natural cubic spline through the points
        xs, ys = _natural_cubic_spline(x.astype(np.float64), y)
        ax.plot(xs, ys, "-", label=label)
    elif style == "+":
        ax.plot(x, y, "+", linestyle="none", label=label)
    else:
        # a raw gnuplot style string has no matplotlib equivalent: draw lines
        ax.plot(x, y, "-", label=label)


def _natural_cubic_spline(x, y, samples_per_interval=10):
    n = x.size
    if n < 3:
        return x, y
    h = np.diff(x)
    # second derivatives M (natural: M[0] = M[-1] = 0) from the tridiagonal system, solved
    # with the Thomas algorithm
    sub = h[:-1]
    diag = 2 * (h[:-1] + h[1:])
    sup = h[1:]
    slopes = np.diff(y) / h
    rhs = 6 * np.diff(slopes)
    m = diag.size
    c = np.zeros(m)
    d = np.zeros(m)
    for k in range(m):
        denom = diag[k] - (sub[k] * c[k - 1] if k else 0.0)
        c[k] = sup[k] / denom
        d[k] = (rhs[k] - (sub[k] * d[k - 1] if k else 0.0)) / denom
    M = np.zeros(n)
    for k in range(m - 1, -1, -1):
        M[k + 1] = d[k] - (c[k] * M[k + 2] if k + 1 < m else 0.0)
    xs = np.linspace(x[0], x[-1], (n - 1) * samples_per_interval + 1)
    i = np.clip(np.searchsorted(x, xs) - 1, 0, n - 2)
    t0, t1 = xs - x[i], x[i + 1] - xs
    hi = h[i]
    ys = (M[i] * t1 ** 3 / (6 * hi) + M[i + 1] * t0 ** 3 / (6 * hi)
          + (y[i] / hi - M[i] * hi / 6) * t1 + (y[i + 1] / hi - M[i + 1] * hi / 6) * t0)
    return xs, ys
