"""Lua's behaviour where Python has no clean spelling of it, for translated scripts.

``luatorch translate`` writes plain Python wherever that is exact and calls these helpers only
where Lua and Python differ: ``print`` as Torch's ``th`` prints (numbers as LuaJIT's ``%.14g``,
``true``/``nil``, tables recursively), ``tostring``/``tonumber``, ``string.format`` with Lua's
conversions, Lua patterns (``string.find/match/gmatch/gsub``), and numeric ``for`` loops with
fractional steps. This module knows nothing of the Lua runtime (no lupa).
"""

import math
import numbers
import re
import sys

__all__ = [
    "LuaError",
    "LuaFile",
    "Table",
    "Values",
    "array_part",
    "byte",
    "char",
    "collectgarbage",
    "concat",
    "concat_text",
    "date",
    "dofile",
    "error",
    "execute",
    "find",
    "format",
    "getmetatable",
    "gmatch",
    "gsub",
    "index",
    "io_type",
    "iterate",
    "length",
    "lines",
    "load",
    "loadfile",
    "loadstring",
    "lua_assert",
    "lua_concat",
    "match",
    "math_random",
    "math_randomseed",
    "maxn",
    "method",
    "modf",
    "next",
    "numeric_for",
    "open",
    "pairs",
    "pcall",
    "print",
    "rawequal",
    "rawget",
    "rawlen",
    "rawset",
    "read",
    "remove",
    "rename",
    "rep",
    "require",
    "setmetatable",
    "sort",
    "stderr",
    "stdin",
    "stdout",
    "sub",
    "tmpname",
    "tonumber",
    "tostring",
    "truthy",
    "type",
    "unpack",
    "write",
]

_builtin_print = print
_builtin_type = type
_ModuleType = _builtin_type(sys)


class LuaError(RuntimeError):
    """An error raised by translated Lua code (``error(value)``); ``pcall`` catches it.

    A string (or number) value is prefixed with a position as Lua's ``error`` does: ``level`` 1
    (the default) names the line of the translated code that raises it, where the running
    Python file is the translated script itself ("script.py:12: message"); 2 its caller's line,
    and so on (see ``_position``); 0 adds nothing. Raised from compat or the library (which
    stand for Lua's C functions), level 1 is the line of the translated code that called them,
    as a C function's errors name their Lua caller's line. Other values are kept as they are."""

    def __init__(self, value=None, level=1, *, _frame=None):
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and level:
            start = _frame
            if start is None:
                start = sys._getframe(1)
                if not _is_script(start):
                    level += 1   # raised by compat (a C function): level 1 is its caller
            where = _position(start, level)
            if where:
                value = f"{where}: {tostring(value)}"
        super().__init__(value)
        self.value = value

    def __str__(self):
        return tostring(self.value)


# --- values as text --------------------------------------------------------------------------
def number_to_string(x):
    """A number as LuaJIT prints it: ``%.14g`` (``2`` for 2.0, ``1e+100``, ``-0``, ``inf``, ``nan``)."""
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) < 10 ** 14:
        return str(x)
    x = float(x)
    if math.isnan(x):
        return "nan" if math.copysign(1, x) > 0 else "-nan"
    return f"{x:.14g}"


def tostring(x):
    """Lua's ``tostring``."""
    if x is None:
        return "nil"
    if x is True:
        return "true"
    if x is False:
        return "false"
    if isinstance(x, (int, float)):
        return number_to_string(x)
    if isinstance(x, str):
        return x
    if isinstance(x, Table) and _metamethod(x, "__tostring") is not None:
        return _first_value(_call_metamethod(_metamethod(x, "__tostring"), x))
    if isinstance(x, (list, dict)):
        return f"table: 0x{id(x):08x}"
    if callable(x) and not hasattr(x, "__typename__") and not hasattr(_builtin_type(x), "__typename__") \
            and not hasattr(_builtin_type(x), "__call__"):
        return f"function: 0x{id(x):08x}"
    if _builtin_type(x).__str__ is object.__str__ and not hasattr(x, "__typename__"):
        return f"table: 0x{id(x):08x}"   # an object of a translated Lua class without __tostring
    return str(x)


def tonumber(x, base=None):
    """Lua's ``tonumber``: a number, or None when the text is not a Lua numeral."""
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return x
    if not isinstance(x, str):
        return None
    s = x.strip()
    try:
        if base is not None:
            return int(s, base)
        if s.lower().startswith(("0x", "-0x", "+0x")):
            return int(s, 16)
        if re.fullmatch(r"[+-]?\d+", s):
            return int(s)
        if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|nan)", s, re.IGNORECASE) and \
                not re.search("inf|nan", s, re.IGNORECASE):
            return float(s)
    except ValueError:
        pass
    return None


def type(x):
    """Lua's ``type``: "nil", "boolean", "number", "string", "table", "function" or "userdata"."""
    if x is None:
        return "nil"
    if isinstance(x, bool):
        return "boolean"
    if isinstance(x, (int, float)):
        return "number"
    if isinstance(x, (str, bytes)):   # bytes: a Lua string from the library (torch.serialize)
        return "string"
    if isinstance(x, (list, dict, tuple)):
        return "table"
    if isinstance(x, (_builtin_type, _ModuleType)):   # a package (torch, nn) or a class (nn.Linear)
        return "table"
    if hasattr(_builtin_type(x), "__typename__"):
        # torch objects: tensors are userdata; nn modules are tables with a metatable
        name = _builtin_type(x).__typename__ or ""
        return "userdata" if name.startswith("torch.") else "table"
    if callable(x):
        return "function"
    return "userdata"


def _is_torch_object(x):
    return hasattr(_builtin_type(x), "__typename__")


def _nested(v):
    if isinstance(v, str):
        return '"' + v + '"'
    if _is_torch_object(v) and _builtin_type(v).__typename__ and \
            ("Tensor" in _builtin_type(v).__typename__ or "Storage" in _builtin_type(v).__typename__):
        return _size_string(v)
    return tostring(v)


def _size_string(x):
    name = _builtin_type(x).__typename__.split(".", 1)[-1]
    if "Storage" in name:
        return f"{name} - size: {x.size()}"
    if x.nDimension() == 0:
        return f"{name} - empty"
    return f"{name} - size: " + "x".join(str(x.size(i)) for i in range(1, x.nDimension() + 1))


def _table_items(t):
    if isinstance(t, dict):
        return list(t.items())
    return [(i, v) for i, v in enumerate(t, 1) if v is not None]


def _print_table(obj, out, depth=0, max_depth=4):
    tab = depth * 4
    items = _table_items(obj)
    if not items:
        out.append(" " * tab + "{}")
        return
    out.append(" " * tab + "{")
    pad = " " * (tab + 2)
    for k, v in items:
        key = tostring(k)
        if isinstance(v, (list, dict)):
            if depth >= max_depth - 1 or not v:
                out.append(f"{pad}{key} : {{...}}")
            else:
                out.append(f"{pad}{key} : ")
                _print_table(v, out, depth + 1, max_depth)
        else:
            out.append(f"{pad}{key} : {_nested(v)}")
    out.append(" " * tab + "}")


def print(*values):
    """Print as Torch's ``th`` does: scalars tab-terminated on one line, torch objects with their
    ``tostring`` on a line each, plain tables recursively."""
    parts = []
    n = len(values)
    for i, v in enumerate(values):
        if isinstance(v, Table) and _metamethod(v, "__tostring") is not None:
            parts.append(tostring(v) + "\n")   # th prints it on its own line, as an object
        elif isinstance(v, (list, dict)):
            lines = []
            _print_table(v, lines)
            parts.append("\n".join(lines) + "\n")
        elif _is_torch_object(v):
            parts.append(str(v) + "\n")
        else:
            parts.append(tostring(v) + "\t")
            if i == n - 1:
                parts.append("\n")
    sys.stdout.write("".join(parts))  # print() alone writes nothing, as th's print


def write(*values):
    """``io.write``: strings and numbers (``%.14g``) with nothing between them."""
    for v in values:
        if not isinstance(v, (str, int, float)) or isinstance(v, bool):
            raise LuaError(f"bad argument to 'write' (string expected, got {type(v)})")
        sys.stdout.write(v if isinstance(v, str) else number_to_string(v))


# --- string.format ---------------------------------------------------------------------------
_SPEC = re.compile(r"%([-+ #0]*)(\d*)(?:\.(\d*))?([diouxXeEfFgGqsca%])")


