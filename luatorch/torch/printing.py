"""Torch7's text for tensors and storages (``tostring`` / ``print``), and Lua's text for values.

The tensor and storage text follows torch7's Tensor.lua: one number format is chosen for all the
elements from their smallest and largest magnitudes (integers as ``%Nd``, a common power-of-ten
scale line such as ``1e-11 *`` with ``%7.4f`` for values much smaller or larger than one,
``%11.4e`` when magnitudes differ by more than four decades, plain ``%f`` once a NaN is present),
matrices are split into column blocks that fit 80 characters, tensors of three or more
dimensions print as ``(i,j,.,.) = `` matrix slices, and a footer names the type and size.
The returned text ends with a newline, as Torch7's ``__tostring__`` does; ``print`` adds one more.

Numbers print as LuaJIT 2.1 prints them (``%.14g``; ``nan`` without a sign; ``-0``).
"""

import itertools
import math
import sys

import numpy as np

from .classes import TorchObject

# Torch7 fits matrix rows into this many characters before splitting them into column blocks.
LINE_WIDTH = 80


# --- Lua values as text -----------------------------------------------------------------------
def lua_number_str(x):
    """LuaJIT's ``tostring`` of a number: ``%.14g`` of the double (``2^53`` -> ``9.007199254741e+15``)."""
    # Every Lua number is a double; LuaJIT prints NaN as "nan" whatever its sign bit.
    return "%.14g" % float(x)


def lua_tostring(value):
    """Lua's ``tostring`` of a Python value as the bridge shows it to Lua code."""
    if value is None:
        return "nil"
    if value is True or isinstance(value, np.bool_) and value:
        return "true"
    if value is False or isinstance(value, np.bool_):
        return "false"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return lua_number_str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    tostring = getattr(type(value), "__tostring__", None)
    if tostring is not None:
        return tostring(value)
    if isinstance(value, (list, tuple, dict)):
        return "table: 0x%08x" % id(value)
    if isinstance(value, TorchObject) and type(value).__str__ is object.__str__:
        # Torch7 shows an object whose class has no __tostring__ by its class name
        return type(value).__typename__ or "table: 0x%08x" % id(value)
    if callable(value):
        return "function: 0x%08x" % id(value)
    return str(value)


def _is_table(value):
    """Whether Lua code sees ``value`` as a table: lists, dicts, and Torch objects other than
    tensors and storages (nn modules are tables in Torch7)."""
    if isinstance(value, (list, tuple, dict)):
        return True
    return isinstance(value, TorchObject) and not _is_tensor_or_storage(value) \
        and hasattr(value, "__dict__")


def _is_tensor_or_storage(value):
    from .storage import Storage
    from .tensor import Tensor

    return isinstance(value, (Tensor, Storage))


def _table_items(table):
    if isinstance(table, dict):
        return list(table.items())
    if isinstance(table, (list, tuple)):
        return [(i + 1, v) for i, v in enumerate(table)]
    return [(k, v) for k, v in vars(table).items() if v is not None]


def _size_text(value):
    """trepl's short description of a tensor or storage inside a printed table."""
    short = value.__typename__.split(".", 1)[1]
    if hasattr(value, "_size"):
        if not value._size:
            return short + " - empty"
        return short + " - size: " + "x".join(str(s) for s in value._size)
    return short + " - size: " + str(value.size())


# trepl prints nested tables down to this depth (th's setprintlevel(5)); deeper ones as {...}
_PRINT_DEPTH = 5


