"""torch.save / torch.load / serialize / deserialize: Torch7's object format (File.lua).

Every value is written as a type tag (an Int) and then its content:

* nil 0; number 1 (a Double); string 2 (an Int length, then the bytes as Chars); boolean 5
  (an Int, 1 or 0);
* table 3 and Torch object 4: an Int index into the file's object-reference table; an object
  already written is written as its index alone, so sharing and cycles survive a round trip.
  A new table then has its entry count and key/value objects; a new Torch object has its
  version string ``"V 1"``, its class name, and either its class's own ``write`` format
  (Tensor: dimension count, sizes, strides, 1-based offset, then its Storage as an object;
  Storage: size, then the raw elements) or a table of its fields;
* Lua function 6/7/8: compiled bytecode and upvalues (never run on load unless allowed).

Python values map as: None <-> nil; bool <-> boolean; int/float <-> number (a number read
back is an ``int`` when it is integral and exactly representable, so sizes, counts and indices
stay ints); str/bytes <-> string (read back as ``str`` when UTF-8); a table whose keys are
exactly 1..n, and an empty table, <-> list (lists, tuples and any Sequence are written as array
tables), other tables <-> dict (any Mapping; entries written in its order, so a file read and
written back is byte-identical); Torch objects <-> instances of the registered class of that
name (created without ``__init__``; a class ``read(file, version)`` / ``write(file)`` method
is used when it has one, else the fields are set in ``__dict__``; class attribute
``__nonpersistent__`` names fields not written, ``__version`` the version written). numpy
arrays are written as tensors. Torch7's Cuda and Half tensors load as CPU Float (etc.) tensors.

Bad input (truncation, corrupt tags, sizes the rest of the file cannot hold, unknown classes)
raises SerializationError naming the file, the byte offset and what was expected; counts are
checked against the bytes left before anything is allocated.
"""

import collections.abc
import inspect
import math
import re
import struct
import sys

import numpy as np

from . import classes
from .file import (
    KINDS,
    DiskFile,
    File,
    FileError,
    MemoryFile,
    PipeFile,
    lua_string,
    string_bytes,
)
from .storage import STORAGE_CLASSES, Storage
from .tensor import TENSOR_CLASSES, Tensor

__all__ = [
    "DiskFile",
    "File",
    "FileError",
    "LuaFunction",
    "MemoryFile",
    "PipeFile",
    "SerializationError",
    "T7Object",
    "TableKey",
    "deserialize",
    "deserializeFromStorage",
    "load",
    "loadobj",
    "save",
    "saveobj",
    "serialize",
    "serializeToStorage",
]

TYPE_NIL = 0
TYPE_NUMBER = 1
TYPE_STRING = 2
TYPE_TABLE = 3
TYPE_TORCH = 4
TYPE_BOOLEAN = 5
TYPE_FUNCTION = 6
LEGACY_TYPE_RECUR_FUNCTION = 7
TYPE_RECUR_FUNCTION = 8
_TAG_NAMES = {0: "nil", 1: "number", 2: "string", 3: "table", 4: "torch object", 5: "boolean",
              6: "function", 7: "function", 8: "function"}
_INDEX_WHAT = {tag: f"the reference index of a {name}" for tag, name in _TAG_NAMES.items()}

# Deepest nesting of tables/objects accepted (deeper input is corrupt or hostile).
MAX_DEPTH = 10000
# Torch7 tensors have at most this many dimensions (TH's limit is far below it).
MAX_DIMS = 1000
_INT_EXACT = 2 ** 53  # doubles are exact integers up to here

# GPU and half types of files written with cutorch load as the CPU type of the same values.
_STORAGE_ALIASES = {"Cuda": "Float", "CudaDouble": "Double", "CudaLong": "Long", "CudaInt": "Int",
                    "CudaShort": "Short", "CudaChar": "Char", "CudaByte": "Byte",
                    "CudaHalf": "Half", "Half": "Half"}


class SerializationError(RuntimeError):
    """A file that does not hold what Torch7's format says it should (names file and offset)."""


class LuaFunction:
    """A Lua function read from a file: its bytecode and upvalues, inert (never run here).

    ``kind`` is its type tag (8: upvalues as {name=, value=} records; 6/7: values only). The Lua
    bridge may register a loader (``register_function_loader``) that turns it into a live
    function when the caller allows functions."""

    def __init__(self, bytecode, upvalues=None, kind=TYPE_RECUR_FUNCTION):
        self.bytecode = bytes(bytecode)
        self.upvalues = upvalues if upvalues is not None else []
        self.kind = kind

    def __call__(self, *args):
        raise RuntimeError("this Lua function was read from a file and needs the Lua bridge to run")

    def __repr__(self):
        return f"<Lua function: {len(self.bytecode)} bytes of bytecode>"


class T7Object:
    """An object of a Torch class that is not available here, kept as its class name, version
    and fields (``torch.load(..., unknown_classes='keep')``; written back unchanged)."""

    def __init__(self, typename, version, fields):
        self.typename = typename
        self.version = version
        self.fields = fields

    def __getitem__(self, key):
        return self.fields[key]

    def get(self, key, default=None):
        return self.fields.get(key, default)

    def __repr__(self):
        return f"<{self.typename} (not loaded): {len(self.fields)} fields>"


class TableKey:
    """A Lua table used as a key of another table. Lua keys tables by identity (nngraph keys its
    graphs' tables by nodes and by node-data tables); a Python list or dict cannot be a dict key,
    so it is read wrapped in this, hashed and compared by the identity of ``table``. Written
    back as that table (sharing kept)."""

    __slots__ = ("table",)

    def __init__(self, table):
        self.table = table

    def __hash__(self):
        return id(self.table)

    def __eq__(self, other):
        return isinstance(other, TableKey) and other.table is self.table

    def __repr__(self):
        return f"<table key: {classes.lua_type(self.table)} at 0x{id(self.table):x}>"