def format(fmt, *args):
    """``string.format`` with Lua's conversions (``%d`` truncates, ``%s`` uses ``tostring``,
    ``%q`` quotes)."""
    out = []
    pos = 0
    argi = 0
    for m in _SPEC.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        flags, width, prec, conv = m.groups()
        if conv == "%":
            out.append("%")
            continue
        if argi >= len(args):
            raise LuaError(f"bad argument #{argi + 2} to 'format' (no value)")
        v = args[argi]
        argi += 1
        spec = "%" + flags + width + ("." + prec if prec is not None else "")
        if conv in "dic":
            n = _to_number(v, argi)
            if conv == "c":
                out.append(chr(int(n)))
            else:
                out.append((spec + "d") % int(n))
        elif conv in "ouxX":
            n = int(_to_number(v, argi))
            if n < 0:
                n &= (1 << 64) - 1
            out.append((spec + conv) % n)
        elif conv in "eEfFgG":
            out.append((spec + conv) % float(_to_number(v, argi)))
        elif conv == "a":
            out.append(float(_to_number(v, argi)).hex())
        elif conv == "q":
            s = tostring(v)
            s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\\n")
            s = s.replace("\r", "\\r").replace("\0", "\\000")
            out.append('"' + s + '"')
        else:  # s
            out.append((spec + "s") % tostring(v))
    out.append(fmt[pos:])
    return "".join(out)


def _to_number(v, argi):
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise LuaError(f"bad argument #{argi + 1} to 'format' (number expected, got {type(v)})")
    if isinstance(v, str):
        n = tonumber(v)
        if n is None:
            raise LuaError(f"bad argument #{argi + 1} to 'format' (number expected, got string)")
        return n
    return v


# --- strings ---------------------------------------------------------------------------------
def _start_index(i, n):
    if i < 0:
        i = max(n + i + 1, 1)
    elif i == 0:
        i = 1
    return i


def sub(s, i=1, j=-1):
    """``string.sub`` with Lua's 1-based, inclusive, negative-from-the-end indices."""
    n = len(s)
    i = _start_index(int(i), n)
    j = int(j)
    if j < 0:
        j = n + j + 1
    elif j > n:
        j = n
    return s[i - 1:j] if i <= j else ""


def rep(s, n, sep=""):
    n = int(n)
    if n <= 0:
        return ""
    return sep.join([s] * n) if sep else s * n


def char(*codes):
    return "".join(chr(int(c)) for c in codes)


# Lua patterns -> Python regular expressions
_CLASSES = {"a": "A-Za-z", "d": "0-9", "l": "a-z", "s": r" \t\n\r\f\v", "u": "A-Z",
            "w": "0-9A-Za-z", "x": "0-9A-Fa-f", "p": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
            "c": r"\x00-\x1f\x7f", "g": r"\x21-\x7e"}


def _class(c, negate_ok=True):
    if c.lower() in _CLASSES:
        body = _CLASSES[c.lower()]
        return ("[^" + body + "]") if c.isupper() else ("[" + body + "]")
    return re.escape(c)


def _class_in_set(c):
    if c.lower() in _CLASSES:
        if c.isupper():
            raise LuaError(f"pattern class %{c} inside a set is not supported")
        return _CLASSES[c.lower()]
    return re.escape(c)


_pattern_cache = {}


def lua_pattern(p):
    """Compile a Lua pattern to a Python regex (``%b`` and ``%f`` are not supported)."""
    hit = _pattern_cache.get(p)
    if hit is not None:
        return hit
    out = []
    i, n = 0, len(p)
    ncap = 0
    if p.startswith("^"):
        out.append(r"\A")
        i = 1
    while i < n:
        c = p[i]
        if c == "%":
            i += 1
            d = p[i]
            if d.isdigit():
                out.append(f"(?P={_group(int(d))})")
                i += 1
                continue
            if d in "bf":
                raise LuaError(f"Lua pattern item %{d} is not supported")
            atom = _class(d)
            i += 1
        elif c == "[":
            j = i + 1
            body = []
            if j < n and p[j] == "^":
                body.append("^")
                j += 1
            first = True
            while j < n and (p[j] != "]" or first):
                first = False
                if p[j] == "%":
                    body.append(_class_in_set(p[j + 1]))
                    j += 2
                elif j + 2 < n and p[j + 1] == "-" and p[j + 2] != "]":
                    body.append(re.escape(p[j]) + "-" + re.escape(p[j + 2]))
                    j += 3
                else:
                    body.append(re.escape(p[j]) if p[j] not in "^" or body else "\\^")
                    j += 1
            atom = "[" + "".join(body) + "]"
            i = j + 1
        elif c == "(":
            if i + 1 < n and p[i + 1] == ")":
                ncap += 1
                out.append(f"(?P<{_group(ncap)}>)")  # position capture
                i += 2
                continue
            ncap += 1
            out.append(f"(?P<{_group(ncap)}>")
            i += 1
            continue
        elif c == ")":
            out.append(")")
            i += 1
            continue
        elif c == "$" and i == n - 1:
            out.append(r"\Z")
            i += 1
            continue
        elif c == ".":
            atom = "[\\s\\S]"
            i += 1
        else:
            atom = re.escape(c)
            i += 1
        if i < n and p[i] in "*+?-":
            q = p[i]
            atom += {"*": "*", "+": "+", "?": "?", "-": "*?"}[q]
            i += 1
        out.append(atom)
    compiled = re.compile("".join(out), re.DOTALL)
    position_groups = {g for g in range(1, ncap + 1) if f"(?P<{_group(g)}>)" in "".join(out)}
    _pattern_cache[p] = (compiled, ncap, position_groups)
    return _pattern_cache[p]


def _group(k):
    return f"c{k}"


def _captures(m, ncap, positions):
    if ncap == 0:
        return (m.group(0),)
    out = []
    for g in range(1, ncap + 1):
        if g in positions:
            out.append(m.start(_group(g)) + 1)
        else:
            out.append(m.group(_group(g)))
    return tuple(out)


def _one(values):
    return values[0] if len(values) == 1 else values


def find(s, pattern, init=1, plain=False):
    """``string.find``: (start, end, captures...) 1-based, or (None, None) when not found."""
    init = _start_index(int(init), len(s))
    if init > len(s) + 1:
        return None, None
    if plain or not any(ch in pattern for ch in "^$*+?.([%-"):
        k = s.find(pattern, init - 1)
        return (None, None) if k < 0 else (k + 1, k + len(pattern))
    rx, ncap, pos = lua_pattern(pattern)
    m = rx.search(s, init - 1)
    if m is None:
        return None, None
    caps = _captures(m, ncap, pos) if ncap else ()
    return (m.start() + 1, m.end()) + caps


def match(s, pattern, init=1):
    """``string.match``: the captures (one value, or a tuple of them), or None."""
    init = _start_index(int(init), len(s))
    rx, ncap, pos = lua_pattern(pattern)
    m = rx.search(s, init - 1)
    if m is None:
        return None
    return _one(_captures(m, ncap, pos))


def gmatch(s, pattern):
    """``string.gmatch``: iterate over the matches (each one value, or a tuple of captures)."""
    rx, ncap, pos = lua_pattern(pattern)
    for m in rx.finditer(s):
        yield _one(_captures(m, ncap, pos))


def gsub(s, pattern, repl, n=None):
    """``string.gsub``: (new string, number of substitutions)."""
    rx, ncap, pos = lua_pattern(pattern)
    count = 0

    def substitute(m):
        nonlocal count
        if n is not None and count >= n:
            return m.group(0)
        count += 1
        caps = _captures(m, ncap, pos)
        if isinstance(repl, str):
            def group(mm):
                d = mm.group(1)
                if d == "%":
                    return "%"
                if d == "0":
                    return m.group(0)
                return tostring(caps[int(d) - 1])
            return re.sub(r"%([0-9%])", group, repl)
        if isinstance(repl, dict):
            value = repl.get(caps[0])
        else:
            value = repl(*caps)
        if value is None or value is False:
            return m.group(0)
        return tostring(value)

    return rx.sub(substitute, s), count


# --- control flow and tables -----------------------------------------------------------------
def numeric_for(start, stop, step=1):
    """Lua's numeric ``for`` with any (fractional) step: the values it takes, in order."""
    if step == 0:
        raise LuaError("'for' step is zero")
    v = start
    if step > 0:
        while v <= stop:
            yield v
            v += step
    else:
        while v >= stop:
            yield v
            v += step