def lua_print(*values, file=None):
    """Print as th's (trepl's) ``print`` does.

    Numbers, strings, booleans and nil are written followed by a tab, with one newline after
    the last of them; tensors, storages and objects with a ``__tostring__`` are written with
    ``tostring`` and a newline of their own; tables are printed recursively as ``key : value``
    lines (tensors inside them as ``DoubleTensor - size: 2x3``).
    """
    out = file if file is not None else sys.stdout
    parts = []

    def line(indent, text):
        parts.append(" " * indent + text + "\n")

    def nested_value(val):
        if isinstance(val, str):
            return '"' + val + '"'
        if _is_tensor_or_storage(val):
            return _size_text(val)
        return lua_tostring(val)

    def recurse(table, depth):
        items = _table_items(table)
        indent = depth * 4
        if not items:
            line(indent, "{}")
            return
        line(indent, "{")
        for key, val in items:
            k = lua_tostring(key)
            if _is_table(val):
                if depth >= _PRINT_DEPTH - 1 or not _table_items(val):
                    line(indent + 2, k + " : {...}")
                else:
                    line(indent + 2, k + " : ")
                    recurse(val, depth + 1)
            else:
                line(indent + 2, k + " : " + nested_value(val))
        line(indent, "}")

    n = len(values)
    for i, value in enumerate(values):
        if isinstance(value, TorchObject) or getattr(type(value), "__tostring__", None) is not None:
            # every Torch class has a __tostring metamethod (the class name by default)
            parts.append(lua_tostring(value) + "\n")
        elif isinstance(value, (list, tuple, dict)):
            recurse(value, 0)
        else:
            parts.append(lua_tostring(value) + "\t")
            if i == n - 1:
                parts.append("\n")
    if n == 0:
        parts.append("\n")
    text = "".join(parts)
    tees = list(print_tees)
    if file is not None or not any(getattr(tee, "silent", False) for tee in tees):
        out.write(text)
    for tee in tees:
        tee(values, text)


# Extra destinations of lua_print: callables tee(values, text). CmdLine.log adds its log file
# here; a tee whose ``silent`` attribute is true keeps the text off standard output.
print_tees = []


# --- number format shared by all elements -----------------------------------------------------
def _decade(magnitude):
    """floor(log10(m)) + 1, or 1 for zero; infinite and NaN magnitudes stay infinite / NaN."""
    if magnitude == 0:
        return 1.0
    if math.isnan(magnitude) or math.isinf(magnitude):
        return magnitude
    return float(math.floor(math.log10(magnitude)) + 1)


class _Format:
    """One printf format for every element, an optional common scale, and the field width."""

    def __init__(self, spec, width, scale=None):
        self.spec = spec  # e.g. "%7.4f", "%3d", "%11.4e", "%f"
        self.width = width  # float: NaN when the format degenerated to "%f"
        self.scale = scale

    def items(self, values):
        """The Python numbers that ``spec`` formats for the float64 array ``values``."""
        if self.scale is not None:
            values = values / self.scale
        if self.spec.endswith("d"):
            # Lua's %d of an integral double (|v| < 1e9 here); -0.0 prints as 0
            return values.astype(np.int64).tolist()
        return values.tolist()

    def join(self, values, sep):
        """The 1-D float64 array ``values`` formatted and joined with ``sep`` (one % operation)."""
        if values.size == 0:
            return ""
        return sep.join([self.spec] * values.size) % tuple(self.items(values))


def _choose_format(values):
    """Torch7's choice of format for the float64 array ``values`` (any shape)."""
    flat = values.reshape(-1)
    if flat.size == 0:
        return _Format("", 0.0)
    with np.errstate(invalid="ignore"):
        int_mode = bool(np.all(flat == np.ceil(flat)))
    magnitudes = np.abs(flat)
    # TH's minall/maxall let a NaN win, as np.min / np.max do
    exp_min = _decade(float(np.min(magnitudes)))
    exp_max = _decade(float(np.max(magnitudes)))

    scale = None
    if int_mode:
        if exp_max > 9:
            spec, width = "%11.4e", 11.0
        else:
            width = exp_max + 1
            spec = "%" + str(int(width)) + "d"
    else:
        if exp_max - exp_min > 4:
            width = 11.0
            if abs(exp_max) > 99 or abs(exp_min) > 99:
                width += 1
            spec = "%" + str(int(width)) + ".4e"
        elif exp_max > 5 or exp_max < 0:
            width = 7.0
            spec = "%7.4f"
            scale = 10.0 ** (exp_max - 1)
        else:
            width = 7.0 if exp_max == 0 else exp_max + 6
            if math.isnan(width):
                # Torch7's format string became "%nan.4f", which it replaces by "%f"
                spec = "%f"
            else:
                spec = "%" + str(int(width)) + ".4f"
    if scale == 1:
        scale = None
    return _Format(spec, width, scale)


