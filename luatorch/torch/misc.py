"""torch.Timer, torch.Tester / TestSuite, torch.CmdLine, tic/toc, threads, pointer and other utilities.

Behaviour follows torch7's Timer.c, Tester.lua, TestSuite.lua and CmdLine.lua: the same
per-test lines and closing summary, the same help text and parsing rules. Text these classes
print goes to ``sys.stdout`` (read at each write, so a caller may redirect it) and, for Lua's
``print``, through :func:`luatorch.torch.printing.lua_print`.
"""

import os
import re
import sys
import time
import traceback as _traceback

import numpy as np

from . import printing
from .classes import TorchObject, lua_type
from .printing import lua_print, lua_tostring

__all__ = [
    "Timer", "tic", "toc", "getnumthreads", "setnumthreads", "pointer", "version", "isatty",
    "Tester", "TestSuite", "CmdLine",
]


def _write(text):
    sys.stdout.write(text)


def _flush():
    sys.stdout.flush()


# --- Timer ------------------------------------------------------------------------------------
def _clock():
    cpu = os.times()
    return time.perf_counter(), cpu.user, cpu.system


class Timer(TorchObject):
    """torch.Timer(): counts wall-clock, user and system time from its creation.

    ``time()`` returns ``{'real': ..., 'user': ..., 'sys': ...}`` (seconds), the time
    accumulated while running; ``stop``/``resume`` pause and continue; ``reset`` sets it to 0.
    """

    __typename__ = "torch.Timer"

    def __init__(self):
        self._accumulated = (0.0, 0.0, 0.0)
        self._running = True
        self._start = _clock()

    def _elapsed_since_start(self):
        now = _clock()
        return tuple(n - s for n, s in zip(now, self._start))

    def reset(self):
        self._accumulated = (0.0, 0.0, 0.0)
        if self._running:
            self._start = _clock()
        return self

    def stop(self):
        if self._running:
            run = self._elapsed_since_start()
            self._accumulated = tuple(a + r for a, r in zip(self._accumulated, run))
            self._running = False
        return self

    def resume(self):
        if not self._running:
            self._start = _clock()
            self._running = True
        return self

    def time(self):
        total = self._accumulated
        if self._running:
            total = tuple(a + r for a, r in zip(total, self._elapsed_since_start()))
        return {"real": total[0], "user": total[1], "sys": total[2]}


_tic_start = None


def tic():
    """Start the global stopwatch read by :func:`toc` (as Matlab's / sys's tic)."""
    global _tic_start
    _tic_start = time.perf_counter()
    return _tic_start


def toc(verbose=False):
    """Seconds since the last :func:`tic`; printed too when ``verbose``."""
    if _tic_start is None:
        raise RuntimeError("toc: call tic() first")
    elapsed = time.perf_counter() - _tic_start
    if verbose:
        lua_print(elapsed)
    return elapsed


# --- threads, pointers, versions --------------------------------------------------------------
def _default_num_threads():
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.strip().isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


_num_threads = _default_num_threads()


def getnumthreads():
    """The number of threads Torch may use (OMP_NUM_THREADS or the core count by default)."""
    return _num_threads


def setnumthreads(n):
    """Record the number of threads to use. numpy's BLAS pool is sized at start-up and is not
    resized here; the number is what getnumthreads reports."""
    global _num_threads
    if isinstance(n, bool) or not isinstance(n, (int, float, np.integer, np.floating)) or n != int(n):
        raise TypeError(f"setnumthreads: expected an integer number of threads, got {n!r}")
    if int(n) < 1:
        raise ValueError(f"setnumthreads: the number of threads must be at least 1, got {int(n)}")
    _num_threads = int(n)


def pointer(obj):
    """torch.pointer(obj): a number identifying the object (its Python identity)."""
    if obj is None or isinstance(obj, bool):
        raise TypeError("torch.pointer: Torch object, table, thread, cdata or function expected, "
                        f"got {lua_type(obj)}")
    return id(obj)


def version(obj):
    """torch.version(obj): the ``__version`` field of the object (or its class), else None."""
    return getattr(obj, "__version", None)


def isatty(f=None):
    """Whether ``f`` (default: standard output) is a terminal."""
    f = sys.stdout if f is None else f
    try:
        return bool(f.isatty())
    except (AttributeError, ValueError):
        return False


# --- Lua patterns -----------------------------------------------------------------------------
# Lua's character classes (C locale), as the inside of a regex character set.
_LUA_CLASSES = {
    "a": "A-Za-z",
    "c": "\\x00-\\x1f\\x7f",
    "d": "0-9",
    "g": "\\x21-\\x7e",
    "l": "a-z",
    "p": "!-/:-@\\[-`{-~",
    "s": " \\t\\n\\r\\f\\v",
    "u": "A-Z",
    "w": "A-Za-z0-9",
    "x": "A-Fa-f0-9",
    "z": "\\x00",
}


def _class_regex(letter):
    body = _LUA_CLASSES.get(letter.lower())
    if body is None:
        return None
    return ("[^%s]" if letter.isupper() else "[%s]") % body


def _set_char(c):
    return "\\" + c if c in "\\]^-[" else c