def pairs(t):
    """``pairs``: (key, value) of a list (1-based keys) or of a dict."""
    if isinstance(t, dict):
        return list(t.items())
    if isinstance(t, (list, tuple)):
        return [(i, v) for i, v in enumerate(t, 1) if v is not None]
    # a library object (an nn module is a Lua table of fields in Torch7)
    return [(k, v) for k, v in vars(t).items() if v is not None]


def length(t):
    """Lua's ``#``: strings and lists by length, dicts by their border (``t[n] ~= nil``, ``t[n+1] == nil``)."""
    if isinstance(t, dict):
        n = 0
        while dict.get(t, n + 1) is not None:   # raw, as Lua's # (no __index)
            n += 1
        return n
    if hasattr(t, "__typename__") and hasattr(t, "size") and not isinstance(t, (list, str)):
        return t.size()
    return len(t)


def index(t, k):
    """``t[k]`` for a value the translator could not type: lists 1-based, dicts by key, objects
    (tensors) with the library's 1-based indexing."""
    if isinstance(k, float) and k.is_integer():
        k = int(k)   # Lua's t[2.0] is t[2]
    if isinstance(t, list):
        return t[k - 1] if isinstance(k, int) and not isinstance(k, bool) and 1 <= k <= len(t) else None
    if isinstance(t, dict):
        return t.get(k)
    if t is None or isinstance(t, (bool, int, float)):
        raise LuaError(f"attempt to index a {type(t)} value")
    if isinstance(k, str):   # a field of an object (nil when missing); of a string, Lua's nil too
        return getattr(t, k, None) if not isinstance(t, str) else None
    return t[k]


def concat(t, sep="", i=1, j=None):
    """``table.concat``: strings and numbers (``%.14g``) joined by ``sep``."""
    items = t[i - 1:j] if j is not None else t[i - 1:]
    out = []
    for v in items:
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise LuaError(f"invalid value (of type '{type(v)}') in table for 'concat'")
        out.append(v if isinstance(v, str) else number_to_string(v))
    return sep.join(out)


def sort(t, comp=None):
    """``table.sort`` with an optional ``comp(a, b)`` less-than function."""
    if comp is None:
        t.sort()
        return
    import functools

    t.sort(key=functools.cmp_to_key(lambda a, b: -1 if comp(a, b) else (1 if comp(b, a) else 0)))


def unpack(t, i=1, j=None):
    """``unpack``: the items of a list as a tuple (Lua's multiple values)."""
    j = len(t) if j is None else j
    return tuple(t[k - 1] if k <= len(t) else None for k in range(i, j + 1))


def setindex(t, i, v):
    """``t[i] = v`` on a Lua array held in a Python list: an index one past the end appends (as
    Lua's table grows); further out, the gap fills with None (Lua's holes). On a value the
    translator could not type: a dict by key (nil removes it), an object's field or element."""
    if isinstance(i, float) and i.is_integer():
        i = int(i)
    if isinstance(t, dict):
        if v is None:
            t.pop(i, None)
        else:
            t[i] = v
        return
    if not isinstance(t, list):
        if t is None or isinstance(t, (bool, int, float, str)):
            raise LuaError(f"attempt to index a {type(t)} value")
        if isinstance(i, str):
            setattr(t, i, v)
        else:
            t[i] = v   # the library's 1-based indexing
        return
    n = len(t)
    if not isinstance(i, int) or i < 1:
        raise LuaError(f"array index {tostring(i)} is not a positive integer (translated Lua array)")
    if i <= n:
        t[i - 1] = v
    else:
        t.extend([None] * (i - 1 - n))
        t.append(v)


def select(n, *values):
    """``select(n, ...)``: the values from the n-th on (negative n counts from the end)."""
    if n == "#":
        return len(values)
    n = int(n)
    return values[n - 1:] if n > 0 else values[n:]


def arg(i):
    """``arg[i]`` of a th script: sys.argv[i] (arg[0] is the script), None beyond the end."""
    i = int(i)
    return sys.argv[i] if 0 <= i < len(sys.argv) else None


def pcall(f, *args):
    """``pcall``: (True, results...) or (False, the error value) as ``Values``. An error raised
    with ``error(value)`` keeps its value (a table stays that table; a message has its position
    already). Any other exception is reported as Lua reports errors: its message prefixed with
    the position of the translated code it came from (see ``lua_error_message``)."""
    try:
        result = f(*args)
    except LuaError as e:
        return Values((False, e.value))
    except Exception as e:  # noqa: BLE001 - pcall catches every error, as Lua's does
        return Values((False, lua_error_message(e)))
    if isinstance(result, tuple):
        return Values((True,) + result)
    return Values((True, result))


def error(message=None, level=1):
    """``error(message, level)``: raise ``message`` (any value). Level 1 names the line that
    called ``error``, 2 the line that called that function, ...; a level that lands on library
    or compat code (Lua's C functions, such as ``pcall(error, msg)``) adds no position."""
    raise LuaError(message, level, _frame=sys._getframe(1))


# --- errors as Lua reports them ---------------------------------------------------------------
# Lua prefixes an error message with "chunk:line" of the Lua code that raised it. A translated
# program is a Python program, so its positions are its own: the Python file and line that is
# running, found at run time from the frames (as Lua finds them from its stack), never a Lua
# position written into the translation. Frames of the library, compat, the translator and
# Python's own library stand for Lua's C functions: they have no position of their own.
def _library_dirs():
    import os
    import sysconfig

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # luatorch/
    dirs = {package, os.path.join(os.path.dirname(package), "translator")}
    paths = sysconfig.get_paths()
    dirs.update(paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths)
    return tuple(os.path.join(os.path.abspath(d), "") for d in dirs)


_LIBRARY_DIRS = None
_script_files = {}
# chunks that loadstring/dofile translate at run time, by chunk name: their Python is written
# nowhere, so their errors name the chunk's Lua lines (through the translation's line map)
_chunk_translations = {}


def _is_script(frame):
    """Is ``frame`` running translated code (not the library, compat or Python's library)?"""
    filename = frame.f_code.co_filename
    known = _script_files.get(filename)
    if known is None:
        global _LIBRARY_DIRS
        if _LIBRARY_DIRS is None:
            _LIBRARY_DIRS = _library_dirs()
        import os

        if filename.startswith("<"):
            known = not filename.startswith("<frozen")
        else:
            known = not os.path.abspath(filename).startswith(_LIBRARY_DIRS)
        _script_files[filename] = known
    return known


def _file_name(filename):
    """A file as an error message names it: relative to the current folder when inside it
    (``th script.lua`` says ``script.lua:3:``; ``python script.py``, ``script.py:3:``)."""
    import os

    if filename.startswith("<"):
        return filename
    try:
        rel = os.path.relpath(filename)
    except ValueError:
        return filename
    return filename if rel.startswith(os.pardir) else rel


# compat functions that stand for Lua's VM rather than a C function: a metamethod or a `for`
# iterator that they call is called directly by the Lua code, with no level in between
_VM_FRAMES = {"_call_metamethod", "iterate"}
# compat's pcall is a C function of its own: the one it calls is one level, pcall the next
_PROTECTED_CALLS = {"pcall", "xpcall"}


def _levels(frame):
    """The levels of Lua's stack from ``frame`` outwards, each a frame of translated code or
    None (a C function: a run of library and compat frames counts as one level, or as none
    when it only dispatches a metamethod or a ``for`` iterator)."""
    while frame is not None:
        if _is_script(frame):
            yield frame
            frame = frame.f_back
            continue
        transparent, compat_only, run_start = False, True, frame
        while frame is not None and not _is_script(frame):
            own = frame.f_globals.get("__name__") == __name__
            if own and frame.f_code.co_name in _PROTECTED_CALLS:
                if frame is not run_start:
                    yield None   # the C function pcall called (pcall(require, name))
                yield None       # pcall itself
                frame = frame.f_back
                break
            if own:
                transparent = transparent or frame.f_code.co_name in _VM_FRAMES
            else:
                compat_only = False
            frame = frame.f_back
        else:
            if not (transparent and compat_only):
                yield None


def _position(frame, level):
    """"file:line" of Lua level ``level`` counted from ``frame`` (level 1), or "" where that
    level is a C function (library or compat code) or past the end of the stack."""
    if level < 1:
        return ""
    for n, f in enumerate(_levels(frame), 1):
        if n == level:
            return "" if f is None else _where(f.f_code.co_filename, f.f_lineno)
    return ""


