"""LuaSession: an embedded Lua runtime whose ``torch``, ``nn``, ``optim`` are the Python library.

This is the only place that imports lupa. The Lua side of the bridge lives in the top-level
``lua/`` folder (``bridge.lua``: proxies and calls; ``prelude.lua``: the environment ``th``
gives scripts). Values cross the boundary as follows:

* Lua -> Python: numbers, strings, booleans and nil as themselves; a proxy as its Python
  object; an array table as a ``list`` (copied, elements converted); any other table as a
  ``LuaTableDict``, a ``dict`` that reads and writes the Lua table itself (so optim's ``state``
  changes are seen by the script); a function as a ``LuaFunction`` (a Python callable).
* Python -> Lua: plain values as themselves; a list, tuple or dict as a new Lua table; a tuple
  returned by a call as multiple values; any other object as its one proxy.
* Fields of library objects holding a list or dict (``model.modules``, a node's
  ``annotations``) read as one Lua table bound to it: Lua's changes reach the Python container
  before the next call into Python (or when Lua code hands back to Python), Python's changes
  are copied into the table after each call.
* Element access (``x[i]``, ``w[i][j]``) goes through LuaJIT FFI pointers into the storage's
  numpy buffer, valid until Python runs again; rows of matrices are FFI structs.
* Errors: a Python exception becomes a Lua error "file:line: message"; a Lua error reaching
  Python is a ``LuaError`` whose ``value`` is the Lua error value converted to Python.
"""

import ctypes
import inspect
import operator
import os
import sys
import traceback
import types
import weakref
from pathlib import Path

import numpy as np

_PLAIN = (type(None), bool, int, float, str, bytes)
_PLAIN_SET = frozenset(_PLAIN)
_MISSING = object()

_LUA_MODULES = {
    "luajit": "luajit21", "luajit21": "luajit21", "luajit20": "luajit20",
    "5.1": "lua51", "5.2": "lua52", "5.3": "lua53", "5.4": "lua54", "5.5": "lua55",
}

# Lua packages that map onto Python packages of the library (``require 'nn'``).
PACKAGES = {
    "torch": "luatorch.torch", "nn": "luatorch.nn", "optim": "luatorch.optim",
    "nngraph": "luatorch.nngraph", "paths": "luatorch.paths", "sys": "luatorch.sys",
    "xlua": "luatorch.xlua", "gnuplot": "luatorch.gnuplot", "image": "luatorch.image",
    "dok": "luatorch.dok", "nnx": "luatorch.nnx",
}

# Lua's arithmetic metamethods on tensors -> Python's operators (Torch7's meaning is the
# library's __add__, __mul__, ...)
_BINOPS = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "mod": lambda a, b: a % b, "pow": lambda a, b: a ** b,
}

_DTYPE_CTYPES = {
    np.dtype(np.float64): "double", np.dtype(np.float32): "float", np.dtype(np.int64): "int64",
    np.dtype(np.int32): "int32", np.dtype(np.int16): "int16", np.dtype(np.int8): "int8",
    np.dtype(np.uint8): "uint8",
}


def glue_dir():
    """The folder holding the Lua-side glue (bridge.lua, prelude.lua): the source tree's lua/
    (editable installs), else <prefix>/share/luatorch/lua (wheels install it there)."""
    import sysconfig

    here = Path(__file__).resolve().parent
    candidates = [here.parent.parent / "lua"]
    for prefix in (sysconfig.get_path("data"), sys.prefix, sys.base_prefix):
        if prefix:
            candidates.append(Path(prefix) / "share" / "luatorch" / "lua")
    for candidate in candidates:
        if (candidate / "bridge.lua").is_file():
            return candidate
    raise FileNotFoundError("luatorch: the Lua glue (bridge.lua) is not installed")


# Live sessions, asked by the library's hooks for the Lua-side view of the stack (nngraph's node
# labels, torch.Tester's failure positions): Python code cannot see Lua frames itself.
_SESSIONS = weakref.WeakSet()


def _ask_sessions(entry, *args):
    """The first answer a live session's Lua side gives to B[entry](*args): only a session
    running Lua code at the moment has user frames to answer from."""
    for session in list(_SESSIONS):
        try:
            answer = getattr(session._B, entry)(*args)
        except Exception:  # noqa: BLE001, S112 - a hook must never break the library's call
            continue
        if answer:
            return answer
    return None


def _lua_location(with_function=True):
    return _ask_sessions("user_location", bool(with_function))