def lua_pattern_to_regex(pattern):
    """A Python regex (for ``re.search``, DOTALL) that matches what the Lua pattern matches.

    Supports classes (``%a %d %s %w ...`` and complements), sets ``[...]``/``[^...]``, ``.``,
    quantifiers ``* + - ?``, anchors, captures and back-references ``%1``. ``%b`` and ``%f``
    are not supported and raise ValueError.
    """
    out = []
    i, n = 0, len(pattern)
    if pattern.startswith("^"):
        out.append("\\A")
        i = 1
    while i < n:
        c = pattern[i]
        if c == "(" or c == ")":
            out.append(c)
            i += 1
            continue
        if c == "$" and i == n - 1:
            out.append("\\Z")
            i += 1
            continue
        # one single-character item, possibly followed by a quantifier
        if c == "%":
            if i + 1 >= n:
                raise ValueError(f"malformed pattern (ends with '%'): {pattern!r}")
            e = pattern[i + 1]
            if e in "bf":
                raise ValueError(f"Lua pattern item %{e} is not supported: {pattern!r}")
            if e.isdigit():
                out.append("(?:\\" + e + ")")  # grouped, so a following digit stays literal
                i += 2
                continue
            item = _class_regex(e) if e.isalpha() else None
            if item is None:
                item = re.escape(e)
            i += 2
        elif c == "[":
            j = i + 1
            parts = ["["]
            if j < n and pattern[j] == "^":
                parts.append("^")
                j += 1
            first = True
            while True:
                if j >= n:
                    raise ValueError(f"malformed pattern (missing ']'): {pattern!r}")
                ch = pattern[j]
                if ch == "]" and not first:
                    break
                first = False
                if ch == "%":
                    if j + 1 >= n:
                        raise ValueError(f"malformed pattern (ends with '%'): {pattern!r}")
                    e = pattern[j + 1]
                    if e.isalpha() and e.lower() in _LUA_CLASSES:
                        if e.isupper():
                            raise ValueError(f"complemented class %{e} inside a set is not supported")
                        parts.append(_LUA_CLASSES[e])
                    else:
                        parts.append(_set_char(e))
                    j += 2
                elif j + 2 < n and pattern[j + 1] == "-" and pattern[j + 2] != "]":
                    parts.append(_set_char(ch) + "-" + _set_char(pattern[j + 2]))
                    j += 3
                else:
                    parts.append(_set_char(ch))
                    j += 1
            parts.append("]")
            item = "".join(parts)
            i = j + 1
        elif c == ".":
            item = "."
            i += 1
        else:
            item = re.escape(c)
            i += 1
        if i < n and pattern[i] in "*+?-":
            q = pattern[i]
            item += "*?" if q == "-" else q
            i += 1
        out.append(item)
    return "".join(out)


def _lua_find(subject, pattern):
    return re.search(lua_pattern_to_regex(pattern), subject, re.DOTALL) is not None


# --- values as Lua sees them ------------------------------------------------------------------
def _is_tensor(v):
    from .tensor import Tensor

    return isinstance(v, Tensor)


def _is_storage(v):
    from .storage import Storage

    return isinstance(v, Storage)


def _kind(v):
    """Lua's type() of a value, where a Torch object other than tensors/storages is a table
    (as nn modules and other Lua-side classes are in Torch7)."""
    if isinstance(v, (np.bool_,)):
        return "boolean"
    if isinstance(v, (np.integer, np.floating)):
        return "number"
    if isinstance(v, TestSuite):
        return "table"
    if isinstance(v, TorchObject) and not (_is_tensor(v) or _is_storage(v)):
        return "table"
    return lua_type(v)


def _table_pairs(t):
    if isinstance(t, dict):
        return list(t.items())
    if isinstance(t, (list, tuple)):
        return [(i + 1, v) for i, v in enumerate(t)]
    if isinstance(t, TestSuite):
        return list(t.items())
    return [(k, v) for k, v in vars(t).items() if v is not None]


def _table_get(t, key):
    for k, v in _table_pairs(t):
        if k == key and type(k) is not bool and v is not None:
            return v
    return None


def _lua_truthy(v):
    if v is None:
        return False
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    return True


def _lua_eq(a, b):
    """Lua's ``==``: numbers and strings by value, everything else by identity."""
    if _kind(a) in ("number", "string", "boolean", "nil") and _kind(a) == _kind(b):
        return bool(a == b)
    return a is b


def _is_number(v):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _error_value(exc):
    """The Lua error value a failed pcall would return for this exception."""
    if len(exc.args) == 1:
        return exc.args[0]
    return str(exc)


# --- the equality checks of Tester.lua --------------------------------------------------------
def _same_format_tensors_eq(ta, tb, tolerance, negate, storage):
    a = ta._a.reshape(-1)
    b = tb._a.reshape(-1)
    if a.dtype in (np.uint8, np.int8, np.int16):
        # Torch7 compares Byte, Char and Short tensors (which have no abs) as doubles
        a, b = a.astype(np.float64), b.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        diff = np.abs(a - b)
    err = diff.max().item() if diff.size else 0
    success = err <= tolerance
    if negate:
        success = not success
    message = None
    if not success:
        prefix = "Storage" if storage else "Tensor"
        violation = "NE(==)" if negate else "EQ(==)"
        message = "%s%s violation: max diff=%s, tolerance=%s" % (
            prefix, violation, lua_tostring(err), lua_tostring(tolerance))
    return success, message