def _where(filename, line):
    """"file:line" of a line of translated code (a chunk translated at run time: its Lua line)."""
    chunk = _chunk_translations.get(filename)
    if chunk is not None:
        return f"{filename}:{chunk.lua_line(line) or line}"
    return f"{_file_name(filename)}:{line}"


_LUA_TYPE_NAMES = {"NoneType": "nil", "bool": "boolean", "int": "number", "float": "number",
                   "str": "string", "dict": "table", "list": "table", "tuple": "table",
                   "Table": "table", "Values": "table", "function": "function",
                   "builtin_function_or_method": "function", "method": "function"}
_NOT_CALLABLE = re.compile(r"'(\w+)' object is not callable$")
_NOT_SUBSCRIPTABLE = re.compile(r"'(\w+)' object (?:is not subscriptable|does not support item assignment)$")
_NO_LENGTH = re.compile(r"object of type '(\w+)' has no len\(\)$")
_CONCATENATE = re.compile(r'can only concatenate (\w+) \(not "(\w+)"\) to \w+$')
_ARITHMETIC = re.compile(r"unsupported operand type\(s\) for ([^:]+): '(\w+)' and '(\w+)'$")
_UNARY = re.compile(r"bad operand type for unary -: '(\w+)'$")
_COMPARE = re.compile(r"'([<>]=?)' not supported between instances of '(\w+)' and '(\w+)'$")


def lua_error_message(exc):
    """The message Lua would give for an exception raised in (or under) translated code: the
    position of the innermost translated line in its traceback, then the text (see
    ``_runtime_error_text``) ("script.py:8: narrow: out of range ...")."""
    if isinstance(exc, LuaError):
        return exc.value
    tb, innermost = exc.__traceback__, None
    while tb is not None:
        if _is_script(tb.tb_frame):
            innermost = tb
        last = tb
        tb = tb.tb_next
    if isinstance(exc, AssertionError):   # a translated assert(v, message)
        value = exc.args[0] if exc.args else "assertion failed!"
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            return value   # assert(v, {a table}) raises that table, as Lua's does
        text = tostring(value)
    else:
        own = innermost is not None and innermost is last   # raised by the translated line itself
        text = (_runtime_error_text(exc, innermost) if own else None) or str(exc)
    if innermost is None:
        return text
    return f"{_where(innermost.tb_frame.f_code.co_filename, innermost.tb_lineno)}: {text}"


def _lua_type_name(pytype):
    return _LUA_TYPE_NAMES.get(pytype)


def _runtime_error_text(exc, tb):
    """Lua's wording for Python's TypeError/AttributeError raised by an operation of translated
    code on a value of the wrong type (indexing nil, calling nil, arithmetic on nil ...), naming
    the field or method where the bytecode says which; None where the error is not one of
    those (Python's message is kept)."""
    message = str(exc)
    if isinstance(exc, AttributeError):
        if getattr(exc, "obj", 0) is not None or not hasattr(exc, "obj"):
            return None
        return f"attempt to index {_culprit(tb, 'index')}"
    if not isinstance(exc, TypeError):
        return None
    m = _NOT_CALLABLE.match(message)
    if m and _lua_type_name(m.group(1)):
        return f"attempt to call {_culprit(tb, 'call', _lua_type_name(m.group(1)))}"
    m = _NOT_SUBSCRIPTABLE.match(message)
    if m and _lua_type_name(m.group(1)):
        return f"attempt to index {_culprit(tb, 'index', _lua_type_name(m.group(1)))}"
    m = _NO_LENGTH.match(message)
    if m and _lua_type_name(m.group(1)):
        return f"attempt to get length of a {_lua_type_name(m.group(1))} value"
    m = _CONCATENATE.match(message)   # str + x: Lua's .., list + x: arithmetic on a table
    if m and _lua_type_name(m.group(1)) and _lua_type_name(m.group(2)):
        if m.group(1) == "str":
            return f"attempt to concatenate a {_lua_type_name(m.group(2))} value"
        return f"attempt to perform arithmetic on a {_lua_type_name(m.group(1))} value"
    m = _ARITHMETIC.match(message)
    if m and _lua_type_name(m.group(2)) and _lua_type_name(m.group(3)):
        left, right = _lua_type_name(m.group(2)), _lua_type_name(m.group(3))
        if m.group(1).strip() == "+" and "string" in (left, right):
            culprit = right if left == "string" else left
            return f"attempt to concatenate a {culprit} value"
        # Lua blames the first operand that is not a number
        culprit = left if left != "number" else right
        return f"attempt to perform arithmetic on a {culprit} value"
    m = _UNARY.match(message)
    if m and _lua_type_name(m.group(1)):
        return f"attempt to perform arithmetic on a {_lua_type_name(m.group(1))} value"
    m = _COMPARE.match(message)
    if m and _lua_type_name(m.group(2)) and _lua_type_name(m.group(3)):
        left, right = _lua_type_name(m.group(2)), _lua_type_name(m.group(3))
        if m.group(1).startswith(">"):
            left, right = right, left   # Lua evaluates a > b as b < a
        if left == right:
            return f"attempt to compare two {left} values"
        return f"attempt to compare {left} with {right}"
    return None


_CALL_PREFIX = ("PRECALL", "KW_NAMES", "CACHE")


def _callee(instructions, at):
    """The instruction that gave the function called by the CALL at ``at``: the last one
    before it that starts where the call expression does (the arguments start later)."""
    start = instructions[at].positions
    for ins in reversed(instructions[:at]):
        if ins.opname in _CALL_PREFIX or ins.opname == "PUSH_NULL":
            continue
        if ins.positions.lineno == start.lineno and ins.positions.col_offset == start.col_offset:
            return ins
    return None


def _field_read_by_call(instructions, at):
    """The field name when the CALL at ``at`` is how the translation reads a field that may be
    missing: ``getattr(x, "f", None)`` or ``compat.index(x, "f")``; else None."""
    callee = _callee(instructions, at)
    k = at - 1
    while k >= 0 and instructions[k].opname in _CALL_PREFIX:
        k -= 1
    args = instructions[max(k - 1, 0):k + 1]   # the last two argument loads
    if callee is None or len(args) < 2 or any(a.is_jump_target for a in args + [instructions[at]]):
        return None
    if callee.argval == "getattr" and callee.opname in ("LOAD_GLOBAL", "LOAD_NAME") and \
            [a.opname for a in args] == ["LOAD_CONST", "LOAD_CONST"] and args[1].argval is None:
        return args[0].argval
    if callee.argval == "index" and callee.opname in ("LOAD_ATTR", "LOAD_METHOD") and \
            args[1].opname == "LOAD_CONST":
        return args[1].argval
    return None


def _culprit(tb, operation, lua_type="nil"):
    """What Lua names in "attempt to <operation> ...": ``field 'f' (a nil value)`` or
    ``method 'm' (a nil value)`` where the failing instruction's operand was read from a field
    (an attribute, or a subscript with a constant string) that the bytecode shows; else
    ``a nil value``. Variables are not named: a translated name may differ from Lua's."""
    generic = f"a {lua_type} value"
    if tb is None:
        return generic
    try:
        import dis

        instructions = list(dis.get_instructions(tb.tb_frame.f_code))
    except Exception:  # noqa: BLE001 - no bytecode to read: the generic wording
        return generic
    offsets = [ins.offset for ins in instructions]
    if tb.tb_lasti not in offsets:
        return generic
    at = offsets.index(tb.tb_lasti)
    failing = instructions[at]
    producer = None
    if operation == "call" and failing.opname == "CALL":
        producer = _callee(instructions, at)
    elif operation == "index" and failing.opname in ("LOAD_ATTR", "LOAD_METHOD", "STORE_ATTR") \
            and not failing.is_jump_target and at > 0:
        producer = instructions[at - 1]
    elif operation == "index" and failing.opname in ("BINARY_SUBSCR", "STORE_SUBSCR") \
            and not failing.is_jump_target and at > 1 and not instructions[at - 1].is_jump_target \
            and instructions[at - 1].opname in ("LOAD_CONST", "LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME"):
        producer = instructions[at - 2]
    if producer is None:
        return generic
    kind = "field"
    if producer.opname in ("LOAD_METHOD",) or (operation == "call" and producer.opname == "LOAD_ATTR"):
        kind, key = "method", producer.argval
    elif producer.opname == "LOAD_ATTR":
        key = producer.argval
    elif producer.opname == "BINARY_SUBSCR":
        k = instructions.index(producer)
        key = instructions[k - 1].argval if k > 0 and instructions[k - 1].opname == "LOAD_CONST" else None
    elif producer.opname == "CALL":
        key = _field_read_by_call(instructions, instructions.index(producer))
    else:
        return generic
    if not isinstance(key, str):
        return generic
    return f"{kind} '{key}' ({generic})"