def _scale_line(scale):
    return ("%g" % scale) + " *\n"


# --- tensors and storages ---------------------------------------------------------------------
def _vector_lines(values, fmt):
    """The lines of a 1-D tensor or a storage: optional scale line, one element a line."""
    parts = []
    if fmt.scale is not None:
        parts.append(_scale_line(fmt.scale))
    if values.size:
        parts.append(fmt.join(values, "\n"))
        parts.append("\n")
    return "".join(parts)


def _matrix_text(matrix, fmt, indent=""):
    """A 2-D float64 array in column blocks that fit LINE_WIDTH, as Torch7's printMatrix."""
    nrows, ncols = matrix.shape
    scaled = fmt.scale is not None
    if math.isnan(fmt.width):
        per_line = None  # a NaN width puts every column in one block, without a header
    else:
        per_line = int((LINE_WIDTH - len(indent)) // (fmt.width + 1))
    parts = [indent]
    first = 1
    while first <= ncols:
        if per_line is not None and first + per_line - 1 <= ncols:
            last = first + per_line - 1
        else:
            last = ncols
        if per_line is not None and per_line < ncols:
            if first != 1:
                parts.append("\n")
            parts.append("Columns %d to %d\n%s" % (first, last, indent))
        if scaled:
            parts.append(("%g" % fmt.scale) + " *\n " + indent)
        row_indent = indent + " " if scaled else indent
        # the whole block in one % operation: rows joined by a newline and the row indent
        block = matrix[:, first - 1:last]
        row_template = " ".join([fmt.spec] * (last - first + 1))
        template = ("\n" + row_indent).join([row_template] * nrows) + "\n"
        parts.append(template % tuple(fmt.items(block.reshape(-1))))
        first = last + 1
    return "".join(parts)


def _slices_text(array, fmt):
    """A tensor of 3+ dimensions as ``(i,j,.,.) = `` matrix slices, first index fastest."""
    lead = array.shape[:-2]
    parts = []
    # Torch7 counts the leading indices like an odometer whose first digit turns fastest
    for rev in itertools.product(*[range(n) for n in reversed(lead)]):
        index = tuple(reversed(rev))
        if parts:
            parts.append("\n")
        parts.append("(" + "".join("%d," % (i + 1) for i in index) + ".,.) = \n")
        parts.append(_matrix_text(array[index], fmt, " "))
    return "".join(parts)


def _as_float64(values):
    return np.asarray(values, dtype=np.float64)


def format_tensor(t):
    """``tostring(t)`` of a Torch tensor, ending with the footer line and its newline."""
    name = t.__typename__
    size = tuple(t._size)
    if not size:
        return "[" + name + " with no dimension]\n"
    values = _as_float64(t._a)
    fmt = _choose_format(values)
    if len(size) == 1:
        body = _vector_lines(values, fmt)
    elif len(size) == 2:
        body = _matrix_text(values, fmt)
    else:
        body = _slices_text(values, fmt)
    return body + "[" + name + " of size " + "x".join(str(s) for s in size) + "]\n"


def format_storage(s):
    """``tostring(s)`` of a Torch storage: its elements one a line, then the footer."""
    values = _as_float64(s.data)
    fmt = _choose_format(values)
    return _vector_lines(values, fmt) + "[" + s.__typename__ + " of size " + str(values.size) + "]\n"