def _tensors_eq(ta, tb, tolerance, negate, ignore_dims=False):
    if not ignore_dims and ta.nDimension() != tb.nDimension():
        return negate, "The tensors have different dimensions"
    if ta.type() != tb.type():
        return negate, "The tensors have different types"
    if ta.nDimension() == 0 and tb.nDimension() == 0:
        return not negate, "Both tensors are empty"
    if ignore_dims:
        same = ta.nElement() == tb.nElement()
    else:
        same = tuple(ta._size) == tuple(tb._size)
    if not same:
        return negate, "The tensors have different sizes"
    return _same_format_tensors_eq(ta, tb, tolerance, negate, False)


def _storages_eq(sa, sb, tolerance, negate):
    if sa.size() != sb.size():
        return negate, "The storages have different sizes"
    if sa.__typename__ != sb.__typename__:
        return negate, "The storages have different types"
    ta, tb = type(sa).tensor_type(sa), type(sb).tensor_type(sb)
    return _same_format_tensors_eq(ta, tb, tolerance, negate, True)


def _are_eq(got, expected, tolerance, negate):
    kg, ke = _kind(got), _kind(expected)
    if kg != ke:
        message = None
        if not negate:
            message = "EQ failed: values have different types (first: %s, second: %s)" % (kg, ke)
        return negate, message
    if kg == "number":
        ok = abs(got - expected) <= tolerance
        if negate:
            ok = not ok
        message = None
        if not ok:
            if negate:
                message = "NE failed: %s == %s" % (lua_tostring(got), lua_tostring(expected))
            else:
                message = "EQ failed: %s ~= %s" % (lua_tostring(got), lua_tostring(expected))
            if tolerance > 0:
                message += " with tolerance=" + lua_tostring(tolerance)
        return ok, message
    if ke == "table":
        return _tables_eq(got, expected, tolerance, negate)
    if _is_tensor(got):
        return _tensors_eq(got, expected, tolerance, negate)
    if _is_storage(got):
        return _storages_eq(got, expected, tolerance, negate)
    ok = _lua_eq(got, expected)
    if negate:
        ok = not ok
    message = None
    if not ok:
        rel = "==" if negate else "~="
        message = "%s failed: %s (%s) %s %s (%s)" % (
            "NE" if negate else "EQ", lua_tostring(got), kg, rel, lua_tostring(expected), ke)
    return ok, message


def _tables_eq(t1, t2, tolerance, negate):
    # breadth first, so that the shallowest difference is the one reported (as Torch7 does)
    queue = [(t1, t2, None)]
    while queue:
        a, b, location = queue.pop(0)

        def sub(key, location=location):
            key_text = lua_tostring(key)
            return location + "." + key_text if location else key_text

        b_pairs = dict((k, v) for k, v in _table_pairs(b) if v is not None)
        a_pairs = [(k, v) for k, v in _table_pairs(a) if v is not None]
        for key, value1 in a_pairs:
            where = sub(key)
            value2 = b_pairs.get(key)
            if value2 is None:
                return negate, "Entry %s missing in second table (is %s in first)" % (
                    where, lua_tostring(value1))
            if _kind(value1) == "table" and _kind(value2) == "table":
                queue.append((value1, value2, where))
            else:
                ok, message = _are_eq(value1, value2, tolerance, False)
                if not ok:
                    return negate, "At table location " + where + ": " + message
        a_keys = dict(a_pairs)
        for key, value2 in b_pairs.items():
            if key not in a_keys:
                return negate, "Entry %s missing in first table (is %s in second)" % (
                    sub(key), lua_tostring(value2))
    return not negate, "The tables are equal"


def _message(message=None, *extra):
    """Tester.lua's getMessage: the optional message followed by a newline."""
    if extra:
        raise ValueError("Unexpected arguments passed to test function")
    if message is not None:
        if not isinstance(message, str):
            raise TypeError("message parameter must be a string")
        if message != "":
            return message + "\n"
    return ""


def _tolerance_and_message(default, *args):
    """A tolerance (number) and a message (string), given in either order."""
    message = None
    tolerance = None
    for a in args:
        if isinstance(a, str):
            if message is not None:
                raise ValueError("Unexpected string argument; already have message")
            message = a + "\n"
        elif _is_number(a):
            if tolerance is not None:
                raise ValueError("Unexpected number argument; already have tolerance")
            tolerance = a
            if not tolerance >= 0:
                raise ValueError("tolerance cannot be negative")
        else:
            raise TypeError("Unrecognized argument; should be a tolerance or message")
    return (default if tolerance is None else tolerance), (message or "")


# --- Tester -----------------------------------------------------------------------------------
_NCOLS = 80
_COLOURS = {"none": "\x1b[0m", "red": "\x1b[0;31m", "green": "\x1b[0;32m",
            "yellow": "\x1b[0;33m", "magenta": "\x1b[0;35m", "cyan": "\x1b[0;36m"}