def truthy(x):
    """Lua's truth: everything but nil and false is true (0 and "" included)."""
    return x is not None and x is not False


# --- math.random: LuaJIT 2.1's generator ------------------------------------------------------
# LuaJIT draws math.random from a combined Tausworthe generator (L'Ecuyer 1991, period 2^223):
# four 64-bit LFSR components, each stepped with its (k, q, s) parameters, outputs XORed.
# Seeding spreads one double over the four states (d = d*pi + e, chained); 10 warm-up steps.
_U64 = (1 << 64) - 1
_TAUSWORTHE = ((63, 31, 18), (58, 19, 28), (55, 24, 7), (47, 21, 8))


class LuaRandom:
    """The state of Lua's ``math.random`` (as LuaJIT 2.1 draws it, so seeded scripts print the
    same numbers)."""

    def __init__(self, seed=None):
        if seed is None:
            # luaopen_math's fixed start state (what an unseeded script draws from)
            self.state = [0xa0d277570a345b8c, 0x764a296c5d4aa64f,
                          0x51220704070adeaa, 0x2a2717b5a7b7b927]
        else:
            self.seed(seed)

    def seed(self, d):
        import struct

        d = float(d)
        state = []
        for k, _q, _s in _TAUSWORTHE:
            least = 1 << (64 - k)    # the top k bits of each component must not all be zero
            d = d * 3.14159265358979323846 + 2.7182818284590452354
            bits = struct.unpack("<Q", struct.pack("<d", d))[0]
            if bits < least:
                bits += least
            state.append(bits)
        self.state = state
        for _ in range(10):
            self.next_u64()

    def next_u64(self):
        out = 0
        state = self.state
        for i, (k, q, s) in enumerate(_TAUSWORTHE):
            z = state[i]
            z = ((((z << q) & _U64) ^ z) >> (k - s)) ^ (((z & (_U64 << (64 - k)) & _U64) << s) & _U64)
            state[i] = z
            out ^= z
        return out

    def random(self, m=None, n=None):
        # 52 random bits as a double in [1, 2), minus one
        d = (self.next_u64() & 0x000FFFFFFFFFFFFF) / 4503599627370496.0
        if m is None:
            return d
        if n is None:
            return math.floor(d * m) + 1
        return math.floor(d * (n - m + 1)) + m


_lua_random = LuaRandom()


def math_random(m=None, n=None):
    """``math.random([m [, n]])`` with LuaJIT's numbers: [0, 1), [1, m] or [m, n]."""
    for i, v in enumerate((m, n), 1):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise LuaError(f"bad argument #{i} to 'random' (number expected, got {type(v)})")
    return _lua_random.random(m, n)


def math_randomseed(seed):
    """``math.randomseed(x)``: reseed LuaJIT's generator (every bit of the double counts)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, float)):
        raise LuaError(f"bad argument #1 to 'randomseed' (number expected, got {type(seed)})")
    _lua_random.seed(seed)


# --- generic for over iterator functions -----------------------------------------------------
def _arity(f):
    """How many arguments ``f`` takes from Lua's (state, control) pair: a Lua function ignores
    extra arguments, a Python one would fail on them."""
    import inspect

    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return 2
    count = 0
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            return 2
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            count += 1
    return min(count, 2)


def iterate(f, state=None, control=None, *, width=1):
    """Lua's generic ``for v1, ..., vn in f, state, control``: call ``f(state, control)`` until its
    first value is nil, the first value becoming the next control; yields ``width`` values (one
    value alone when width is 1)."""
    if not callable(f):
        raise LuaError(f"attempt to call a {type(f)} value (the iterator of a 'for' loop)")
    arity = _arity(f)
    while True:
        values = f(*(state, control)[:arity])
        if not isinstance(values, tuple):
            values = (values,)
        if not values or values[0] is None:
            return
        control = values[0]
        if width == 1:
            yield control
        else:
            yield tuple(values[:width]) + (None,) * (width - len(values))


def next(t, key=None):
    """Lua's ``next(t, key)``: the entry after ``key`` (the first for nil), or nil at the end."""
    items = pairs(t)
    if key is None:
        return items[0] if items else None
    for i, (k, _v) in enumerate(items):
        if k == key:
            return items[i + 1] if i + 1 < len(items) else None
    raise LuaError("invalid key to 'next'")


def lines(path=None, *formats):
    """``io.lines(path)``: the file's lines without their line ends (an iterator, also callable
    as Lua's iterator function), the file closed at its end; standard input without a path.
    A file that cannot be opened is an error, as in Lua."""
    if path is None:
        return stdin.lines(*formats)
    f, message = open(path)[:2]
    if f is None:
        raise LuaError(message)

    def step():
        if f._raw is None:
            return None
        v = f.read(*formats)
        if v is None:
            f.close()
        return v

    return _LuaIterator(step)


def method(obj, f):
    """``obj.name = function(self, ...)``: ``f`` as a method of ``obj`` alone (``obj.name(x)``
    calls ``f(obj, x)``, as Lua's ``obj:name(x)`` and the library's own calls do)."""
    import types

    return types.MethodType(f, obj)


# --- tables with metatables (setmetatable beyond the class idiom) ------------------------------
# The class idiom (Foo.__index = Foo) becomes a Python class; every other metatable lives on a
# Table: a dict keyed as Lua keys it (t[1] is key 1) whose operations consult its metatable as
# Lua's do. Lookups in the metatable itself are raw, as Lua's are.
_LOOP_LIMIT = 100   # Lua's MAXTAGLOOP: how long an __index / __newindex chain may be


def _metamethod(x, event):
    """``x``'s metamethod for ``event`` (None when it has none)."""
    mt = getattr(x, "_metatable", None) if isinstance(x, Table) else None
    return dict.get(mt, event) if mt is not None else None


def _call_metamethod(handler, *args):
    """``handler(*args)`` as Lua calls a metamethod: a function declaring fewer parameters
    ignores the extra arguments (``__unm = function(a)`` gets (a, a) in Lua 5.1), missing
    ones are nil."""
    code = getattr(handler, "__code__", None)
    if code is not None and not code.co_flags & 0x04:   # CO_VARARGS: takes any number
        n = max(code.co_argcount - (1 if getattr(handler, "__self__", None) is not None else 0), 0)
        args = args[:n] + (None,) * (n - len(args))
    return handler(*args)


def _first_value(result):
    """A Lua call in a one-value place: the first of several returned values."""
    if isinstance(result, tuple):
        return result[0] if result else None
    return result


# what a Lua function value is in Python (a metamethod that is called rather than indexed):
# a def or lambda, a builtin, a bound method
_FUNCTION_TYPES = (_builtin_type(_first_value), _builtin_type(len), _builtin_type(LuaRandom().random))


def _is_function(x):
    return isinstance(x, _FUNCTION_TYPES)


def _arith(event, a, b):
    handler = _metamethod(a, event) or _metamethod(b, event)
    if handler is None:
        culprit = b if isinstance(a, (int, float)) and not isinstance(a, bool) else a
        raise LuaError(f"attempt to perform arithmetic on a {type(culprit)} value")
    return _first_value(_call_metamethod(handler, a, b))


def _order(event, a, b):
    """``a < b`` (``__lt``) or ``a <= b`` (``__le``, else ``not (b < a)``): LuaJIT compares two
    tables only through one metamethod both of them have."""
    if not isinstance(a, Table) or not isinstance(b, Table):
        raise LuaError(f"attempt to compare {type(a)} with {type(b)}")
    handler = _metamethod(a, event)
    if handler is not None and handler is _metamethod(b, event):
        return truthy(_first_value(_call_metamethod(handler, a, b)))
    if event == "__le":
        return not _order("__lt", b, a)
    raise LuaError("attempt to compare two table values")