# the values that Lua can use as keys but Python cannot (they are keyed by identity via TableKey)
_UNHASHABLE_KEYS = (list, dict, np.ndarray)

# Per-class read hooks: ``hook(obj, version)`` runs when an object of that Torch class has been
# read in full (converting a layout an older or another implementation wrote into this library's).
_READ_HOOKS = {}
# Modules imported when a file holds one of these classes: they define the classes and register
# their read hooks (so that torch.load of a Torch7 nngraph file needs no import first).
_CLASS_MODULES = {name: "luatorch.nngraph.torch7_layout"
                  for name in ("nn.gModule", "nngraph.Node", "graph.Node", "graph.Graph", "graph.Edge")}


def register_read_hook(typename, hook):
    """Run ``hook(obj, version)`` on each object of class ``typename`` once it has been read."""
    _READ_HOOKS[typename] = hook


def _batch_normalization_v1(module, version):
    """nn.BatchNormalization files of version 1 keep ``running_std`` (1 / sqrt(var + eps));
    BatchNormalization.read of torch/nn turns it into ``running_var`` in place, as here."""
    if version is not None and version < 2:
        running_std = module.__dict__.pop("running_std", None)
        if isinstance(running_std, Tensor):
            eps = module.__dict__.get("eps")
            eps = 1e-5 if eps is None else eps
            a = running_std._a
            np.power(a, -2, out=a)
            a -= eps
            module.running_var = running_std


for _name in ("nn.BatchNormalization", "nn.SpatialBatchNormalization",
              "nn.VolumetricBatchNormalization"):
    register_read_hook(_name, _batch_normalization_v1)


def _find_class(name):
    cls = classes.find(name)
    module = _CLASS_MODULES.get(name)
    if module is not None and (cls is None or name not in _READ_HOOKS):
        import importlib

        try:
            importlib.import_module(module)
        except ImportError:
            return cls  # reported as an unknown class when it is one
        cls = classes.find(name)
    return cls


_function_loader = None
_function_dumper = None


def register_function_loader(loader):
    """``loader(lua_function) -> callable``: how allowed Lua functions become live (the bridge)."""
    global _function_loader
    _function_loader = loader


def register_function_dumper(dumper):
    """``dumper(obj) -> LuaFunction or None``: how callables are written (the bridge)."""
    global _function_dumper
    _function_dumper = dumper


# --- the per-file object-reference table ----------------------------------------------------------
class _ReferenceEnv:
    def __init__(self):
        self.write_index = {}  # id(object) -> index
        self.keep = []  # the written objects, kept alive so that their ids stay theirs
        self.n_write = 0
        self.read_objects = {}  # index -> object (or a _PendingTable while it is being read)
        self.force = False  # referenced(false): every object is written/read in full
        self.options = None  # the options of the load in progress (for nested readObject calls)
        self.fields_next = False  # the next table read is an object's field table
        self.name_stack = []


def reference_env(f):
    if f._env is None:
        f._env = _ReferenceEnv()
    return f._env


def _storage_kind(name):
    """'torch.FloatStorage' -> 'Float' (also Cuda*/Half aliases); None if not a storage name."""
    if name.startswith("torch.") and name.endswith("Storage"):
        kind = name[6:-7]
        if kind in KINDS:
            return kind
        return _STORAGE_ALIASES.get(kind)
    return None


def _tensor_kind(name):
    if name.startswith("torch.") and name.endswith("Tensor"):
        kind = name[6:-6]
        if kind in KINDS:
            return kind
        return _STORAGE_ALIASES.get(kind)
    return None


# --- decoders: the primitive reads, with the expectation named in errors ------------------------
class _Decoder:
    """Primitive reads for the object reader; raises SerializationError naming file, offset and
    what was expected."""

    def __init__(self, f):
        self.file = f

    @staticmethod
    def text(what):
        """``what`` given as a string, or as a tuple of parts joined only when an error needs it."""
        return what if isinstance(what, str) else "".join(what)

    def error(self, message, offset=None):
        return SerializationError(f"{self.file.where(self.tell() if offset is None else offset)}: {message}")

    def truncated(self, what, need, offset):
        more = f" ({need} more bytes)" if need is not None else ""
        return self.error(f"expected {self.text(what)}{more}, but the file ends there "
                          "(truncated, or not a Torch7 file in this format)", offset)


class _InMemory:
    """Position bookkeeping of the decoders that read a file's bytes from memory (``buf``,
    ``pos``), kept in step with the file object around custom read methods."""

    def tell(self):
        return self.pos

    def remaining(self):
        return len(self.buf) - self.pos

    def sync_out(self):
        self.file._io.seek(self.pos)

    def sync_in(self):
        self.pos = self.file._io.tell()