class TestSuite:
    """torch.TestSuite(): a table of test functions that refuses duplicates and non-functions."""

    __test__ = False  # not a pytest class

    def __init__(self):
        object.__setattr__(self, "_tests", {})
        object.__setattr__(self, "__isTestSuite", True)

    def __setitem__(self, key, value):
        tests = self._tests
        if key in tests:
            raise ValueError("Test " + lua_tostring(key) + " is already defined.")
        if not callable(value) or isinstance(value, (TestSuite, dict, list, tuple)):
            if isinstance(value, (TestSuite, dict, list, tuple)):
                raise TypeError("Nested tables of tests are not supported")
            raise TypeError("Only functions are supported as members of a TestSuite")
        tests[key] = value

    def __getitem__(self, key):
        return self._tests[key]

    def __setattr__(self, key, value):
        self[key] = value

    def __getattr__(self, key):
        try:
            return object.__getattribute__(self, "_tests")[key]
        except KeyError:
            raise AttributeError(key) from None

    def __contains__(self, key):
        return key in self._tests

    def __iter__(self):
        return iter(self._tests)

    def __len__(self):
        return len(self._tests)

    def items(self):
        return self._tests.items()


class Tester(TorchObject):
    """torch.Tester(): Torch7's unit-test runner and its assertions.

    Assertions return whether they passed and record failures for the closing report of
    :meth:`run`; ``assert`` is also reachable as ``assert_`` from Python.
    """

    __typename__ = "torch.Tester"
    __test__ = False  # not a pytest class

    # Set by the bridge to give Lua source locations: a function () -> "stack traceback:\n\t..."
    traceback_provider = None

    def __init__(self):
        self.errors = []
        self.tests = {}
        self.warnings = []
        self._warningCount = {}
        self.disabledTests = {}
        self._currentTestName = ""
        # Torch7 keeps {{1}} == {1} in assertTensorEq for backwards compatibility
        self._assertTensorEqIgnoresDims = True
        self.earlyAbort = False
        self.rethrow = False
        self.summaryOnly = False
        self._setUp = None
        self._tearDown = None
        self._running = False
        self.assertionPass = {}
        self.assertionFail = {}
        self.testError = {}
        self.countasserts = 0

    # --- options ------------------------------------------------------------------------
    def setEarlyAbort(self, earlyAbort):
        self.earlyAbort = earlyAbort

    def setRethrowErrors(self, rethrow):
        self.rethrow = rethrow

    def setSummaryOnly(self, summaryOnly):
        self.summaryOnly = summaryOnly

    # --- bookkeeping --------------------------------------------------------------------
    def _success(self):
        name = self._currentTestName
        self.assertionPass[name] = self.assertionPass.get(name, 0) + 1
        return True

    def _location(self):
        """The two traceback lines Torch7 keeps: those just above the test runner's call, i.e.
        the test function at its current line, preceded by the helper it is in (if any)."""
        if not self._running:
            return ""
        if Tester.traceback_provider is not None:
            return Tester.traceback_provider() or ""
        child = None
        frame = sys._getframe(1)
        while frame is not None:
            parent = frame.f_back
            if (parent is not None and parent.f_code.co_filename == __file__
                    and parent.f_code.co_name in ("_pcall", "_run")
                    and frame.f_code.co_filename != __file__):
                break
            child, frame = frame, parent
        if frame is None:
            return ""

        def where(f):
            code = f.f_code
            return "\t%s:%d: in function <%s:%d>" % (
                code.co_filename, f.f_lineno, code.co_filename, code.co_firstlineno)

        # the assertion methods are tail calls in Tester.lua, so a direct call leaves no line
        first = "stack traceback:" if child is None or child.f_code.co_filename == __file__ \
            else where(child)
        return first + "\n" + where(frame)

    def _addDebugInfo(self, message):
        name = self._currentTestName
        return (name + "\n" if name != "" else "") + message + "\n" + self._location()

    def _failure(self, message):
        if _lua_truthy(self.rethrow):
            raise AssertionError(message)
        name = self._currentTestName
        self.assertionFail[name] = self.assertionFail.get(name, 0) + 1
        self.errors.append(self._addDebugInfo(message))
        return False

    def _warning(self, message):
        name = self._currentTestName
        self._warningCount[name] = self._warningCount.get(name, 0) + 1
        self.warnings.append(self._addDebugInfo(message))

    def _assert_sub(self, condition, message):
        if condition:
            return self._success()
        return self._failure(message)

    # --- assertions ---------------------------------------------------------------------
    def assert_(self, condition, *message):
        msg = _message(*message)
        if not isinstance(condition, (bool, np.bool_)):
            self._warning(" :assert should only be used for boolean conditions. To check for "
                          "non-nil variables, do this explicitly: Tester:assert(var ~= nil).")
        return self._assert_sub(_lua_truthy(condition),
                                "%sBOOL violation condition=%s" % (msg, lua_tostring(condition)))

    def assertGeneralEq(self, got, expected, *args):
        return self._eqOrNeq(got, expected, False, *args)

    def eq(self, got, expected, *args):
        return self.assertGeneralEq(got, expected, *args)

    def assertGeneralNe(self, got, unexpected, *args):
        return self._eqOrNeq(got, unexpected, True, *args)

    def ne(self, got, unexpected, *args):
        return self.assertGeneralNe(got, unexpected, *args)

    def _eqOrNeq(self, got, expected, negate, *args):
        tolerance, message = _tolerance_and_message(0, *args)
        success, sub_message = _are_eq(got, expected, tolerance, negate)
        return self._assert_sub(success, message + (sub_message or ""))

    def _compare(self, ok, a, b, what, op, message):
        return self._assert_sub(ok, "%s%s failed: %s %s %s" % (
            _message(*message), what, lua_tostring(a), op, lua_tostring(b)))

    def assertlt(self, a, b, *message):
        return self._compare(a < b, a, b, "LT", ">=", message)

    def assertgt(self, a, b, *message):
        return self._compare(a > b, a, b, "GT", "<=", message)

    def assertle(self, a, b, *message):
        return self._compare(a <= b, a, b, "LE", ">", message)

    def assertge(self, a, b, *message):
        return self._compare(a >= b, a, b, "GE", "<", message)

    def assertalmosteq(self, a, b, *args):
        tolerance, message = _tolerance_and_message(1e-16, *args)
        diff = abs(a - b)
        return self._assert_sub(diff <= tolerance,
                                "%sALMOST_EQ failed: %s ~= %s with tolerance=%s" % (
                                    message, lua_tostring(a), lua_tostring(b),
                                    lua_tostring(tolerance)))

    def asserteq(self, a, b, *message):
        return self._compare(_lua_eq(a, b), a, b, "EQ", "~=", message)

    def assertne(self, a, b, *message):
        msg = _message(*message)
        ka, kb = _kind(a), _kind(b)
        if (ka == kb and ka == "table") or ka == "userdata":
            self._warning(" :assertne should only be used to compare basic lua objects (numbers, "
                          "booleans, etc). Consider using either :assertGeneralNe or :assert(a ~= b).")
        return self._assert_sub(not _lua_eq(a, b), "%sNE failed: %s == %s" % (
            msg, lua_tostring(a), lua_tostring(b)))

    def assertTensorEq(self, ta, tb, *args):
        return self._assertTensorEqOrNeq(ta, tb, False, *args)

    def assertTensorNe(self, ta, tb, *args):
        return self._assertTensorEqOrNeq(ta, tb, True, *args)

    def _assertTensorEqOrNeq(self, ta, tb, negate, *args):
        if not _is_tensor(ta):
            raise TypeError("First argument should be a Tensor")
        if not _is_tensor(tb):
            raise TypeError("Second argument should be a Tensor")
        tolerance, message = _tolerance_and_message(0, *args)
        success, sub_message = _tensors_eq(ta, tb, tolerance, negate,
                                           self._assertTensorEqIgnoresDims)
        if (self._assertTensorEqIgnoresDims and not negate and success
                and tuple(ta._size) != tuple(tb._size)):
            self._warning("Tensors have the same content but different dimensions. For backwards "
                          "compatibility, they are considered equal, but this may change in the "
                          "future. Consider using :eq to check for equality instead.")
        return self._assert_sub(success, message + (sub_message or ""))

    def assertTableEq(self, ta, tb, *args):
        return self._assertTableEqOrNeq(ta, tb, False, *args)

    def assertTableNe(self, ta, tb, *args):
        return self._assertTableEqOrNeq(ta, tb, True, *args)

    def _assertTableEqOrNeq(self, ta, tb, negate, *args):
        if _kind(ta) != "table":
            raise TypeError("First argument should be a Table")
        if _kind(tb) != "table":
            raise TypeError("Second argument should be a Table")
        return self._eqOrNeq(ta, tb, negate, *args)

    def assertError(self, f, *message):
        return self.assertErrorObj(f, lambda err: True, *message)

    def assertNoError(self, f, *message):
        msg = _message(*message)
        try:
            result = f()
            status, err = True, result[0] if isinstance(result, tuple) and result else result
        except Exception as exc:  # a pcall catches every error
            status, err = False, _error_value(exc)
        return self._assert_sub(status, "%sERROR violation: err=%s" % (msg, lua_tostring(err)))

    def assertErrorMsg(self, f, errmsg, *message):
        return self.assertErrorObj(f, lambda err: _lua_eq(err, errmsg), *message)

    def assertErrorPattern(self, f, errPattern, *message):
        def matches(err):
            if _is_number(err):
                err = lua_tostring(err)
            if not isinstance(err, str):
                raise TypeError("assertErrorPattern: the error is not a string (%s)" % _kind(err))
            return _lua_find(err, errPattern)

        return self.assertErrorObj(f, matches, *message)

    def assertErrorObj(self, f, errcomp, *message):
        msg = _message(*message)
        try:
            result = f()
            status, err = True, result[0] if isinstance(result, tuple) and result else result
        except Exception as exc:
            status, err = False, _error_value(exc)
        return self._assert_sub((not status) and _lua_truthy(errcomp(err)),
                                "%sERROR violation: err=%s" % (msg, lua_tostring(err)))

    # --- tests --------------------------------------------------------------------------
    def add(self, f, name=None):
        """Add a test function (with its name) or a TestSuite / table of them; returns self."""
        if isinstance(f, (TestSuite, dict, list, tuple)):
            if name is not None:
                raise ValueError("Name parameter is forbidden for a table of tests, since its use "
                                 "is ambiguous")
            if not isinstance(f, TestSuite):
                self._warning("Should use TestSuite rather than plain lua table")
            for key, value in _table_pairs(f):
                if isinstance(value, (TestSuite, dict, list, tuple)):
                    raise ValueError("Nested sets of tests are not supported")
                self.add(value, key)
            return self
        if not callable(f):
            raise TypeError("Only tables of functions and functions supported")
        if name == "_setUp":
            if self._setUp is not None:
                raise ValueError("Only one set-up function allowed")
            self._setUp = f
        elif name == "_tearDown":
            if self._tearDown is not None:
                raise ValueError("Only one tear-down function allowed")
            self._tearDown = f
        else:
            name = "unknown" if name is None else name
            if name in self.tests:
                raise ValueError("Test with name " + lua_tostring(name) + " already exists!")
            self.tests[name] = f
        return self

    def disable(self, testNames):
        if isinstance(testNames, str):
            testNames = [testNames]
        if not isinstance(testNames, (list, tuple, dict)):
            raise TypeError("Expecting name or list for disable")
        for _, name in _table_pairs(testNames):
            if name not in self.tests:
                raise ValueError("Unrecognized test '" + lua_tostring(name) + "'")
            self.disabledTests[name] = True
        return self

    def _getTests(self, testNames=None):
        if testNames is None:
            return dict(self.tests)
        if isinstance(testNames, str):
            testNames = [testNames]
        if not isinstance(testNames, (list, tuple, dict)):
            raise TypeError("Only accept a name or table of test names (or nil for all tests)")
        tests = {}
        for _, pattern in _table_pairs(testNames):
            regex = re.compile(lua_pattern_to_regex(pattern), re.DOTALL)
            matching = [name for name in self.tests if regex.search(lua_tostring(name))]
            if not matching:
                raise ValueError("Couldn't find test '" + pattern + "'")
            for name in matching:
                tests[name] = self.tests[name]
        return tests

    def run(self, testNames=None):
        """Run the tests (all, or those whose names match the Lua patterns ``testNames``),
        print Torch7's progress lines and report; raise if a test failed or erred, else 0."""
        tests = self._getTests(testNames)
        self.assertionPass = {}
        self.assertionFail = {}
        self.testError = {}
        for name in tests:
            self.assertionPass[name] = 0
            self.assertionFail[name] = 0
            self.testError[name] = 0
            self._warningCount[name] = 0
        self._run(tests)
        self._report(tests)
        for name in tests:
            if self.assertionFail[name] != 0 or self.testError[name] != 0:
                raise AssertionError("An error was found while running tests!")
        return 0

    def _coloured(self, text, colour):
        if self._colour:
            return _COLOURS[colour] + text + _COLOURS["none"]
        return text

    def _run(self, tests):
        self._colour = isatty()
        ntests = len(tests)
        count_text = "%u" % ntests
        cfmt = "%" + str(len(count_text)) + "u/" + count_text + " "
        cfmtlen = len(count_text) * 2 + 2
        _write("Running " + _pluralize(ntests, "test") + "\n")
        i = 1
        self._running = True
        try:
            for name, fn in tests.items():
                self._currentTestName = name
                name_text = lua_tostring(name)
                strinit = (self._coloured(cfmt % i, "cyan") + name_text + " "
                           + "." * max(0, _NCOLS - 6 - 2 - cfmtlen - len(name_text)) + " ")
                _write(strinit + "[" + self._coloured("WAIT", "cyan") + "]")
                _flush()

                status = passed = None
                skip = bool(self.disabledTests.get(name))
                if not skip:
                    if self._setUp is not None:
                        self._setUp(name)
                    if _lua_truthy(self.rethrow):
                        status = True
                        nerr = len(self.errors)
                        fn()
                        passed = nerr == len(self.errors)
                    else:
                        status, _, passed = self._pcall(fn)
                    if self._tearDown is not None:
                        self._tearDown(name)

                _write("\r")
                _write(strinit)
                if skip:
                    _write("[" + self._coloured("SKIP", "yellow") + "]")
                elif not status:
                    self.testError[name] = 1
                    _write("[" + self._coloured("ERROR", "magenta") + "]")
                elif not passed:
                    _write("[" + self._coloured("FAIL", "red") + "]")
                else:
                    _write("[" + self._coloured("PASS", "green") + "]")
                    if self._warningCount.get(name, 0) > 0:
                        _write("\n" + " " * (_NCOLS - 10))
                        _write("[" + self._coloured("+warning", "yellow") + "]")
                _write("\n")
                _flush()

                if (_lua_truthy(self.earlyAbort) and i < ntests and (not status or not passed)
                        and not skip):
                    _write("Aborting on first error, not all tests have been executed\n")
                    break
                i += 1
        finally:
            self._running = False
            self._currentTestName = ""

    def _pcall(self, f):
        nerr = len(self.errors)
        try:
            f()
        except Exception as exc:
            tb = "".join(_traceback.format_tb(exc.__traceback__.tb_next)).rstrip("\n")
            result = lua_tostring(_error_value(exc)) + "\nstack traceback:\n" + tb
            self.errors.append(self._currentTestName + "\n Function call failed\n" + result + "\n")
            return False, result, False
        return True, None, nerr == len(self.errors)

    def _report(self, tests):
        ntests = nfailures = nerrors = nskipped = nwarnings = 0
        self.countasserts = 0
        for name in tests:
            ntests += 1
            self.countasserts += self.assertionFail[name] + self.assertionPass[name]
            if self.assertionFail[name] > 0:
                nfailures += 1
            if self.testError[name] > 0:
                nerrors += 1
            if self._warningCount.get(name, 0) > 0:
                nwarnings += 1
            if self.disabledTests.get(name):
                nskipped += 1
        nwarnings += self._warningCount.get("", 0)

        colour = getattr(self, "_colour", False)
        self._colour = colour
        _write("Completed " + _pluralize(self.countasserts, "assert"))
        _write(" in " + _pluralize(ntests, "test") + " with ")
        _write(self._coloured(_pluralize(nfailures, "failure"), "green" if nfailures == 0 else "red"))
        _write(" and ")
        _write(self._coloured(_pluralize(nerrors, "error"), "green" if nerrors == 0 else "magenta"))
        if nwarnings > 0:
            _write(" and ")
            _write(self._coloured(_pluralize(nwarnings, "warning"), "yellow"))
        if nskipped > 0:
            _write(" and ")
            _write(self._coloured("%d disabled" % nskipped, "yellow"))
        _write("\n")

        if not _lua_truthy(self.summaryOnly):
            have_section = False
            for text in self.errors + self.warnings:
                if not have_section:
                    _write("-" * _NCOLS + "\n")
                    have_section = True
                _write(text + "\n")
                _write("-" * _NCOLS + "\n")