class Table(dict):
    """A Lua table with a metatable: ``t[k]`` on a missing key follows ``__index`` (a function
    or a table), stores of new keys follow ``__newindex``, ``t(...)`` calls ``__call``,
    ``tostring`` uses ``__tostring``, operators use ``__add`` ... ``__le``. Reads never raise
    KeyError (a missing key is nil), storing nil removes the key, and the table is always true.
    ``#t`` stays the raw border (LuaJIT never calls ``__len`` for tables)."""

    __slots__ = ("_metatable",)

    def __init__(self, fields=None, metatable=None):
        super().__init__()
        if fields:
            # a constructor is raw in Lua: no __newindex, and nil values make no key
            dict.update(self, ((k, v) for k, v in dict.items(fields) if v is not None))
        self._metatable = None
        if metatable is not None:
            setmetatable(self, metatable)

    # raw access, as Lua's rawget/rawset (compat's rawget(t, k) defers to these)
    def rawget(self, key):
        return dict.get(self, key)

    def rawset(self, key, value):
        if value is None:
            dict.pop(self, key, None)
        else:
            dict.__setitem__(self, key, value)
        return self

    # indexing
    def __missing__(self, key):
        t = self
        for _ in range(_LOOP_LIMIT):
            handler = _metamethod(t, "__index")
            if handler is None:
                return None
            if _is_function(handler):
                return _first_value(_call_metamethod(handler, t, key))
            if not isinstance(handler, Table):
                return _index_value(handler, key)
            t = handler
            if dict.__contains__(t, key):
                return dict.__getitem__(t, key)
        raise LuaError("loop in gettable")

    def get(self, key, default=None):
        """``t[k]`` as Lua reads it (``__index`` included); ``default`` for nil."""
        value = self[key]
        return default if value is None else value

    def __setitem__(self, key, value):
        t = self
        for _ in range(_LOOP_LIMIT):
            handler = _metamethod(t, "__newindex")
            if handler is None or dict.__contains__(t, key):
                if key is None:
                    raise LuaError("table index is nil")
                Table.rawset(t, key, value)
                return
            if _is_function(handler):
                _call_metamethod(handler, t, key, value)
                return
            if not isinstance(handler, Table):
                _store_value(handler, key, value)
                return
            t = handler
        raise LuaError("loop in settable")

    # calls, text, truth, identity
    def __call__(self, *args):
        handler = _metamethod(self, "__call")
        if handler is None:
            raise LuaError("attempt to call a table value")
        return _call_metamethod(handler, self, *args)

    def __str__(self):
        return str(tostring(self))

    def __bool__(self):
        return True   # every table is true in Lua, the empty one included

    __hash__ = object.__hash__   # a table is a key by identity

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, Table):
            return False
        handler = _metamethod(self, "__eq")
        return handler is not None and handler is _metamethod(other, "__eq") and \
            truthy(_first_value(_call_metamethod(handler, self, other)))

    def __ne__(self, other):
        return not self.__eq__(other)

    # order: Lua's a > b is b < a
    def __lt__(self, other):
        return _order("__lt", self, other)

    def __le__(self, other):
        return _order("__le", self, other)

    def __gt__(self, other):
        return _order("__lt", other, self)

    def __ge__(self, other):
        return _order("__le", other, self)

    # arithmetic: the left operand's metamethod, else the right one's, called as (a, b)
    def __add__(self, other):
        return _arith("__add", self, other)

    def __radd__(self, other):
        return _arith("__add", other, self)

    def __sub__(self, other):
        return _arith("__sub", self, other)

    def __rsub__(self, other):
        return _arith("__sub", other, self)

    def __mul__(self, other):
        return _arith("__mul", self, other)

    def __rmul__(self, other):
        return _arith("__mul", other, self)

    def __truediv__(self, other):
        return _arith("__div", self, other)

    def __rtruediv__(self, other):
        return _arith("__div", other, self)

    def __mod__(self, other):
        return _arith("__mod", self, other)

    def __rmod__(self, other):
        return _arith("__mod", other, self)

    def __pow__(self, other):
        return _arith("__pow", self, other)

    def __rpow__(self, other):
        return _arith("__pow", other, self)

    def __neg__(self):
        return _arith("__unm", self, self)   # Lua 5.1 passes the operand twice



def _index_value(x, key):
    """``x[key]`` for the value an ``__index`` chain reaches that is not a Table."""
    if isinstance(x, _builtin_type):   # a translated Lua class used as the fallback table
        return getattr(x, key, None) if isinstance(key, str) else None
    return index(x, key)


def _store_value(x, key, value):
    """``x[key] = value`` for the value an ``__newindex`` chain reaches that is not a Table."""
    if isinstance(x, dict):
        if value is None:
            x.pop(key, None)
        else:
            x[key] = value
    elif isinstance(x, list):
        setindex(x, key, value)
    elif x is None or isinstance(x, (bool, int, float, str)):
        raise LuaError(f"attempt to index a {type(x)} value")
    else:
        x[key] = value


def setmetatable(t, metatable):
    """Lua's ``setmetatable(t, mt)`` on a Table (the translator makes a table that gets a
    metatable a Table where it is built; Python cannot turn a dict into one in place)."""
    if not isinstance(t, Table):
        raise LuaError(f"setmetatable on a {type(t)} value that was not built as a compat.Table")
    if metatable is not None and not isinstance(metatable, dict):
        raise LuaError(f"bad argument #2 to 'setmetatable' (nil or table expected, got {type(metatable)})")
    if t._metatable is not None and dict.get(t._metatable, "__metatable") is not None:
        raise LuaError("cannot change a protected metatable")
    t._metatable = metatable
    return t


def getmetatable(x):
    """Lua's ``getmetatable``: a Table's metatable (its ``__metatable`` field when set), an
    object's class (what a Lua class's instances have as metatable), nil for other values."""
    if isinstance(x, Table):
        mt = x._metatable
        if mt is not None and dict.get(mt, "__metatable") is not None:
            return dict.get(mt, "__metatable")
        return mt
    if isinstance(x, str):
        raise LuaError("getmetatable of a string (Lua's string metatable) is not translated")
    if x is None or isinstance(x, (bool, int, float, list, dict, tuple)) or _is_function(x):
        return None
    return _builtin_type(x)


def array_part(t):
    """The values ``ipairs(t)`` visits: ``t[1], t[2], ...`` read raw up to the first nil (taken
    when the loop starts)."""
    if isinstance(t, dict):
        out = []
        while dict.get(t, len(out) + 1) is not None:
            out.append(dict.get(t, len(out) + 1))
        return out
    out = []
    for v in t:
        if v is None:
            break
        out.append(v)
    return out


def _concatenates(x):
    """Whether Lua's ``..`` takes ``x`` as it is: only strings and numbers do (a numpy scalar
    from the library is a number)."""
    return isinstance(x, str) or isinstance(x, numbers.Real) and not isinstance(x, bool)


def concat_text(x):
    """An operand of ``..`` whose type the translator could not know, as Lua joins it: a string
    as it is, a number as ``%.14g``; nil, a boolean, a table or an object raise Lua's error."""
    if not _concatenates(x):
        raise LuaError(f"attempt to concatenate a {type(x)} value")
    return x if isinstance(x, str) else number_to_string(x)


def lua_concat(a, b):
    """``a .. b`` where an operand may be a Table: strings and numbers join, else ``__concat``."""
    if _concatenates(a) and _concatenates(b):
        return concat_text(a) + concat_text(b)
    handler = _metamethod(a, "__concat") or _metamethod(b, "__concat")
    if handler is None:
        culprit = b if _concatenates(a) else a
        raise LuaError(f"attempt to concatenate a {type(culprit)} value")
    return _first_value(_call_metamethod(handler, a, b))


# === Lua's standard library: os, io, raw table access, dynamic code ============================
# Functions whose Lua results (nil + message instead of an exception, several values, file
# objects with Lua's methods) have no plain Python spelling. Those that give a varying number
# of values return ``Values`` (the translator reads ``[0]`` where Lua keeps one value, and
# ``[:n]`` for n targets).
class Values(tuple):
    """Lua's multiple values: as many as the function gave (``print(*v)`` prints those), and nil
    for any missing one (``v[2]`` beyond the end is None; ``v[:3]`` is padded to three)."""

    def __getitem__(self, key):
        if isinstance(key, int):
            return tuple.__getitem__(self, key) if -len(self) <= key < len(self) else None
        got = tuple.__getitem__(self, key)
        if isinstance(key, slice) and key.step is None and (key.start or 0) >= 0 and \
                key.stop is not None and key.stop > len(self):
            got += (None,) * (key.stop - max(len(self), key.start or 0))
        return got


def _failure(path, exc):
    """Lua's (nil, "path: message", errno) for a failed file operation."""
    message = exc.strerror or str(exc)
    return Values((None, f"{path}: {message}" if path is not None else message, exc.errno or 0))