class _BufferDecoder(_InMemory, _Decoder):
    """Binary reads straight from the file's bytes (a MemoryFile or a memory-mapped file)."""

    def __init__(self, f, buf):
        super().__init__(f)
        self.buf = buf
        self.pos = f._io.tell()
        order = "<" if (f._native_encoding == File._is_little_endian_cpu) else ">"
        self.order = order
        self.s_int = struct.Struct(order + "i")
        self.s_double = struct.Struct(order + "d")
        self.long_size = 4 if f._long_size == 4 else 8
        self.s_long = struct.Struct(order + ("i" if self.long_size == 4 else "q"))
        self.min_pair_bytes = 8  # a table entry is at least two 4-byte type tags

    def int(self, what):
        pos = self.pos
        if pos + 4 > len(self.buf):
            raise self.truncated(what, 4, pos)
        self.pos = pos + 4
        return self.s_int.unpack_from(self.buf, pos)[0]

    def long(self, what):
        pos = self.pos
        if pos + self.long_size > len(self.buf):
            raise self.truncated(what, self.long_size, pos)
        self.pos = pos + self.long_size
        return self.s_long.unpack_from(self.buf, pos)[0]

    def longs(self, n, what):
        return self.array("Long", n, what).tolist()

    def double(self, what):
        pos = self.pos
        if pos + 8 > len(self.buf):
            raise self.truncated(what, 8, pos)
        self.pos = pos + 8
        return self.s_double.unpack_from(self.buf, pos)[0]

    def chars(self, n, what):
        pos = self.pos
        if pos + n > len(self.buf):
            raise self.truncated(what, n, pos)
        self.pos = pos + n
        return bytes(self.buf[pos : pos + n])

    def string(self, what):
        """A length-prefixed string (the hot path of field names), checked as _count does."""
        pos = self.pos
        buf = self.buf
        if pos + 4 <= len(buf):
            n = self.s_int.unpack_from(buf, pos)[0]
            if 0 <= n <= len(buf) - pos - 4:
                self.pos = pos + 4 + n
                return bytes(buf[pos + 4 : pos + 4 + n])
        return None  # let the general path report the problem

    def array(self, kind, n, what):
        if kind == "Half":
            dtype, want = np.dtype(self.order + "f2"), np.dtype(np.float32)
        else:
            want = KINDS[kind][0]
            dtype = np.dtype(np.int32) if (kind == "Long" and self.long_size == 4) else want
            dtype = dtype.newbyteorder(self.order)
        pos = self.pos
        nbytes = n * dtype.itemsize
        if pos + nbytes > len(self.buf):
            raise self.truncated(what, nbytes, pos)
        stream = getattr(self.file._io, "f", None)
        if nbytes >= 1 << 20 and stream is not None and dtype == want:
            # a large array of a disk file: read straight into its memory (no page-faulting
            # through the map and copying)
            arr = np.empty(n, want)
            stream.seek(pos)
            if self.file._io.readinto(memoryview(arr).cast("B")) != nbytes:
                raise self.truncated(what, nbytes, pos)
        else:
            arr = np.frombuffer(self.buf, dtype, n, pos).astype(want)  # a copy, native order
        self.pos = pos + nbytes
        return arr


class _FileDecoder(_Decoder):
    """Reads through the File's own primitives (ascii files, pipes, files open for writing)."""

    def __init__(self, f):
        super().__init__(f)
        self.min_pair_bytes = 8 if f._binary else 4

    def tell(self):
        return self.file._io.tell()

    def remaining(self):
        return self.file._io.remaining()

    def sync_out(self):
        pass

    def sync_in(self):
        pass

    def array(self, kind, n, what):
        start = self.tell()
        if kind == "Half":
            if self.file._binary:
                raw = self.chars(2 * n, what)
                order = "<" if self.file._native_encoding == File._is_little_endian_cpu else ">"
                return np.frombuffer(raw, order + "f2").astype(np.float32)
            kind = "Float"  # ascii halves are written as floats
        try:
            arr, count = self.file._read_array(kind, n)
        except FileError as e:
            raise self.error(f"expected {self.text(what)}: {e}", start) from None
        if count != n:
            raise self.truncated(what, None, start) if count == 0 else self.error(
                f"expected {self.text(what)}: read {count} values instead of {n} (truncated file?)", start)
        return arr

    def int(self, what):
        return int(self.array("Int", 1, what)[0])

    def long(self, what):
        return int(self.array("Long", 1, what)[0])

    def longs(self, n, what):
        return self.array("Long", n, what).tolist()

    def double(self, what):
        return float(self.array("Double", 1, what)[0])

    def chars(self, n, what):
        return self.array("Char", n, what).tobytes()


class _AsciiBufferDecoder(_InMemory, _Decoder):
    """Ascii reads straight from the file's bytes: scalars parsed here, large arrays through the
    File's vectorised reader."""

    min_pair_bytes = 4

    def __init__(self, f, buf):
        super().__init__(f)
        self.buf = buf
        self.pos = f._io.tell()
        self.auto = f._auto_spacing
        self.token_pattern = f._token_pattern

    def _after(self):
        if self.auto and self.buf[self.pos : self.pos + 1] == b"\n":
            self.pos += 1

    def _token(self, what):
        start = self.pos
        m = self.token_pattern.match(self.buf, start)
        if m is None:
            raise self.truncated(what, None, start)
        return bytes(m.group(1)), m.end()

    def _integer(self, what, bits):
        start = self.pos
        token, end = self._token(what)
        try:
            value = int(token)
        except ValueError:
            raise self.error(f"expected {self.text(what)} (an integer), found {token[:40]!r}", start) from None
        if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
            raise self.error(f"expected {self.text(what)}, found {value}, out of range", start)
        self.pos = end
        return value

    def int(self, what):
        value = self._integer(what, 32)
        self._after()
        return value

    def long(self, what):
        value = self._integer(what, 64)
        self._after()
        return value

    def longs(self, n, what):
        values = [self._integer(what, 64) for _ in range(n)]
        if n:
            self._after()
        return values

    def double(self, what):
        start = self.pos
        token, end = self._token(what)
        try:
            value = float(token)
        except ValueError:
            raise self.error(f"expected {self.text(what)} (a number), found {token[:40]!r}", start) from None
        self.pos = end
        self._after()
        return value

    def chars(self, n, what):
        start = self.pos
        if start + n > len(self.buf):
            raise self.truncated(what, n, start)
        self.pos = start + n
        if n:
            self._after()
        return bytes(self.buf[start : start + n])

    def array(self, kind, n, what):
        if kind in ("Byte", "Char"):
            return np.frombuffer(self.chars(n, what), KINDS[kind][0]).copy()
        self.sync_out()
        try:
            return _FileDecoder(self.file).array(kind, n, what)
        finally:
            self.sync_in()