class _LuaTesterLocation:
    """torch.Tester's ``traceback_provider`` while Lua sessions exist: read on the class, it is
    a function giving the Lua lines of the failing assertion when Lua code is running, and
    None otherwise, so that a Tester run from Python alone still reports its Python frames."""

    def __get__(self, obj, cls=None):
        answer = _ask_sessions("tester_location")
        if not answer:
            return None
        return lambda: answer


def _install_hooks():
    """Point the library's hooks at the Lua stack (each hook only where nobody else set one)."""
    node = sys.modules.get("luatorch.nngraph.node")
    if node is not None and getattr(node, "location_hook", None) in (None, _lua_location):
        node.location_hook = _lua_location
    misc = sys.modules.get("luatorch.torch.misc")
    tester = getattr(misc, "Tester", None) if misc is not None else None
    if tester is not None:
        current = tester.__dict__.get("traceback_provider")
        if current is None:
            tester.traceback_provider = _LuaTesterLocation()


class _BytesBox:
    """Bytes on their way from Lua to Python (a Lua string that is not UTF-8)."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data


class LuaError(Exception):
    """A Lua error that reached Python (from a script or a Lua callback).

    ``value`` is the Lua error value (usually "file:line: message"); ``lua_traceback`` is the
    Lua stack at the point of the error.
    """

    def __init__(self, value, lua_traceback=""):
        self.value = value
        self.lua_traceback = lua_traceback or ""
        super().__init__(value)

    def __str__(self):
        msg = self.value if isinstance(self.value, str) else repr(self.value)
        if self.lua_traceback:
            return msg + "\n" + self.lua_traceback.strip("\n")
        return msg


_LUA_TO_PY_NAMES = {"__init": "__init__", "__typename": "__typename__"}


def _py_name(name):
    """Torch's Lua name of a field or method -> the Python attribute name."""
    return _LUA_TO_PY_NAMES.get(name, name)


class LuaFunction:
    """A Lua function called from Python: arguments and results are converted both ways."""

    __slots__ = ("__weakref__", "_session", "fn")

    def __init__(self, session, fn):
        self.fn = fn
        self._session = session

    def __call__(self, *args):
        s = self._session
        flat = []
        for a in args:
            flat.extend(s.marshal(a))
        r = s._callin(self.fn, len(args), *flat)
        if type(r) is not tuple:
            r = (r,)
        if r[0] is False:
            raise LuaError(s.to_python(r[1]), r[2] if len(r) > 2 else "")
        conv = s.to_python
        if len(r) == 1:
            return None
        if len(r) == 2:
            return conv(r[1])
        return tuple(conv(x) for x in r[1:])

    def __repr__(self):
        return "<Lua function>"


class LuaMethod:
    """A method defined in Lua on a Python class (``function ReQU:updateOutput(input)``).

    A descriptor, so that Python code calling ``self.updateOutput(x)`` reaches it with ``self``.
    """

    def __init__(self, function, is_init=False):
        self.function = function
        self.is_init = is_init

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        if self.is_init:
            return types.MethodType(self._init, obj)
        return types.MethodType(self.function, obj)

    def _init(self, obj, *args):
        self.function(obj, *args)  # Python's __init__ must return None

    def __call__(self, *args):
        return self.function(*args)

    def __repr__(self):
        return "<Lua method>"


class LuaTableDict(dict):
    """A Lua table seen from Python as a dict; reads and writes go to the Lua table itself.

    It is a ``dict`` for ``isinstance`` checks, but holds nothing itself. It is always true in
    a condition, as a Lua table is.
    """

    __slots__ = ("_s", "_t")

    def __init__(self, session, table):
        dict.__init__(self)
        self._s = session
        self._t = table

    def __getitem__(self, key):
        v = self._s._tget(self._t, key)
        if v is None:
            raise KeyError(key)
        return self._s.to_python(v)

    def get(self, key, default=None):
        v = self._s._tget(self._t, key)
        if v is None:
            return default
        return self._s.to_python(v)

    def __setitem__(self, key, value):
        tag, v = self._s.marshal_store(value)
        self._s._tset(self._t, key, tag, v)

    def __delitem__(self, key):
        if self._s._tget(self._t, key) is None:
            raise KeyError(key)
        self._s._tset(self._t, key, None, None)

    def __contains__(self, key):
        return self._s._tget(self._t, key) is not None

    def keys(self):
        return list(self._t.keys())

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return self._s._tlen(self._t)

    def values(self):
        return [self[k] for k in self.keys()]

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def setdefault(self, key, default=None):
        v = self.get(key, _MISSING)
        if v is _MISSING:
            self[key] = default
            return default
        return v

    def pop(self, key, default=_MISSING):
        v = self.get(key, _MISSING)
        if v is _MISSING:
            if default is _MISSING:
                raise KeyError(key)
            return default
        del self[key]
        return v

    def update(self, other=(), **kw):
        items = other.items() if hasattr(other, "items") else other
        for k, v in items:
            self[k] = v
        for k, v in kw.items():
            self[k] = v

    def copy(self):
        return dict(self.items())

    def clear(self):
        for k in self.keys():
            del self[k]

    def __bool__(self):
        return True

    def __eq__(self, other):
        return isinstance(other, LuaTableDict) and self._s._raw_equal(self._t, other._t)

    __hash__ = object.__hash__

    def __repr__(self):
        return f"LuaTableDict({self.copy()!r})"