def tmpname():
    """``os.tmpname()``: the name of a new, empty temporary file (created, as Lua's mkstemp does)."""
    import tempfile

    fd, path = tempfile.mkstemp(prefix="lua_")
    import os

    os.close(fd)
    return path


def remove(path):
    """``os.remove(path)``: (True,), or (None, message, errno) without raising.
    Like C's remove(), it also removes an empty directory."""
    import os

    try:
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        else:
            os.remove(path)
    except OSError as exc:
        return _failure(path, exc)
    return Values((True,))


def rename(old, new):
    """``os.rename(old, new)``: (True,), or (None, message, errno) without raising."""
    import os

    try:
        os.rename(old, new)
    except OSError as exc:
        return _failure(old, exc)
    return Values((True,))


def execute(command=None):
    """``os.execute(command)``: the shell's raw wait status, as LuaJIT (Lua 5.1) returns it
    (``os.execute()`` alone: nonzero when a shell is there). Python's buffered output is
    flushed first, so the command's output comes after what the script printed before it."""
    import os

    if command is None:
        return 1
    sys.stdout.flush()
    return os.system(command)


def date(fmt="%c", t=None):
    """``os.date(format, time)``: strftime text, or with ``*t`` a table (dict) of the fields;
    a leading ``!`` means UTC."""
    import time as _time

    t = _time.time() if t is None else t
    utc = fmt.startswith("!")
    if utc:
        fmt = fmt[1:]
    tm = _time.gmtime(t) if utc else _time.localtime(t)
    if fmt.startswith("*t"):
        return {"year": tm.tm_year, "month": tm.tm_mon, "day": tm.tm_mday, "hour": tm.tm_hour,
                "min": tm.tm_min, "sec": tm.tm_sec, "wday": (tm.tm_wday + 1) % 7 + 1,
                "yday": tm.tm_yday, "isdst": tm.tm_isdst > 0}
    return _time.strftime(fmt, tm)


def modf(x):
    """``math.modf(x)``: (integral part, fractional part), both floats as in Lua."""
    f, i = math.modf(x)
    return float(i), (0.0 if math.isinf(x) else f)


def lua_assert(v=None, message=None, *rest):
    """``assert(v, message)``: ``v`` when it is true; else an error with ``message`` (any value)
    or "assertion failed!" (a text prefixed with the position of the line that called assert,
    as LuaJIT does)."""
    if v is None or v is False:
        raise LuaError("assertion failed!" if message is None else message)
    return v


class LuaFile:
    """A Lua file object (``io.open``'s result): ``f.write(...)`` (numbers as Lua prints them;
    true, as LuaJIT 2.1 gives), ``f.read(formats...)``, ``f.lines()``, ``f.seek()``, ``f.flush()``,
    ``f.close()``. Text is UTF-8 (undecodable bytes kept), with no newline translation."""

    def __init__(self, raw, name=None):
        self._raw = raw          # a binary Python file, or None once closed
        self.name = name

    def _file(self):
        if self._raw is None:
            raise LuaError("attempt to use a closed file")
        return self._raw

    @staticmethod
    def _text(data):
        return data.decode("utf-8", "surrogateescape")

    def write(self, *values):
        f = self._file()
        for i, v in enumerate(values, 1):
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise LuaError(f"bad argument #{i} to 'write' (string expected, got {type(v)})")
            text = v if isinstance(v, str) else number_to_string(v)
            f.write(text.encode("utf-8", "surrogateescape"))
        return True   # LuaJIT 2.1 (Lua 5.1): true, not the file

    def _read_line(self, keep_end):
        line = self._file().readline()
        if not line:
            return None
        if not keep_end and line.endswith(b"\n"):
            line = line[:-1]
        return self._text(line)

    def _read_number(self):
        f = self._file()
        while True:   # skip white space, as fscanf's %lf does
            c = f.peek(1)[:1]
            if not c or not c.isspace():
                break
            f.read(1)
        chars = b""
        while len(chars) < 200:
            c = f.peek(1)[:1]
            if not c or c not in b"0123456789+-.eExXabcdefABCDEFpPinftyINFTY":
                break
            chars += f.read(1)
        return tonumber(chars.decode("ascii"))

    def _read_one(self, fmt):
        if isinstance(fmt, (int, float)) and not isinstance(fmt, bool):
            f = self._file()
            n = int(fmt)
            if n == 0:   # read(0): "" unless at the end of the file
                return "" if f.peek(1)[:1] else None
            data = f.read(n)
            return self._text(data) if data else None
        kind = str(fmt).lstrip("*")[:1]
        if kind == "a":
            return self._text(self._file().read())
        if kind == "l":
            return self._read_line(keep_end=False)
        if kind == "L":
            return self._read_line(keep_end=True)
        if kind == "n":
            return self._read_number()
        raise LuaError("bad argument #1 to 'read' (invalid format)")

    def read(self, *formats):
        """One value per format ('*a', '*l', '*L', '*n', a count; '*l' when none): a tuple of
        them when there are several; nil for a format that finds the end of the file."""
        if not formats:
            return self._read_one("*l")
        values = []
        for fmt in formats:
            v = self._read_one(fmt)
            values.append(v)
            if v is None:
                break
        values += [None] * (len(formats) - len(values))
        return values[0] if len(values) == 1 else tuple(values)

    def lines(self, *formats):
        """``f:lines()``: the remaining lines (an iterator, also callable as Lua's iterator)."""
        return _LuaIterator(lambda: self.read(*formats) if self._raw is not None else None)

    def seek(self, whence="cur", offset=0):
        """``f:seek(whence, offset)``: the new position from the start of the file."""
        wheres = {"set": 0, "cur": 1, "end": 2}
        if whence not in wheres:
            raise LuaError(f"bad argument #1 to 'seek' (invalid option '{whence}')")
        try:
            return self._file().seek(int(offset), wheres[whence])
        except OSError as exc:
            return _failure(None, exc)[:2]

    def flush(self):
        self._file().flush()
        return self

    def setvbuf(self, mode, size=None):
        return True

    def close(self):
        self._file().close()
        self._raw = None
        return True

    def __iter__(self):
        return iter(self.lines())

    def __str__(self):
        return "file (closed)" if self._raw is None else f"file (0x{id(self):08x})"


class _LuaIterator:
    """An iterator that is also Lua's iterator function (called until it gives nil)."""

    def __init__(self, step):
        self._step = step

    def __call__(self, *_ignored):
        return self._step()

    def __iter__(self):
        while True:
            v = self._step()
            if v is None:
                return
            yield v


class _StandardStream(LuaFile):
    """``io.stdout``/``io.stderr``/``io.stdin``: the current ``sys`` stream, looked up at each use
    (so a redirected ``sys.stdout`` is written to)."""

    def __init__(self, attr):
        super().__init__(None, attr)

    def _file(self):
        return getattr(sys, self.name).buffer

    def write(self, *values):
        stream = getattr(sys, self.name)
        for i, v in enumerate(values, 1):
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise LuaError(f"bad argument #{i} to 'write' (string expected, got {type(v)})")
            stream.write(v if isinstance(v, str) else number_to_string(v))
        return self   # th's io.stdout:write gives the stream back

    def flush(self):
        getattr(sys, self.name).flush()
        return self

    def close(self):
        return Values((None, "cannot close standard file", 0))

    def __str__(self):
        return f"file (0x{id(self):08x})"


stdin = _StandardStream("stdin")
stdout = _StandardStream("stdout")
stderr = _StandardStream("stderr")

_MODES = {"r": "rb", "w": "wb", "a": "ab", "r+": "r+b", "w+": "w+b", "a+": "a+b"}


def open(path, mode="r"):   # noqa: A001 - Lua's io.open, called as compat.open
    """``io.open(path, mode)``: (LuaFile,), or (None, "path: message", errno) without
    raising when the file cannot be opened."""
    import builtins

    key = mode.replace("b", "")
    if key not in _MODES:
        raise LuaError(f"bad argument #2 to 'open' (invalid mode '{mode}')")
    try:
        raw = builtins.open(path, _MODES[key])
    except OSError as exc:
        return _failure(path, exc)
    return Values((LuaFile(raw, path),))


def read(*formats):
    """``io.read(formats...)``: from standard input."""
    sys.stdout.flush()
    return stdin.read(*formats)


def io_type(x):
    """``io.type(x)``: "file", "closed file", or nil for anything else."""
    if isinstance(x, LuaFile):
        return "closed file" if x._raw is None and not isinstance(x, _StandardStream) else "file"
    return None