def _decoder(f):
    buf = f._io.buffer() if hasattr(f._io, "buffer") else None
    if buf is not None:
        return _BufferDecoder(f, buf) if f._binary else _AsciiBufferDecoder(f, buf)
    return _FileDecoder(f)


class _PendingTable:
    """A table whose entries are being read. A reference to it from inside (a cycle) must be
    given an object now: a list if the keys so far are 1..k, else a dict."""

    __slots__ = ("keys", "result")

    def __init__(self, keys):
        self.result = None
        self.keys = keys

    def commit(self):
        if self.result is None:
            keys = self.keys
            is_array = bool(keys) and all(type(k) is int for k in keys) and keys == list(range(1, len(keys) + 1))
            self.result = [] if is_array else {}
        return self.result


def _number(x):
    """A Lua number read from a file: an int when integral and exact, else the float."""
    if x.is_integer() and -_INT_EXACT <= x <= _INT_EXACT and not (x == 0 and math.copysign(1, x) < 0):
        return int(x)
    return x


def _accepts_version(func):
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return True
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return True
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 3


class _Reader:
    def __init__(self, f, allow_functions=False, numpy=False, unknown_classes="error"):
        if unknown_classes not in ("error", "keep"):
            raise ValueError("unknown_classes must be 'error' or 'keep'")
        self.file = f
        self.env = reference_env(f)
        self.allow_functions = allow_functions
        self.numpy = numpy
        self.keep_unknown = unknown_classes == "keep"
        self.dec = _decoder(f)
        self.depth = 0

    def options(self):
        return {"allow_functions": self.allow_functions, "numpy": self.numpy,
                "unknown_classes": "keep" if self.keep_unknown else "error"}

    def read(self, as_fields=False):
        dec = self.dec
        start = dec.tell()
        tag = dec.int("the type tag of an object")
        if tag == TYPE_NIL:
            return None
        if tag == TYPE_NUMBER:
            return _number(dec.double("a number"))
        if tag == TYPE_BOOLEAN:
            return dec.int("a boolean") == 1
        if tag == TYPE_STRING:
            return lua_string(self._string_bytes("a string"))
        if tag in (TYPE_TABLE, TYPE_TORCH, TYPE_RECUR_FUNCTION, LEGACY_TYPE_RECUR_FUNCTION, TYPE_FUNCTION):
            if tag in (TYPE_RECUR_FUNCTION, LEGACY_TYPE_RECUR_FUNCTION, TYPE_FUNCTION) and not self.allow_functions:
                raise dec.error("the file holds a Lua function (compiled bytecode), which Torch7 would "
                                "run; it is not loaded unless you trust the file and pass "
                                "allow_functions=True", start)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise dec.error(f"objects nested more than {MAX_DEPTH} deep", start)
            try:
                if tag == TYPE_FUNCTION:
                    return self._function(None, tag)
                index = dec.int(_INDEX_WHAT[tag])
                objects = self.env.read_objects
                if not self.env.force and index in objects:
                    obj = objects[index]
                    if isinstance(obj, _PendingTable):
                        return obj.commit()
                    return obj
                if tag == TYPE_TABLE:
                    return self._table(index, as_fields)
                if tag == TYPE_TORCH:
                    return self._torch(index, start)
                return self._function(index, tag)
            finally:
                self.depth -= 1
        raise dec.error(f"unknown object type tag {tag} (expected 0-8: a Torch7 object; "
                        "is the file corrupt, or in the other format, binary/ascii?)", start)

    def _count(self, what, per_item, prefix=""):
        """A non-negative count that the rest of the file can hold."""
        dec = self.dec
        start = dec.tell()
        n = dec.int((prefix, what) if prefix else what)
        remaining = dec.remaining()
        if n < 0 or (remaining is not None and n * per_item > remaining):
            raise dec.error(f"{prefix}{what} is {n}, but only {remaining} bytes follow (corrupt file)", start)
        return n

    def _string_bytes(self, what):
        fast = getattr(self.dec, "string", None)
        if fast is not None:
            data = fast(what)
            if data is not None:
                return data
        n = self._count(what, 1, "the length of ")
        return self.dec.chars(n, what) if n else b""

    def _register(self, index, obj):
        if not self.env.force:
            self.env.read_objects[index] = obj

    def _table(self, index, as_fields):
        as_fields = as_fields or self.env.fields_next
        self.env.fields_next = False
        n = self._count("the entry count of a table", self.dec.min_pair_bytes)
        keys, values = [], []
        pending = _PendingTable(keys)
        self._register(index, pending)
        for _ in range(n):
            key_at = self.dec.tell()
            key = self.read()
            value = self.read()
            if key is None:
                raise self.dec.error("a table key is nil", key_at)
            if isinstance(key, _UNHASHABLE_KEYS):
                key = TableKey(key)
            keys.append(key)
            values.append(value)
        table = pending.result
        # keys exactly 1..n make a list; so does an empty table (nn's empty tables are arrays:
        # modules = {}, output = {}), except an object's field table, which is always a dict
        is_array = all(type(k) is int for k in keys) and sorted(keys) == list(range(1, n + 1))
        if isinstance(table, list) and not is_array:
            raise self.dec.error("a table that contains itself mixes array and record keys, which "
                                 "Python cannot represent with one object")
        if (table is None and not as_fields and is_array) or isinstance(table, list):
            if table is None:
                table = [None] * n
            else:
                table.extend([None] * n)
            for k, v in zip(keys, values):
                table[k - 1] = v
        else:
            if table is None:
                table = {}
            for k, v in zip(keys, values):
                table[k] = v
            if len(table) != n:
                raise self.dec.error("table keys collide in Python (true and 1, or repeated keys)")
        self._register(index, table)
        return table

    def _torch(self, index, start):
        dec = self.dec
        version = self._string_bytes("the version string of a Torch object")
        vnum = _version_number(version)
        if vnum is None:
            class_name, vnum = version, 0  # a file from before Torch7 had versions
        else:
            class_name = self._string_bytes("the class name of a Torch object")
        class_name, tensor_kind, storage_kind = _class_info(class_name)
        if tensor_kind is not None:
            return self._tensor(index, tensor_kind, class_name)
        kind = storage_kind
        if kind is not None:
            arr = self._storage_data(kind, class_name)
            obj = arr if self.numpy else STORAGE_CLASSES[_cpu_kind(kind)](arr)
            self._register(index, obj)
            return obj
        cls = _find_class(class_name)
        if cls is None or issubclass(cls, (File, Tensor, Storage)) or not isinstance(cls, type):
            if self.keep_unknown:
                obj = T7Object(class_name, vnum, None)
                self._register(index, obj)
                obj.fields = self._fields(class_name)
                return obj
            raise dec.error(f"unknown Torch class <{class_name}> (load the package that defines it "
                            "first, or pass unknown_classes='keep' to inspect the file)", start)
        try:
            obj = cls.__new__(cls)
        except Exception as e:
            raise dec.error(f"cannot create a <{class_name}> without its constructor: {e}", start) from e
        self._register(index, obj)
        read = getattr(cls, "read", None)
        if callable(read):
            env = self.env
            saved = env.options
            env.options = self.options()
            env.fields_next = True
            dec.sync_out()
            try:
                accepts = _ACCEPTS_VERSION.get(read)
                if accepts is None:
                    accepts = _ACCEPTS_VERSION[read] = _accepts_version(read)
                if accepts:
                    read(obj, self.file, vnum)
                else:
                    read(obj, self.file)
            except (SerializationError, FileError):
                raise
            except Exception as e:
                raise dec.error(f"the read method of <{class_name}> failed: {type(e).__name__}: {e}",
                                start) from e
            finally:
                env.options = saved
                env.fields_next = False
                dec.sync_in()
        else:
            fields = self._fields(class_name)
            target = getattr(obj, "__dict__", None)
            for k, v in fields.items():
                if target is not None:
                    target[k] = v
                else:
                    setattr(obj, k, v)
        hook = _READ_HOOKS.get(class_name)
        if hook is not None:
            try:
                hook(obj, vnum)
            except (SerializationError, FileError):
                raise
            except Exception as e:
                raise dec.error(f"converting the <{class_name}> read failed: {type(e).__name__}: {e}",
                                start) from e
        return obj

    def _fields(self, class_name):
        at = self.dec.tell()
        fields = self.read(as_fields=True)
        if fields is None:
            return {}
        if not isinstance(fields, dict):
            raise self.dec.error(f"expected the field table of a <{class_name}>, found a "
                                 f"{classes.lua_type(fields)}", at)
        return fields

    def _storage_data(self, kind, class_name):
        dec = self.dec
        start = dec.tell()
        n = dec.long(f"the size of a {class_name}")
        remaining = dec.remaining()
        item = 2 if kind == "Half" else KINDS[kind][0].itemsize
        if kind == "Long" and self.file._long_size == 4:
            item = 4
        per = item if self.file._binary else 1
        if n < 0 or (remaining is not None and n * per > remaining):
            raise dec.error(f"a {class_name} of {n} elements ({n * item} bytes) cannot fit in the "
                            f"{remaining} bytes that follow (corrupt file)", start)
        return dec.array(kind, n, f"the {n} elements of a {class_name}") if n else \
            np.zeros(0, KINDS[_cpu_kind(kind)][0])

    def _tensor(self, index, kind, class_name):
        dec = self.dec
        cls = TENSOR_CLASSES[_cpu_kind(kind)]
        tensor = cls.__new__(cls)
        Tensor.__init__(tensor)
        if not self.numpy:
            self._register(index, tensor)
        start = dec.tell()
        ndim = dec.int(f"the dimension count of a {class_name}")
        if ndim < 0 or ndim > MAX_DIMS:
            raise dec.error(f"a {class_name} with {ndim} dimensions (corrupt file)", start)
        remaining = dec.remaining()
        if remaining is not None and 2 * ndim > remaining:
            raise dec.truncated(f"the sizes and strides of a {class_name}", 2 * ndim, start)
        size = dec.longs(ndim, f"the sizes of a {class_name}") if ndim else []
        stride = dec.longs(ndim, f"the strides of a {class_name}") if ndim else []
        offset = dec.long(f"the storage offset of a {class_name}") - 1
        storage_at = dec.tell()
        storage = self.read()
        if storage is not None and not isinstance(storage, (Storage, np.ndarray)):
            raise dec.error(f"a {class_name} whose storage is a {classes.type_of(storage)}", storage_at)
        data = storage if isinstance(storage, np.ndarray) else (storage.data if storage is not None else None)
        if data is not None and data.dtype != cls.dtype:
            raise dec.error(f"a {class_name} over a storage of another type", storage_at)
        if any(s < 0 for s in size) or any(st < 0 for st in stride) or offset < 0:
            raise dec.error(f"a {class_name} with size {tuple(size)}, stride {tuple(stride)}, "
                            f"offset {offset + 1} (corrupt file)", start)
        if ndim and all(s > 0 for s in size):
            extent = offset + 1 + sum((s - 1) * st for s, st in zip(size, stride))
            have = 0 if data is None else data.shape[0]
            if extent > have:
                raise dec.error(f"a {class_name} of size {tuple(size)}, stride {tuple(stride)}, "
                                f"offset {offset + 1} needs {extent} elements but its storage has "
                                f"{have} (corrupt file)", start)
        else:
            size, stride = [], []
        if self.numpy:
            if not size:
                arr = np.zeros(0, cls.dtype)
            else:
                item = data.itemsize
                arr = np.ndarray(tuple(size), data.dtype, buffer=data, offset=offset * item,
                                 strides=tuple(s * item for s in stride))
            self._register(index, arr)
            return arr
        tensor._set_from(storage, max(offset, 0), tuple(size), tuple(stride))
        return tensor

    def _function(self, index, tag):
        bytecode = self._string_bytes("the bytecode of a Lua function")
        fn = LuaFunction(bytecode, None, tag)
        if index is not None:
            self._register(index, fn)
        fn.upvalues = self.read()
        if _function_loader is not None:
            live = _function_loader(fn)
            if index is not None:
                self._register(index, live)
            return live
        return fn