# Lua code calls tester:assert(...); "assert" is a Python keyword, so it is set by name.
setattr(Tester, "assert", Tester.assert_)


def _pluralize(num, word):
    stem = lua_tostring(num) + " " + word
    return stem if num == 1 else stem + "s"


# --- CmdLine ----------------------------------------------------------------------------------
def _strip_dashes(key):
    return key.lstrip("-")


_NUMBER_RE = re.compile(r"\s*[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)\s*\Z")
_HEX_RE = re.compile(r"\s*([-+]?)0[xX]([0-9a-fA-F]+)\s*\Z")


def _lua_tonumber(text):
    """Lua's tonumber() of a command-line string: an int for integer literals, else a float,
    or None when the text is not a number."""
    if not isinstance(text, str):
        return text if _is_number(text) else None
    m = _HEX_RE.match(text)
    if m:
        value = int(m.group(2), 16)
        return -value if m.group(1) == "-" else value
    if not _NUMBER_RE.match(text):
        return None
    stripped = text.strip()
    if re.fullmatch(r"[-+]?\d+", stripped):
        return int(stripped)
    return float(stripped)


def _arg_items(arg):
    """(script name or None, the argument strings) from a Lua-style arg table or a list."""
    if arg is None:
        return sys.argv[0] if sys.argv else None, list(sys.argv[1:])
    if isinstance(arg, (list, tuple)):
        return None, list(arg)

    def get(k):
        try:
            return arg[k]
        except (KeyError, IndexError):
            return None

    values = []
    i = 1
    while get(i) is not None:
        values.append(get(i))
        i += 1
    return get(0), values