def collectgarbage(option="collect", arg=None):
    """``collectgarbage(option)``: "count" is the memory in use in kilobytes (this process's
    resident size: Python has no separate heap count); "collect"/"step" collect (0)."""
    import gc

    if option == "count":
        try:
            with _open_text("/proc/self/statm") as fh:
                pages = int(fh.read().split()[1])
            import os

            return pages * os.sysconf("SC_PAGE_SIZE") / 1024
        except (OSError, ValueError, IndexError):
            import resource

            return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    if option in ("collect", "step"):
        gc.collect()
        return 0
    return 0


# --- raw table access: plain lists and dicts, or an object's own raw access ------------------
def rawget(t, k):
    """``rawget(t, k)``: ``t[k]`` without metamethods (a table class's own ``rawget`` if it has one)."""
    own = getattr(t, "rawget", None)   # compat.Table (a dict with a metatable) has its own
    if own is not None:
        return own(k)
    if isinstance(t, (list, dict)):
        return index(t, k)
    raise LuaError(f"bad argument #1 to 'rawget' (table expected, got {type(t)})")


def rawset(t, k, v):
    """``rawset(t, k, v)``: store without metamethods; gives ``t`` back."""
    own = getattr(t, "rawset", None)
    if own is not None:
        own(k, v)
        return t
    if isinstance(t, list):
        setindex(t, k, v)
    elif isinstance(t, dict):
        if v is None:
            t.pop(k, None)
        else:
            t[k] = v
    else:
        raise LuaError(f"bad argument #1 to 'rawset' (table expected, got {type(t)})")
    return t


def rawequal(a, b):
    """``rawequal(a, b)``: equal without ``__eq``: the same table, or equal plain values."""
    if isinstance(a, (bool, int, float, str)) or a is None:
        return _builtin_type(a) is _builtin_type(b) and a == b or \
            isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(b, bool) and not isinstance(a, bool) and a == b
    return a is b


def rawlen(t):
    """``rawlen(t)``: the length without ``__len``."""
    own = getattr(t, "rawlen", None)
    if own is not None:
        return own()
    return length(t)


def maxn(t):
    """``table.maxn(t)``: the largest positive number key (0 when there is none)."""
    if isinstance(t, list):
        return max((i for i, v in enumerate(t, 1) if v is not None), default=0)
    return max((k for k in t if isinstance(k, (int, float)) and not isinstance(k, bool) and k > 0),
               default=0)


def byte(s, i=1, j=None):
    """``string.byte(s, i, j)``: the codes of characters i..j (1-based, negative from the end):
    ``Values`` (none when the range is empty)."""
    n = len(s)
    j = int(i) if j is None else int(j)   # j defaults to i as given (byte(s, 0) is nothing)
    i = _start_index(int(i), n)
    if j < 0:
        j = n + j + 1
    j = min(j, n)
    return Values(ord(c) for c in s[i - 1:j]) if i <= j else Values()


# --- dynamic code: loadstring, dofile, require at run time -----------------------------------
# A Lua chunk is a vararg function; its translation is one: the source is translated wrapped in
# `local function lua_chunk(...) ... end` (on the chunk's first line, so line numbers hold), and
# that function runs with the script's globals (Lua chunks share one global table): those of
# the module that calls when it is the script, else those of __main__ (a translated module
# that runs a chunk sets the script's globals, as Lua's one global table would).
def _chunk_name(source):
    first, _, rest = source.partition("\n")
    return f'[string "{first}..."]' if rest else f'[string "{first}"]'


def _caller_globals(depth=2):
    """The globals Lua code run from the caller's frame shares: the script's."""
    caller = sys._getframe(depth).f_globals
    main = sys.modules.get("__main__")
    if caller.get("__name__") == "__main__" or main is None:
        return caller
    return vars(main)


_translations = {}


def _compile_chunk(source, chunkname, env):
    """The translated chunk as a Python function over ``env``, or (None, message)."""
    import ast
    import types as pytypes

    from translator import LuaSyntaxError, translate

    if source.startswith("#"):   # a first line '#!...' is not Lua
        source = "--" + source
    translation = _translations.get((source, chunkname))
    if translation is None:   # a chunk loaded again (in a loop) is translated once
        try:
            translation = translate("local function lua_chunk(...) " + source + "\nend", chunkname)
        except LuaSyntaxError as exc:
            return None, f"{chunkname}:{exc.line}: unexpected symbol near {exc.text!r}"
        _translations[(source, chunkname)] = translation
    if translation.todos:
        line, reason = translation.todos[0]
        raise LuaError(f"{chunkname}:{line}: cannot run this chunk translated: {reason}", level=0)
    namespace = {"__name__": "lua_chunk", "__file__": chunkname}
    _chunk_translations[chunkname] = translation   # its errors name Lua's lines (no Python file)
    exec(compile(translation.code, chunkname, "exec"), namespace)  # noqa: S102 - loadstring runs code
    tree = ast.parse(translation.code)
    fname = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)][0]
    declared = {n for node in ast.walk(tree) if isinstance(node, ast.Global) for n in node.names}
    for k, v in namespace.items():   # what the chunk imported (compat, math, torch ...)
        if k not in (fname, "__name__", "__file__", "__builtins__"):
            env.setdefault(k, v)
    for k in declared:   # a Lua global never set reads nil
        env.setdefault(k, None)
    f = namespace[fname]
    body = pytypes.FunctionType(f.__code__, env, "lua_chunk", f.__defaults__, f.__closure__)

    def chunk(*args):
        result = body(*args)
        if isinstance(result, tuple) and len(result) <= 1:   # `return ...` of one value, or none
            return result[0] if result else None
        return result

    return chunk, None


def loadstring(source, chunkname=None):
    """``loadstring(source)``/``load(source)``: (the chunk as a function,) sharing the calling
    module's globals, or (None, message) for a syntax error, as Lua returns."""
    if callable(source):   # load(reader): the pieces it gives until "" or nil
        pieces = []
        while True:
            piece = source()
            if piece is None or piece == "":
                break
            pieces.append(piece)
        source = "".join(pieces)
    if chunkname is None:
        chunkname = _chunk_name(source)
    elif chunkname.startswith(("=", "@")):
        chunkname = chunkname[1:]
    else:
        chunkname = _chunk_name(chunkname)
    f, message = _compile_chunk(source, chunkname, _caller_globals())
    return Values((f,)) if f is not None else Values((None, message))


load = loadstring


def loadfile(path):
    """``loadfile(path)``: (the file's chunk as a function,), or (None, message)."""
    try:
        with _open_text(path) as fh:
            source = fh.read()
    except OSError:
        return Values((None, f"cannot open {path}"))
    f, message = _compile_chunk(source, path, _caller_globals())
    return Values((f,)) if f is not None else Values((None, message))


def dofile(path):
    """``dofile(path)``: run the Lua file (translated now) with the calling module's globals and
    give what it returns; an error in it is raised."""
    try:
        with _open_text(path) as fh:
            source = fh.read()
    except OSError:
        raise LuaError(f"cannot open {path}") from None
    f, message = _compile_chunk(source, path, _caller_globals())
    if f is None:
        raise LuaError(message, level=0)   # the message names the chunk's line already
    return f()


_required = {}


def require(name):
    """``require(name)`` at run time (``pcall(require, name)``, a computed name): a luatorch
    package, or a Lua file found as Lua's ``./?.lua;./?/init.lua`` (translated and run once)."""
    import importlib
    import os

    if name in _required:
        return _required[name]
    root = name.split(".")[0]
    if root in ("torch", "nn", "optim", "nngraph", "paths", "gnuplot", "xlua", "image", "sys"):
        try:
            module = importlib.import_module(f"luatorch.{root}")
        except ImportError:
            module = None
        if module is not None:
            _required[name] = module
            return module
    relative = name.replace(".", "/")
    tried = [f"\n\tno field package.preload['{name}']"]
    for pattern in ("./?.lua", "./?/init.lua"):
        candidate = pattern.replace("?", relative)
        if os.path.isfile(candidate):
            with _open_text(candidate) as fh:
                source = fh.read()
            f, message = _compile_chunk(source, candidate, _caller_globals())
            if f is None:
                raise LuaError(f"error loading module '{name}' from file '{candidate}':\n\t{message}")
            value = f(name)
            _required[name] = True if value is None else value
            return _required[name]
        tried.append(f"\n\tno file '{candidate}'")
    raise LuaError(f"module '{name}' not found:" + "".join(tried))


def _open_text(path):
    import builtins

    return builtins.open(path, encoding="utf-8", errors="surrogateescape")