_VERSIONS = {}
_CLASS_INFO = {}
_ACCEPTS_VERSION = {}


def _version_number(version):
    """The number in a version string ``b"V 1"``, or None (cached: files repeat a few)."""
    if version not in _VERSIONS:
        m = re.match(rb"^V (.*)$", version, re.DOTALL)
        vnum = None
        if m:
            try:
                vnum = _number(float(m.group(1)))
            except ValueError:
                vnum = None
        if len(_VERSIONS) < 1000:
            _VERSIONS[version] = vnum
        return vnum
    return _VERSIONS[version]


def _class_info(raw_name):
    """(class name, tensor kind or None, storage kind or None) of a class name read from a file."""
    info = _CLASS_INFO.get(raw_name)
    if info is None:
        name = raw_name.decode("utf-8", "replace")
        info = (name, _tensor_kind(name), _storage_kind(name))
        if len(_CLASS_INFO) < 10000:
            _CLASS_INFO[raw_name] = info
    return info


def _cpu_kind(kind):
    return "Float" if kind == "Half" else kind


def read_object(f, allow_functions=None, numpy=None, unknown_classes=None):
    """File.readObject: the next object of ``f`` (Torch7's format)."""
    f._check_read()
    env = reference_env(f)
    opts = dict(env.options or {})
    for name, value in (("allow_functions", allow_functions), ("numpy", numpy),
                        ("unknown_classes", unknown_classes)):
        if value is not None:
            opts[name] = value
    reader = _Reader(f, **opts)
    old_limit = sys.getrecursionlimit()
    need = 6 * MAX_DEPTH + 2000
    if old_limit < need:
        sys.setrecursionlimit(need)
    try:
        result = reader.read()
    finally:
        env.fields_next = False
        reader.dec.sync_out()
        if old_limit < need:
            sys.setrecursionlimit(old_limit)
    return result