class _LogTee:
    """Copies what lua_print prints into a CmdLine log file (Torch7's CmdLine:log)."""

    def __init__(self, cmd, f):
        self.cmd = cmd
        self.file = f

    @property
    def silent(self):
        return bool(self.cmd.silentio)

    def __call__(self, values, text):
        parts = []
        if self.cmd.dateformat:
            parts.append(time.strftime(self.cmd.dateformat))
        parts.extend(lua_tostring(v) for v in values)
        parts.append("\n")
        self.file.write(" ".join(parts))
        self.file.flush()


class CmdLine(TorchObject):
    """torch.CmdLine(): command-line options and arguments as Torch7 scripts declare them.

    ``cmd.option('-lr', 0.1, 'learning rate')``, ``cmd.argument('-file', 'input')``,
    ``cmd.text('...')``; ``params = cmd.parse(arg)`` returns a dict keyed without dashes.
    ``arg`` is Lua's arg table (a dict with ``arg[0]`` the script) or a list of argument strings;
    by default ``sys.argv``. ``-h``/``--help`` prints the help text and exits, a bad command line
    prints the error and the help and exits with status 1, as in Torch7.
    """

    __typename__ = "torch.CmdLine"

    def __init__(self, argseparator=None, keyseparator=None):
        self.argseparator = argseparator if argseparator is not None else ","
        self.keyseparator = keyseparator if keyseparator is not None else "="
        self.options = {}
        self.arguments = []
        self.helplines = []
        self.dateformat = None
        self.silentio = False

    def silent(self):
        self.silentio = True

    def addTime(self, name=None, format="%Y-%m-%d %H:%M:%S"):  # noqa: A002 - Torch7's name
        if not isinstance(format, str):
            raise TypeError("Argument has to be string")
        prefix = "[" + name + "]: " if name is not None else ""
        self.dateformat = format + prefix

    def argument(self, key, help=None, type_=None):  # noqa: A002 - Torch7's name
        entry = {"key": key, "help": help, "type": type_}
        self.arguments.append(entry)
        self.helplines.append(entry)

    def option(self, key, default=None, help=None, type_=None):  # noqa: A002 - Torch7's name
        if default is None:
            raise ValueError("option " + key + " has no default value")
        type_ = type_ or lua_type(default)
        if lua_type(default) != type_:
            raise ValueError("option " + key + " has wrong default type value")
        entry = {"key": key, "default": default, "help": help, "type": type_}
        self.options[key] = entry
        self.helplines.append(entry)

    def default(self):
        return {_strip_dashes(key): opt["default"] for key, opt in self.options.items()}

    def text(self, txt=""):
        if txt is None:
            txt = ""
        if not isinstance(txt, str):
            raise TypeError("CmdLine.text: expected a string")
        self.helplines.append(txt)

    def error(self, msg):
        lua_print("")
        sys.stderr.write(msg)
        lua_print("")
        self.help()
        sys.exit(1)

    def _read_argument(self, params, value, n_argument):
        if n_argument > len(self.arguments):
            self.error("invalid argument: " + lua_tostring(value))
        argument = self.arguments[n_argument - 1]
        if argument["type"] and lua_type(value) != argument["type"]:
            self.error("invalid argument type for argument " + argument["key"]
                       + " (should be " + argument["type"] + ")")
        params[_strip_dashes(argument["key"])] = value
        return 1

    def _read_option(self, params, args, i):
        key = args[i]
        option = self.options.get(key)
        if option is None:
            self.error("unknown option " + key)
        if option["type"] == "boolean":
            params[_strip_dashes(key)] = not option["default"]
            return 1
        value = args[i + 1] if i + 1 < len(args) else None
        if value is None:
            self.error("missing argument for option " + key)
        if not option["type"] or option["type"] == "string":
            pass
        elif option["type"] == "number":
            value = _lua_tonumber(value)
        else:
            self.error("unknown required option type " + option["type"])
        if value is None:
            self.error("invalid type for option " + key + " (should be " + option["type"] + ")")
        params[_strip_dashes(key)] = value
        return 2

    def parse(self, arg=None):
        """The options' and arguments' values from ``arg`` (see the class doc), as a dict."""
        script, args = _arg_items(arg)
        params = self.default()
        n_argument = 0
        i = 0
        while i < len(args):
            if args[i] in ("-help", "-h", "--help"):
                self.help(arg if arg is not None else {0: script})
                sys.exit(0)
            if args[i] in self.options:
                i += self._read_option(params, args, i)
            else:
                n_argument += 1
                i += self._read_argument(params, args[i], n_argument)
        if n_argument != len(self.arguments):
            self.error("not enough arguments")
        return params

    def string(self, prefix=None, params=None, ignore=None):
        """A name made of the non-default options (``prefix,lr=0.5,seed=2``), e.g. for a run's
        directory; options in ``ignore`` are left out."""
        params = params or {}
        ignore = ignore or {}
        prefix = prefix or ""
        arguments = {}
        options = []
        for k, v in params.items():
            if ignore.get(k):
                lua_print("-- ignore option " + lua_tostring(k))
            elif ("-" + k) in self.options:
                opt = self.options["-" + k]
                if not _lua_eq(v, opt["default"]) or ignore.get(k, None) is False:
                    if isinstance(v, bool):
                        v = "t" if v else "f"
                    options.append(k + self.keyseparator + lua_tostring(v))
                    # Torch7's CmdLine prints each non-default option here
                    lua_print(k, v, opt["default"])
            else:
                narg = None
                for idx, argument in enumerate(self.arguments):
                    if _strip_dashes(argument["key"]) == k:
                        narg = idx + 1
                if narg:
                    arguments[narg] = k + self.keyseparator + lua_tostring(v)
                else:
                    lua_print("WARNING: unknown option/argument: " + lua_tostring(k)
                              + " IGNORING for DIRECTORY NAME")
        options.sort()
        # table.concat stops at the first hole of the positional arguments, as Lua's does
        positional = []
        n = 1
        while n in arguments:
            positional.append(arguments[n])
            n += 1
        text = self.argseparator.join(positional)
        if text == "":
            text = self.argseparator.join(options)
        else:
            text = text + self.argseparator + self.argseparator.join(options)
        if text == "":
            return prefix
        return prefix + self.argseparator + text

    def log(self, file, params=None):
        """Copy everything printed from now on (through lua_print) into ``file`` (a path or an
        open file), then print the start banner and the parameters."""
        f = file if hasattr(file, "write") else open(file, "w")  # noqa: SIM115 - kept open
        printing.print_tees.append(_LogTee(self, f))
        lua_print("[program started on " + time.strftime("%c") + "]")
        lua_print("[command line arguments]")
        if params:
            for k, v in params.items():
                lua_print(k, v)
        lua_print("[----------------------]")

    def help(self, arg=None):
        """Print Torch7's usage text: the usage line, then options, arguments and texts."""
        script = None
        if arg is not None:
            script, _ = _arg_items(arg)
        parts = ["Usage: "]
        if script is not None:
            parts.append(lua_tostring(script) + " ")
        parts.append("[options]")
        for argument in self.arguments:
            parts.append(" <" + _strip_dashes(argument["key"]) + ">")
        parts.append("\n")

        width = 0
        for line in self.helplines:
            if isinstance(line, dict):
                if "default" in line:
                    width = max(width, len(line["key"]))
                else:
                    width = max(width, len(_strip_dashes(line["key"])) + 2)
        for line in self.helplines:
            if isinstance(line, dict):
                parts.append("  ")
                if "default" in line:
                    parts.append(line["key"].ljust(width))
                    if line["help"] is not None:
                        parts.append(" " + line["help"])
                    parts.append(" [" + lua_tostring(line["default"]) + "]")
                else:
                    parts.append(("<" + _strip_dashes(line["key"]) + ">").ljust(width))
                    if line["help"] is not None:
                        parts.append(" " + line["help"])
            else:
                parts.append(line)
            parts.append("\n")
        _write("".join(parts))