def _lua_call(f, args):
    """Call ``f`` as Lua calls a function: arguments beyond those it takes are dropped (Lua
    ignores them: Torch7 code writes ``nn.Sigmoid(true)``). Only looked at after a TypeError,
    and only when the call itself could not bind, so a TypeError raised inside ``f`` stands."""
    try:
        return f(*args)
    except TypeError:
        trimmed = _without_extra_args(f, args)
        if trimmed is None:
            raise
    return f(*trimmed)


def _without_extra_args(f, args):
    try:
        sig = inspect.signature(f)
        sig.bind(*args)
        return None  # the call bound: the TypeError came from inside f
    except (TypeError, ValueError):
        pass
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    npos = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    if len(args) <= npos:
        return None
    trimmed = args[:npos]
    try:
        inspect.signature(f).bind(*trimmed)
    except TypeError:
        return None
    return trimmed


class LuaSession:
    """An embedded Lua runtime with the th environment: torch, paths, sys, xlua as globals,
    trepl's print, ``require`` of the library's packages, ``torch.class``.

    ``execute(code)`` runs Lua source and returns its results converted to Python;
    ``run_file(path, args)`` runs a script as ``th path args...`` does.
    """

    def __init__(self, lua="luajit", debug=False, stdout=None, stderr=None, argv0="th"):
        import importlib

        module_name = _LUA_MODULES.get(str(lua))
        if module_name is None:
            raise ValueError(f"unknown Lua runtime {lua!r} (choose from {', '.join(_LUA_MODULES)})")
        lupa_mod = importlib.import_module("lupa." + module_name)
        self.lua_version = str(lua)
        self.debug = debug
        self._broken_pipe = False
        self._addresses = {}  # id(ndarray) -> (weakref, address)
        self._kinds = {}  # class -> how its instances look in Lua (kind, class key, ...)
        # id(list or dict) -> [it, snapshot, count]: lists and dicts bound to Lua tables
        self._bound = {}
        self._stdout = stdout
        self._stderr = stderr
        self.lua = lupa_mod.LuaRuntime(unpack_returned_tuples=True, register_eval=False,
                                       register_builtins=False)
        self._lua_type = lupa_mod.lua_type
        self._LuaObject = type(self.lua.eval("{}")).__mro__[1]
        self._LuaTable = type(self.lua.eval("{}"))
        self._LuaFunctionType = type(self.lua.eval("print"))
        self._tabinfo_fn = None
        glue = glue_dir()
        py = self.lua.table_from({
            "invoke": self._invoke, "call": self._call, "getfield": self._getfield,
            "setfield": self._setfield, "getclassattr": self._getclassattr,
            "setclassattr": self._setclassattr, "getpackageattr": self._getpackageattr,
            "getitem": self._getitem, "setitem": self._setitem, "binop": self._binop,
            "unop": self._unop, "describe": self._describe, "expand": self._expand,
            "tostr": self._tostr, "classname": self._classname, "typename": self._typename,
            "fieldnames": self._fieldnames, "setlist": self._setlist, "setdict": self._setdict, "ffiinfo": self._ffiinfo,
            "new_class": self._new_class, "bind": self._bind, "subview": self._subview, "unbind": self._unbind, "import_package": self._import_package,
            "bytes_of": self._bytes_of, "write": self._write, "print_out": self._print_out, "write_err": self._write_err, "flush": self.flush, "isfile": os.path.isfile,
        })
        self._py = py
        bridge_src = (glue / "bridge.lua").read_text()
        loader = self.lua.eval("function(src, name) return assert((loadstring or load)(src, name)) end")
        self._B = loader(bridge_src, "@" + str(glue / "bridge.lua"))(py)
        B = self._B
        self._callin = B.callin
        self._tabinfo = B.tabinfo
        self._tabslice = B.tabslice
        self._tget = B.tget
        self._tset = B.tset
        self._tlen = B.tlen
        self._wrapv = B.wrapv
        self._make_table = B.make_table
        self._U = B.U
        self._raw_equal = self.lua.eval("rawequal")
        prelude_src = (glue / "prelude.lua").read_text()
        self._P = loader(prelude_src, "@" + str(glue / "prelude.lua"))(B, py, argv0)
        self._run = self._P.run
        _SESSIONS.add(self)
        _install_hooks()

    # --- output ------------------------------------------------------------------------
    def _write(self, text):
        if self._broken_pipe:
            return
        out = self._stdout if self._stdout is not None else sys.stdout
        try:
            out.write(text)
        except BrokenPipeError:
            # the reader went away (th script.lua | head): stop writing, as Lua's io would
            self._broken_pipe = True
            return

    def _print_out(self, text, n, *values):
        """The text of th's print from Lua: to standard output unless a silent tee keeps it
        off, and to each of the library's print tees (printing.print_tees, as lua_print
        calls them) with the values printed."""
        from ..torch import printing

        tees = list(printing.print_tees)
        if not any(getattr(tee, "silent", False) for tee in tees):
            self._write(text)
        if tees:
            values = tuple(self.to_python(v) for v in values[:n])
            for tee in tees:
                tee(values, text)

    @staticmethod
    def _bytes_of(text):
        """A Lua string that is not UTF-8, sent over as one code point per byte: boxed, since
        lupa would turn bytes straight back into a Lua string."""
        return _BytesBox(text.encode("latin-1"))

    def _write_err(self, text):
        err = self._stderr if self._stderr is not None else sys.stderr
        err.write(text)

    def flush(self):
        for stream in (self._stdout or sys.stdout, self._stderr or sys.stderr):
            try:
                stream.flush()
            except (AttributeError, ValueError, OSError):
                pass

    # --- errors --------------------------------------------------------------------------
    def _error(self, exc):
        if isinstance(exc, LuaError):
            return ("R",) + self.marshal(exc.value)
        msg = str(exc)
        if isinstance(exc, KeyError) and exc.args:
            msg = str(exc.args[0])
        if not msg:
            msg = type(exc).__name__
        if self.debug:
            msg += "\nPython traceback:\n" + traceback.format_exc()
        return ("E", msg)

    # --- Lua -> Python -------------------------------------------------------------------
    def to_python(self, v):
        """A value received from Lua (proxies already unwrapped) as the library uses it."""
        if type(v) is _BytesBox:
            return v.data
        if isinstance(v, self._LuaObject):
            t = self._lua_type(v)
            if t == "table":
                return self._table_to_python(v)
            if t == "function":
                return LuaFunction(self, v)
        return v

    def _table_to_python(self, table):
        info = self._tabinfo(table)
        kind = info[0]
        if kind == "a":
            conv = self.to_python
            return [conv(x) for x in info[2:]]
        if kind == "A":
            n = info[1]
            out = []
            conv = self.to_python
            step = 4000
            for start in range(1, n + 1, step):
                stop = min(n, start + step - 1)
                chunk = self._tabslice(table, start, stop)
                if type(chunk) is not tuple:
                    chunk = (chunk,)
                out.extend(conv(x) for x in chunk)
            return out
        return LuaTableDict(self, table)

    def _args(self, args, n):
        if len(args) > n:
            args = args[:n]
        LuaObject = self._LuaObject
        for a in args:
            if isinstance(a, LuaObject) or type(a) is _BytesBox:
                return tuple(self.to_python(x) for x in args)
        return args

    def _key(self, table):
        """A Lua index table ({2, {1, 3}, {}}) -> the Tensor key tuple (2, [1, 3], [])."""
        info = self._tabinfo(table)
        if info[0] == "d":
            return ()
        items = []
        for x in info[2:]:
            if isinstance(x, self._LuaObject) and self._lua_type(x) == "table":
                sub = self._tabinfo(x)
                items.append(list(sub[2:]) if sub[0] == "a" else [])
            else:
                items.append(x)
        return tuple(items)

    # --- Python -> Lua -------------------------------------------------------------------
    def marshal(self, v):
        """(tag, value) for the Lua side: see the protocol at the top of bridge.lua."""
        t = type(v)
        if t in _PLAIN_SET:
            return (None, v)
        if t is LuaFunction:
            return (None, v.fn)
        if t is LuaTableDict:
            return (None, v._t)
        if t is LuaMethod:
            return (None, v.function.fn if isinstance(v.function, LuaFunction) else v.function)
        if t is list or t is tuple or t is dict:
            return (None, self._to_table(v))
        if isinstance(v, self._LuaObject):
            return (None, v)
        if isinstance(v, np.generic):
            return (None, v.item())
        if isinstance(v, _PLAIN):
            return (None, t.__mro__[1](v) if t is not bool else v)
        if isinstance(v, types.MethodType) and isinstance(v.__func__, LuaFunction):
            return (None, v.__func__.fn)
        if isinstance(v, (list, tuple, dict)):
            return (None, self._to_table(v))
        return (id(v), v)

    def marshal_store(self, v):
        """As marshal, but Python containers stay Python objects (stored into Lua tables by the
        library, they keep their identity when read back)."""
        t = type(v)
        if t is list or t is dict:
            return (id(v), v)
        return self.marshal(v)

    @staticmethod
    def _snapshot(obj):
        return dict(obj) if type(obj) is dict else list(obj)

    @staticmethod
    def _changed(obj, snap):
        """Whether a bound list or dict differs from its snapshot. Runs after every call while
        something is bound, so it is one C-level comparison: == takes identical elements as
        equal without calling __eq__ (library objects compare by identity anyway); elements
        whose == is not a truth value (numpy arrays) fall back to an identity check."""
        try:
            return obj != snap
        except (ValueError, TypeError):
            if type(obj) is dict:
                return obj.keys() != snap.keys() or \
                    not all(map(operator.is_, obj.values(), snap.values()))
            return len(obj) != len(snap) or not all(map(operator.is_, obj, snap))

    def _bind(self, obj, key):
        entry = self._bound.get(key)
        if entry is None:
            self._bound[key] = [obj, self._snapshot(obj), 1]
        else:
            entry[2] += 1
            entry[1] = self._snapshot(obj)

    def _unbind(self, key):
        entry = self._bound.get(key)
        if entry is not None:
            entry[2] -= 1
            if entry[2] <= 0:
                del self._bound[key]

    def _check_bound(self):
        """After a call: push lists that Python changed to the Lua tables bound to them."""
        for key, entry in list(self._bound.items()):
            obj = entry[0]
            if self._changed(obj, entry[1]):
                entry[1] = self._snapshot(obj)
                self._B.refresh_bound(key, obj)

    def _result(self, r):
        if self._bound:
            self._check_bound()
        if type(r) is tuple:
            flat = ["M", len(r)]
            for x in r:
                flat.extend(self.marshal(x))
            return tuple(flat)
        return self.marshal(r)

    def _plain_nested(self, v, depth=0):
        for x in v:
            t = type(x)
            if t in _PLAIN_SET and t is not type(None):
                continue
            if (t is list or t is tuple) and depth < 8 and x and self._plain_nested(x, depth + 1):
                continue
            return False
        return True

    def _to_table(self, v):
        """A new Lua table from a Python list, tuple or dict (elements converted).

        Built here rather than in Lua so that the container itself is never wrapped for Lua:
        lupa keeps a slot for every Python object it ever wrapped, and results are transient.
        """
        if isinstance(v, dict):
            flat = []
            for k, x in v.items():
                if isinstance(k, np.generic):
                    k = k.item()
                flat.append(k)
                flat.extend(self.marshal(x))
            return self._make_table("d", len(v), *flat)
        if v and self._plain_nested(v):
            return self.lua.table_from(list(v), recursive=True)
        flat = []
        for x in v:
            flat.extend(self.marshal(x))
        return self._make_table("a", len(v), *flat)

    def _expand(self, v):
        if isinstance(v, dict):
            flat = ["d", len(v)]
            for k, x in v.items():
                if isinstance(k, np.generic):
                    k = k.item()
                flat.append(k)
                flat.extend(self.marshal(x))
            return tuple(flat)
        if v and self._plain_nested(v):
            return (None, self.lua.table_from(list(v), recursive=True))
        flat = ["a", len(v)]
        for x in v:
            flat.extend(self.marshal(x))
        return tuple(flat)

    def _describe(self, v):
        """(kind, class key[, FFI flag]) of a Python object about to get its Lua proxy."""
        if isinstance(v, type):
            return ("class", id(v))
        if isinstance(v, types.ModuleType):
            return ("package", id(v))
        cls = type(v)
        kind = self._kinds.get(cls)
        if kind is None:
            kind = self._kind_of_class(cls)
            # the Lua side keys per-class metatables by id(class): keep the class alive so
            # that its id is never reused by another class during this session
            self._kinds[cls] = kind
        if kind[0] == "function":
            return ("function", id(v))
        return kind

    @staticmethod
    def _kind_of_class(klass):
        from ..torch.classes import TorchObject
        from ..torch.storage import Storage
        from ..torch.tensor import Tensor

        if issubclass(klass, Tensor):
            return ("tensor", id(klass), 1 if klass.dtype in _DTYPE_CTYPES else None)
        if issubclass(klass, Storage):
            return ("storage", id(klass))
        if issubclass(klass, (list, dict, tuple)):
            return ("container", id(klass))
        instances_callable = any("__call__" in k.__dict__ for k in klass.__mro__)
        if instances_callable and not issubclass(klass, TorchObject):
            return ("function",)
        return ("object", id(klass))

    # --- calls from Lua ------------------------------------------------------------------
    def _invoke(self, obj, name, n, *args):
        try:
            if n:
                # arguments arrive unwrapped; only Lua tables and functions need converting
                LuaObject = self._LuaObject
                for a in args:
                    if isinstance(a, LuaObject) or type(a) is _BytesBox:
                        args = tuple(self.to_python(x) for x in args)
                        break
            try:
                method = getattr(obj, name)
            except AttributeError:
                method = getattr(obj, name + "_", None)
                if method is None:
                    raise AttributeError(f"attempt to call method '{name}' (a nil value)") from None
            r = _lua_call(method, args)
        except Exception as e:  # noqa: BLE001 - every error becomes a Lua error
            return self._error(e)
        if type(r) in _PLAIN_SET and not self._bound:
            return (None, r)
        return self._result(r)

    def _call(self, f, n, *args):
        try:
            args = self._args(args, n) if n else ()
            r = _lua_call(f, args)
        except Exception as e:  # noqa: BLE001
            return self._error(e)
        return self._result(r)

    @staticmethod
    def _class_lookup(owner, name):
        for klass in owner.__mro__:
            d = klass.__dict__
            if name in d:
                return d[name]
        return _MISSING

    @staticmethod
    def _is_method(attr):
        return (inspect.isroutine(attr) or isinstance(attr, (staticmethod, classmethod))) \
            and not isinstance(attr, type)

    def _getfield(self, obj, name):
        try:
            if not isinstance(name, str):
                raise TypeError(f"bad field name {name!r}")
            pyname = _py_name(name)
            d = getattr(obj, "__dict__", None)
            if d is not None and pyname in d:
                v = d[pyname]
            else:
                attr = self._class_lookup(type(obj), pyname)
                if attr is _MISSING:
                    v = getattr(obj, pyname, _MISSING)
                    if v is _MISSING:
                        v = getattr(obj, pyname + "_", None)
                elif isinstance(attr, LuaMethod):
                    return ("L", self.marshal(attr)[1])
                elif self._is_method(attr):
                    return ("C", pyname)
                else:
                    v = getattr(obj, pyname)
            if type(v) is list:
                return ("B", v, id(v))
            if type(v) is dict:
                return ("D", v, id(v))
            return self.marshal(v)
        except Exception as e:  # noqa: BLE001
            return self._error(e)

    def _setfield(self, obj, name, value):
        try:
            pyname = _py_name(name)
            value = self.to_python(value)
            if isinstance(value, LuaFunction):
                if self._is_method(self._class_lookup(type(obj), pyname)) or \
                        isinstance(self._class_lookup(type(obj), pyname), LuaMethod):
                    value = types.MethodType(value, obj)
            elif isinstance(value, LuaTableDict) and len(value) == 0 \
                    and isinstance(getattr(obj, pyname, None), list):
                value = []  # `self.modules = {}` in Lua: the library keeps a list there
            setattr(obj, pyname, value)
        except Exception as e:  # noqa: BLE001
            return self._error(e)
        return None

    def _getclassattr(self, cls, name):
        try:
            pyname = _py_name(name)
            attr = self._class_lookup(cls, pyname)
            if attr is _MISSING:
                attr = self._class_lookup(cls, pyname + "_")
                if attr is _MISSING:
                    return (None, None)
                pyname += "_"
            if isinstance(attr, LuaMethod):
                return ("L", self.marshal(attr)[1])
            if self._is_method(attr):
                return ("C", getattr(cls, pyname))
            return self.marshal(getattr(cls, pyname))
        except Exception as e:  # noqa: BLE001
            return self._error(e)

    def _setclassattr(self, cls, name, value):
        try:
            pyname = _py_name(name)
            value = self.to_python(value)
            if isinstance(value, LuaFunction):
                value = LuaMethod(value, is_init=(pyname == "__init__"))
            setattr(cls, pyname, value)
        except Exception as e:  # noqa: BLE001
            return self._error(e)
        return None

    def _getpackageattr(self, mod, name):
        try:
            v = getattr(mod, name, _MISSING)
            if v is _MISSING:
                v = getattr(mod, name + "_", None)
            stable = isinstance(v, (type, types.ModuleType)) or inspect.isroutine(v)
            return (stable,) + self.marshal(v)
        except Exception as e:  # noqa: BLE001
            return (False,) + self._error(e)

    def _getitem(self, obj, mode, key, _unused=None):
        try:
            if mode == "K":
                key = self._key(key)
            else:
                key = self.to_python(key)
            if isinstance(obj, (list, tuple)):
                return self.marshal_store(obj[int(key) - 1]) if 1 <= key <= len(obj) else (None, None)
            if isinstance(obj, dict):
                return self.marshal_store(obj.get(key))
            return self._result(obj[key])
        except Exception as e:  # noqa: BLE001
            return self._error(e)

    def _setitem(self, obj, mode, key, value):
        try:
            if mode == "K":
                key = self._key(key)
            else:
                key = self.to_python(key)
            value = self.to_python(value)
            if isinstance(obj, list):
                i = int(key) - 1
                if i == len(obj):
                    obj.append(value)
                else:
                    obj[i] = value
            else:
                obj[key] = value
        except Exception as e:  # noqa: BLE001
            return self._error(e)
        return None


    def _binop(self, name, a, b):
        try:
            r = _BINOPS[name](self.to_python(a), self.to_python(b))
        except Exception as e:  # noqa: BLE001
            return self._error(e)
        return self._result(r)

    def _unop(self, name, a):
        try:
            if name == "neg":
                r = -a
            else:
                from ..torch.tensor import Tensor

                r = a.size() if isinstance(a, Tensor) else len(a)
        except Exception as e:  # noqa: BLE001
            return self._error(e)
        return self._result(r)

    def _tostr(self, obj):
        try:
            f = getattr(type(obj), "__tostring__", None)
            s = obj.__tostring__() if f is not None else str(obj)
            return (None, str(s))
        except Exception as e:  # noqa: BLE001
            return self._error(e)

    @staticmethod
    def _classname(klass):
        name = getattr(klass, "__typename__", None) if isinstance(klass, type) else None
        if isinstance(klass, types.ModuleType):
            return f"table: 0x{id(klass):08x}"
        return name or getattr(klass, "__name__", repr(klass))

    @staticmethod
    def _typename(obj):
        return getattr(type(obj), "__typename__", None) or type(obj).__name__

    @staticmethod
    def _fieldnames(obj):
        d = getattr(obj, "__dict__", None)
        if isinstance(obj, dict):
            return tuple(obj.keys())
        if isinstance(obj, list):
            return tuple(range(1, len(obj) + 1))
        return tuple(k for k in (d or {}) if isinstance(k, str))

    def _setdict(self, d, nset, *flat):
        """Lua changed a bound dict: ``nset`` (key, value) pairs to set, then keys removed."""
        conv = self.to_python
        for i in range(nset):
            key = flat[2 * i]
            d[key.item() if isinstance(key, np.generic) else key] = conv(flat[2 * i + 1])
        for key in flat[2 * nset:]:
            d.pop(key, None)
        entry = self._bound.get(id(d))
        if entry is not None:
            entry[1] = self._snapshot(d)

    def _setlist(self, lst, n, *items):
        conv = self.to_python
        lst[:] = [conv(x) for x in items[:n]]
        entry = self._bound.get(id(lst))
        if entry is not None:
            entry[1] = tuple(lst)

    def _buffer_info(self, data):
        """(address, C type name) of a storage's numpy buffer, or None when Lua must not touch
        it directly (read-only or of an unknown type). Cached per buffer: computing the
        address costs microseconds."""
        entry = self._addresses.get(id(data))
        if entry is not None and entry[0]() is data:
            return entry[1]
        if len(self._addresses) > 4096:
            self._addresses = {k: e for k, e in self._addresses.items() if e[0]() is not None}
        ctype = _DTYPE_CTYPES.get(data.dtype)
        info = None
        if ctype is not None and data.flags.writeable:
            try:
                addr = ctypes.addressof(ctypes.c_char.from_buffer(data))  # faster than .ctypes
            except (TypeError, ValueError, BufferError):
                addr = data.ctypes.data
            info = (addr, ctype)
        self._addresses[id(data)] = (weakref.ref(data), info)
        return info

    def _ffiinfo(self, t):
        """Where a tensor's elements are, for LuaJIT FFI access: (address, C type, offset,
        number of dimensions, the buffer to keep alive, then size and stride of up to three
        dimensions). None when the elements cannot be reached that way."""
        st = getattr(t, "_storage", None)
        size = t._size
        if st is None or not size:
            return None
        data = st.data
        info = self._buffer_info(data)
        if info is None:
            return None
        stride = t._stride
        n = len(size)
        if n == 1:
            return (info[0], info[1], t._offset, 1, data, size[0], stride[0])
        if n == 2:
            return (info[0], info[1], t._offset, 2, data, size[0], stride[0], size[1], stride[1])
        return (info[0], info[1], t._offset, n, data, size[0], stride[0], size[1], stride[1],
                size[2], stride[2])

    def _subview(self, parent, offset, *geometry):
        """The select that a lazy sub-tensor proxy stands for (offset 0-based)."""
        from ..torch.storage import LongStorage

        sizes, strides = list(geometry[0::2]), list(geometry[1::2])
        t = type(parent)(parent.storage(), offset + 1, LongStorage(sizes), LongStorage(strides))
        return (id(t), t)

    def _new_class(self, name, parent=None):
        from ..torch import classes

        existing = classes.find(name)
        if existing is not None and getattr(existing, "_lua_session", None) not in (None, id(self)):
            # a class that an earlier Lua session defined: this session defines its own
            classes.unregister(name)
        cls, parent_cls = classes.new_class(name, parent)
        cls._lua_session = id(self)
        return cls, parent_cls

    def _import_package(self, name):
        import importlib

        module_name = PACKAGES.get(name)
        if module_name is None:
            return None
        try:
            mod = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name and module_name.startswith(e.name):
                return None
            raise
        _install_hooks()
        return self.marshal(mod)

    # --- public API ----------------------------------------------------------------------
    def _results(self, r):
        if type(r) is not tuple:
            r = (r,)
        if r[0] is False:
            raise LuaError(self.to_python(r[1]), r[2] if len(r) > 2 else "")
        conv = self.to_python
        res = [conv(x) for x in r[1:]]
        if not res:
            return None
        return res[0] if len(res) == 1 else tuple(res)

    def execute(self, code, chunkname="=(string)"):
        """Run Lua source; return its results converted to Python (a tuple when several).
        A Lua error raises LuaError."""
        if self._bound:
            self._check_bound()  # Python may have changed bound fields since Lua last ran
        return self._results(self._run("string", code, chunkname))

    def eval(self, expression):
        """The value of a Lua expression, converted to Python."""
        return self.execute("return " + expression)

    def run_file(self, path, args=(), argv0=None):
        """Run a Lua file as ``th path args...`` does (the global ``arg`` holds ``args``)."""
        self._P.set_arg(argv0 or sys.argv[0], sys.executable, *[str(a) for a in args])
        if self._bound:
            self._check_bound()
        return self._results(self._run("file", str(path)))

    def require(self, name):
        return self.execute(f"return require({name!r})")

    def globals(self):
        """The Lua global table, as a live LuaTableDict."""
        return LuaTableDict(self, self.lua.globals())

    def to_lua(self, value):
        """A Python value as Lua sees it (its proxy, a table, ...), for passing into Lua."""
        tag, v = self.marshal(value)
        return self._wrapv(tag, v)

    def set_global(self, name, value):
        self.lua.globals()[name] = self.to_lua(value)

    def get_global(self, name):
        return self.to_python(self._U(self.lua.globals()[name]))

    def call(self, function_name, *args):
        """Call the Lua global function ``function_name`` with Python arguments."""
        fn = self.lua.globals()[function_name]
        return LuaFunction(self, fn)(*args)