# --- encoders and the writer ---------------------------------------------------------------------
class _BufferEncoder:
    """Binary writes gathered in memory and written to the file in large pieces."""

    def __init__(self, f):
        self.io = f._io
        order = "<" if (f._native_encoding == File._is_little_endian_cpu) else ">"
        self.order = order
        self.long4 = f._long_size == 4
        self.s_int = struct.Struct(order + "i")
        self.s_double = struct.Struct(order + "d")
        self.s_long = struct.Struct(order + ("i" if self.long4 else "q"))
        self.parts = bytearray()

    def flush(self):
        if self.parts:
            self.io.write(self.parts)
            self.parts = bytearray()

    def int(self, v):
        self.parts += self.s_int.pack(v)

    def long(self, v):
        self.parts += self.s_long.pack(v)

    def longs(self, values):
        for v in values:
            self.parts += self.s_long.pack(v)

    def double(self, v):
        self.parts += self.s_double.pack(v)

    def chars(self, data):
        self.parts += data

    def array(self, kind, arr):
        dtype = KINDS[kind][0]
        if kind == "Long" and self.long4:
            dtype = np.dtype(np.int32)
        dtype = dtype.newbyteorder(self.order)
        out = np.ascontiguousarray(arr, dtype=dtype).reshape(-1)
        if out.nbytes > 1 << 16:
            self.flush()
            self.io.write(memoryview(out).cast("B"))
        else:
            self.parts += out.tobytes()


class _AsciiEncoder:
    """Ascii writes formatted here as THDiskFile/THMemoryFile print them (``%d``, ``%.17g``, a
    space between array elements and a newline after each write when auto-spacing), gathered
    and written to the file in large pieces."""

    def __init__(self, f):
        self.f = f
        self.nl = "\n" if f._auto_spacing else ""
        self.sep = " " if f._auto_spacing else ""
        self.parts = []

    def flush(self):
        if self.parts:
            self.f._io.write("".join(self.parts).encode("latin-1"))
            self.parts = []

    def int(self, v):
        self.parts.append(f"{int(v)}{self.nl}")

    long = int

    def longs(self, values):
        if len(values):
            self.parts.append(self.sep.join(map(str, values)) + self.nl)

    def double(self, v):
        self.parts.append(f"{v:.17g}{self.nl}")

    def chars(self, data):
        if data:
            self.parts.append(data.decode("latin-1") + self.nl)

    def array(self, kind, arr):
        self.flush()
        self.f._write_array(kind, arr)


_NP_KIND = {np.dtype(np.float64): "Double", np.dtype(np.float32): "Float", np.dtype(np.int64): "Long",
            np.dtype(np.int32): "Int", np.dtype(np.int16): "Short", np.dtype(np.int8): "Char",
            np.dtype(np.uint8): "Byte", np.dtype(np.bool_): "Byte", np.dtype(np.float16): "Float"}


def _nonpersistent(cls):
    names = set()
    for klass in cls.__mro__:
        names.update(klass.__dict__.get("__nonpersistent__", ()) or ())
    return names


def _version_of(obj):
    for klass in type(obj).__mro__:
        for name in ("__version", f"_{klass.__name__}__version"):
            if name in klass.__dict__:
                return klass.__dict__[name]
    return 1


def _version_text(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"V {v}"


class _Writer:
    def __init__(self, f):
        self.file = f
        self.env = reference_env(f)
        self.enc = _BufferEncoder(f) if f._binary else _AsciiEncoder(f)
        self.depth = 0

    def stack(self):
        return ".".join(str(n) for n in self.env.name_stack)

    def writable(self, obj):
        """The type tag ``obj`` is written with, or None (Torch7's isWritableObject)."""
        if obj is None:
            return TYPE_NIL
        if isinstance(obj, TableKey):
            return self.writable(obj.table)
        if isinstance(obj, (bool, np.bool_)):
            return TYPE_BOOLEAN
        if isinstance(obj, (int, float, np.integer, np.floating)):
            return TYPE_NUMBER
        if isinstance(obj, (str, bytes, bytearray)):
            return TYPE_STRING
        if isinstance(obj, (Tensor, Storage, T7Object)):
            return TYPE_TORCH
        if isinstance(obj, np.ndarray):
            return TYPE_TORCH if obj.dtype in _NP_KIND else None
        if isinstance(obj, File):
            return None
        if isinstance(obj, classes.TorchObject) and classes.typename(obj):
            return TYPE_TORCH
        if isinstance(obj, (collections.abc.Mapping, collections.abc.Sequence)):
            return TYPE_TABLE
        if isinstance(obj, LuaFunction):
            return obj.kind  # written back as read: the upvalue layout differs between tags
        if callable(obj) and _function_dumper is not None:
            return TYPE_RECUR_FUNCTION
        return None

    def write(self, obj, name=None):
        enc = self.enc
        if obj is None:
            enc.int(TYPE_NIL)
            return
        if isinstance(obj, TableKey):
            obj = obj.table
        env = self.env
        env.name_stack.append(name if name is not None else "<?>")
        tag = self.writable(obj)
        if tag is None:
            what = classes.lua_type(obj)
            raise SerializationError(f"Unwritable object <{what}> at {self.stack()}")
        if tag == TYPE_RECUR_FUNCTION and not isinstance(obj, LuaFunction):
            dumped = _function_dumper(obj)
            if dumped is None:
                raise SerializationError(f"Unwritable object <function> at {self.stack()}")
        else:
            dumped = obj
        enc.int(tag)
        if tag == TYPE_NUMBER:
            try:
                enc.double(float(obj))
            except OverflowError:
                raise SerializationError(f"the number {obj} at {self.stack()} is too large for a "
                                         "Lua number (a double)") from None
        elif tag == TYPE_BOOLEAN:
            enc.int(1 if obj else 0)
        elif tag == TYPE_STRING:
            data = string_bytes(obj)
            enc.int(len(data))
            if data:
                enc.chars(data)
        elif tag == TYPE_FUNCTION:
            self._function_body(dumped)  # no reference index: written in full every time
        else:
            key = id(obj)
            index = env.write_index.get(key)
            if index is not None and not env.force:
                enc.int(index)
            else:
                index = self._new_index(obj)
                enc.int(index)
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    raise SerializationError(f"objects nested more than {MAX_DEPTH} deep at {self.stack()}")
                try:
                    if tag == TYPE_TABLE:
                        self._table(obj)
                    elif tag == TYPE_TORCH:
                        self._torch(obj)
                    else:
                        self._function_body(dumped)
                finally:
                    self.depth -= 1
        env.name_stack.pop()

    def _new_index(self, obj):
        env = self.env
        env.n_write += 1
        if not env.force and obj is not None:
            env.write_index[id(obj)] = env.n_write
            env.keep.append(obj)
        return env.n_write

    def _function_body(self, fn):
        self.enc.int(len(fn.bytecode))
        if fn.bytecode:
            self.enc.chars(fn.bytecode)
        self.write(fn.upvalues if fn.upvalues is not None else [], "upvalues")

    def _items(self, obj):
        if isinstance(obj, collections.abc.Mapping):
            return [(k, v) for k, v in obj.items() if v is not None]
        return [(i + 1, v) for i, v in enumerate(obj) if v is not None]

    def _table(self, obj, items=None):
        items = self._items(obj) if items is None else items
        for k, _ in items:
            if k is None or self.writable(k) is None:
                raise SerializationError(f"Unwritable table key <{classes.lua_type(k)}> at {self.stack()}")
        self.enc.int(len(items))
        for k, v in items:
            self.write(k)
            self.write(v, str(k) if isinstance(k, (str, int, float)) else None)

    def _header(self, version, name):
        for text in (version, name):
            data = text.encode("utf-8")
            self.enc.int(len(data))
            self.enc.chars(data)

    def _torch(self, obj):
        if isinstance(obj, np.ndarray):
            kind = _NP_KIND[obj.dtype]
            obj = TENSOR_CLASSES[kind](np.ascontiguousarray(obj, KINDS[kind][0]))
        if isinstance(obj, Tensor):
            self._header("V 1", obj.__typename__)
            enc = self.enc
            enc.int(len(obj._size))
            enc.longs(obj._size)
            enc.longs(obj._stride)
            enc.long(obj._offset + 1)
            self.write(obj._storage)
            return
        if isinstance(obj, Storage):
            self._header("V 1", obj.__typename__)
            kind = obj.__typename__[6:-7]
            self.enc.long(obj.size())
            if obj.size():
                self.enc.array(kind, obj.data)
            return
        if isinstance(obj, T7Object):
            self._header(_version_text(obj.version), obj.typename)
            self._fields(obj.fields, obj.typename)
            return
        name = classes.typename(obj)
        self._header(_version_text(_version_of(obj)), name)
        write = getattr(type(obj), "write", None)
        if callable(write):
            self.enc.flush()
            write(obj, self.file)
            return
        skip = _nonpersistent(type(obj))
        fields = {}
        for k, v in getattr(obj, "__dict__", {}).items():
            if k in skip:
                continue
            if self.writable(v) is None:
                print(f"$ Warning: cannot write object field <{k}> of <{name}> {self.stack()}")
                continue
            fields[k] = v
        self._fields(fields, name)

    def _fields(self, fields, name):
        """An object's fields: a fresh table each time, as Torch7 writes them."""
        self.env.name_stack.append(name)
        self.enc.int(TYPE_TABLE)
        self.enc.int(self._new_index(None))
        self._table(fields)
        self.env.name_stack.pop()


def write_object(f, obj, debugname=None):
    """File.writeObject: write ``obj`` in Torch7's format."""
    f._check_write()
    writer = _Writer(f)
    depth_at_start = len(writer.env.name_stack)  # > 0 inside a class's own write method
    old_limit = sys.getrecursionlimit()
    need = 6 * MAX_DEPTH + 2000
    if old_limit < need:
        sys.setrecursionlimit(need)
    try:
        writer.write(obj, debugname)
    finally:
        writer.enc.flush()
        del writer.env.name_stack[depth_at_start:]
        if old_limit < need:
            sys.setrecursionlimit(old_limit)


# --- torch.save / torch.load ------------------------------------------------------------------------
def _check_mode(mode, referenced):
    if mode not in (None, "binary", "ascii"):
        raise ValueError(f'"binary" or "ascii" (or nil) expected for mode, got {mode!r}')
    if referenced not in (None, True, False):
        raise ValueError("true or false (or nil) expected for referenced")


def save(filename, obj, format=None, referenced=None, *, long_size=None):
    """torch.save(filename, object [, 'binary'|'ascii' [, referenced]]): binary by default.

    ``filename`` may also be an open torch File. ``long_size=4`` writes Longs as 4 bytes."""
    _check_mode(format, referenced)
    own = not isinstance(filename, File)
    f = DiskFile(filename, "w") if own else filename
    try:
        getattr(f, format or "binary")()
        f.referenced(referenced is not False)
        if long_size is not None:
            f.longSize(long_size)
        f.writeObject(obj)
    finally:
        if own:
            f.close()


def _sniff_format(path):
    """'ascii' when the file starts as Torch7's ascii format does (a type tag line), else 'binary'.
    A binary file starts with a 4-byte tag 0-8, never with a digit and a newline."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return "binary"  # opening it again reports the problem in Torch7's words
    return "ascii" if re.match(rb"^\s*[0-9]+\s", head) else "binary"


def _big_endian_head(f):
    """Does the file start with a type tag (0-8) written big-endian (and not little-endian)?"""
    head = f._io.window(4)
    return len(head) == 4 and head[:3] == b"\0\0\0" and 0 < head[3] <= 8


def load(filename, format=None, referenced=None, *, numpy=False, allow_functions=False,
         long_size=None, unknown_classes="error"):
    """torch.load(filename [, 'binary'|'ascii' [, referenced]]): the object saved in the file.

    Without a format, the format is recognised from the file's first bytes; so are big-endian
    files, and binary files with 4-byte Longs (written on Windows); ``long_size`` forces one.
    ``numpy=True`` returns numpy arrays for tensors and storages (sharing memory as the
    tensors did). ``allow_functions=True`` lets Lua functions in the file load (Torch7 would run
    them; here they stay inert unless the Lua bridge registered a loader).
    ``unknown_classes='keep'`` returns objects of unknown classes as T7Object records."""
    _check_mode(format, referenced)
    options = {"numpy": numpy, "allow_functions": allow_functions, "unknown_classes": unknown_classes}
    if isinstance(filename, File):
        f = filename
        if format:
            getattr(f, format)()
        f.referenced(referenced is not False)
        if long_size is not None:
            f.longSize(long_size)
        return f.readObject(**options)
    mode = format or _sniff_format(filename)

    def attempt(size, whole=False):
        with DiskFile(filename, "r") as f:
            getattr(f, mode)()
            f.referenced(referenced is not False)
            if size is not None:
                f.longSize(size)
            if mode == "binary" and _big_endian_head(f):
                f.bigEndianEncoding()  # a file from a big-endian machine: its first tag says so
            obj = f.readObject(**options)
            if whole and f._io.remaining():
                raise SerializationError("not a file with 4-byte Longs")
            return obj

    try:
        return attempt(long_size)
    except SerializationError as first:
        if mode == "binary" and long_size is None:
            # a file written where C longs have 4 bytes (Windows) reads wrongly with 8-byte
            # Longs; it is accepted as such when it then reads cleanly to its last byte
            try:
                return attempt(4, whole=True)
            except SerializationError:
                pass
        if mode == "binary" and format == "binary" and _sniff_format(filename) == "ascii":
            raise SerializationError(f"{first} -- this looks like an ascii file: load it with "
                                     "format 'ascii'") from None
        raise


def serializeToStorage(obj, format=None):
    """The bytes of ``obj`` in Torch7's format, as a CharStorage ending with a 0 byte."""
    _check_mode(format, None)
    f = MemoryFile()
    getattr(f, format or "binary")()
    f.writeObject(obj)
    storage = f.storage()
    f.close()
    return storage


def serialize(obj, format=None):
    """torch.serialize(object [, format]): bytes (with Torch7's terminating 0 byte)."""
    _check_mode(format, None)
    f = MemoryFile()
    getattr(f, format or "binary")()
    f.writeObject(obj)
    return f.storage().data.tobytes()  # the content and its terminating 0, in one copy


def deserializeFromStorage(storage, format=None, **options):
    """The object in a CharStorage (or bytes) that serializeToStorage made."""
    _check_mode(format, None)
    raw = storage.data.tobytes() if isinstance(storage, Storage) else string_bytes(storage)
    f = MemoryFile._reading(raw)
    getattr(f, format or "binary")()
    obj = f.readObject(**options)
    f.close()
    return obj


def deserialize(data, format=None, **options):
    """torch.deserialize(string [, format]): the object that ``serialize`` turned into bytes."""
    return deserializeFromStorage(string_bytes(data), format, **options)


saveobj = save
loadobj = load
