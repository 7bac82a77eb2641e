"""Torch7's File classes: ``torch.DiskFile``, ``torch.MemoryFile``, ``torch.PipeFile``.

A File reads and writes the primitive types (Byte, Char, Short, Int, Long, Float, Double),
arrays of them (Storages) and strings, in one of two encodings, as Torch7's THDiskFile.c /
THMemoryFile.c do:

* binary: the raw little-endian bytes (DiskFile can switch to big-endian; ``longSize(4)`` reads
  and writes Longs as 4 bytes, as files written on Windows have them);
* ascii (the default for a new File, as in Torch7): numbers as text (``%d``, ``%.9g`` for Float,
  ``%.17g`` for Double) separated by a space, with a newline after each written array when
  auto-spacing is on; Bytes and Chars are written raw in both encodings.

``readObject`` / ``writeObject`` (Torch7's File.lua object format) live in serialization.py.

Lua strings are byte strings: strings read from a file come back as ``str`` when they are valid
UTF-8, else as ``bytes``; both are accepted for writing. Positions are 1-based, as in Torch7.
"""

import mmap
import os
import re
import subprocess
import sys
import warnings

import numpy as np

from .classes import TorchObject
from .storage import STORAGE_CLASSES, Storage

__all__ = ["DiskFile", "File", "FileError", "MemoryFile", "PipeFile"]


class FileError(RuntimeError):
    """An I/O error of a torch.File, with Torch7's wording and the file and byte offset."""


# Torch7 element kinds: numpy type and the ascii (printf) format of numbers; None = raw bytes.
KINDS = {
    "Byte": (np.dtype(np.uint8), None),
    "Char": (np.dtype(np.int8), None),
    "Short": (np.dtype(np.int16), "%d"),
    "Int": (np.dtype(np.int32), "%d"),
    "Long": (np.dtype(np.int64), "%d"),
    "Float": (np.dtype(np.float32), "%.9g"),
    "Double": (np.dtype(np.float64), "%.17g"),
}

_WHITESPACE = b" \t\n\r\x0b\x0c"  # what fscanf's conversions skip, and bytes.split() splits on
_IS_WHITESPACE = np.zeros(256, bool)
_IS_WHITESPACE[list(_WHITESPACE)] = True
_TOKEN = re.compile(rb"[ \t\n\r\x0b\x0c]*([^ \t\n\r\x0b\x0c]+)")
# THMemoryFile's ascii reader also separates numbers by ':' and ';' (THMemoryFile_strnextspace),
# and its C strings end at a 0 byte
_MEMORY_TOKEN = re.compile(rb"[ \t\n\r\x0b\x0c:;]*([^ \t\n\r\x0b\x0c:;\x00]+)")
_MEMORY_SEPARATORS = bytes.maketrans(b":;", b"  ")
# arrays of at least this many Floats/Doubles are formatted vectorised (below: number by number)
_VECTOR_FORMAT_MIN = 4096  # (its fixed cost, ~0.5 ms, is that of formatting ~500 numbers)
_CHUNK = 1 << 24  # largest single read from a stream of unknown length (no huge allocation)


def lua_string(raw):
    """A Lua string read from a file: ``str`` when it is UTF-8, else the ``bytes``."""
    raw = bytes(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def string_bytes(s):
    """The bytes of a Lua string given as str, bytes, bytearray or a CharStorage/ByteStorage."""
    if isinstance(s, str):
        return s.encode("utf-8")
    if isinstance(s, (bytes, bytearray, memoryview)):
        return bytes(s)
    if isinstance(s, Storage) and s.dtype.itemsize == 1:
        return s.data.tobytes()
    raise TypeError(f"string expected, got {type(s).__name__}")


# --- byte sources ----------------------------------------------------------------------------
class _StreamIO:
    """Byte I/O over a Python binary file object; look-ahead through seek (or a push-back
    buffer for pipes, which cannot seek)."""

    def __init__(self, fobj, seekable, writable=True):
        self.f = fobj
        self.seekable = seekable
        self.ahead = b""  # bytes read from a pipe but not consumed yet
        self.consumed = 0  # bytes consumed from a pipe (its position)
        # a read-only file keeps its size; it is mapped into memory for fast decoding
        self.fixed_size = os.fstat(fobj.fileno()).st_size if seekable and not writable else None
        self.mapped = None

    def remaining(self):
        if not self.seekable:
            return None
        if self.fixed_size is not None:
            return max(0, self.fixed_size - self.f.tell())
        self.f.flush()
        return max(0, os.fstat(self.f.fileno()).st_size - self.f.tell())

    def buffer(self):
        """The whole file as a read-only buffer (a memory map), or None when it can change."""
        if self.fixed_size is None:
            return None
        if self.mapped is None:
            self.mapped = mmap.mmap(self.f.fileno(), 0, access=mmap.ACCESS_READ) if self.fixed_size else b""
        return self.mapped

    def read(self, n):
        if self.seekable:
            return self.f.read(n)
        out = self.ahead[:n]
        self.ahead = self.ahead[n:]
        while len(out) < n:
            chunk = self.f.read(min(n - len(out), _CHUNK))
            if not chunk:
                break
            out += chunk
        self.consumed += len(out)
        return out

    def readinto(self, mv):
        """Fill the byte memoryview ``mv`` as far as the file allows; the count read."""
        if self.seekable:
            total = 0
            while total < len(mv):
                k = self.f.readinto(mv[total:])
                if not k:
                    break
                total += k
            return total
        data = self.read(len(mv))
        mv[: len(data)] = data
        return len(data)

    def window(self, n):
        """Up to ``n`` bytes from the current position, not consumed."""
        if self.seekable:
            pos = self.f.tell()
            data = self.f.read(n)
            self.f.seek(pos)
            return data
        while len(self.ahead) < n:
            chunk = self.f.read(min(n - len(self.ahead), _CHUNK))
            if not chunk:
                break
            self.ahead += chunk
        return self.ahead[:n]

    def skip(self, k):
        if self.seekable:
            self.f.seek(k, os.SEEK_CUR)
        else:
            self.read(k)

    def write(self, data):
        return self.f.write(data)

    def tell(self):
        return self.f.tell() if self.seekable else self.consumed

    def seek(self, pos):
        if not self.seekable:
            raise OSError("cannot seek a pipe")
        self.f.seek(pos)

    def seek_end(self):
        if not self.seekable:
            raise OSError("cannot seek a pipe")
        self.f.seek(0, os.SEEK_END)

    def size(self):
        return os.fstat(self.f.fileno()).st_size if self.seekable else None

    def flush(self):
        self.f.flush()

    def close(self):
        if self.mapped is not None and not isinstance(self.mapped, bytes):
            self.mapped.close()
        self.mapped = None
        self.f.close()


class _MemoryIO:
    """Byte I/O over a bytearray (a MemoryFile's content)."""

    seekable = True

    def __init__(self, data=b"", copy=True):
        # a read-only file may hold the caller's bytes as they are
        self.buf = bytearray(data) if copy else data
        self.pos = 0

    def remaining(self):
        return len(self.buf) - self.pos

    def buffer(self):
        return self.buf

    def read(self, n):
        out = bytes(self.buf[self.pos : self.pos + n])
        self.pos += len(out)
        return out

    def readinto(self, mv):
        k = min(len(mv), len(self.buf) - self.pos)
        mv[:k] = self.buf[self.pos : self.pos + k]
        self.pos += k
        return k

    def window(self, n):
        return bytes(self.buf[self.pos : self.pos + n])

    def skip(self, k):
        self.pos += k

    def write(self, data):
        end = self.pos + len(data)
        if self.pos == len(self.buf):
            self.buf += data
        else:
            self.buf[self.pos : end] = data
        self.pos = end
        return len(data)

    def tell(self):
        return self.pos

    def seek(self, pos):
        if pos > len(self.buf):
            raise OSError(f"unable to seek at position {pos}")
        self.pos = pos

    def seek_end(self):
        self.pos = len(self.buf)

    def size(self):
        return len(self.buf)

    def getvalue(self):
        return bytes(self.buf)

    def flush(self):
        pass

    def close(self):
        self.buf = bytearray()


class _StorageIO(_MemoryIO):
    """Byte I/O over a CharStorage's memory, as THMemoryFile: the file's content is the storage's
    first ``size`` bytes, followed by a 0 byte; writes grow the storage (by half its size at
    least), so a storage given to MemoryFile stays shared with the file, as in Torch7."""

    def __init__(self, storage, size):
        self.storage = storage
        self.length = size
        self.pos = 0

    def _bytes(self):
        return self.storage.data.view(np.uint8)

    @property
    def buf(self):
        return memoryview(self._bytes())[: self.length]

    def remaining(self):
        return self.length - self.pos

    def buffer(self):
        return self.buf

    def getvalue(self):
        return self._bytes()[: self.length].tobytes()

    def read(self, n):
        end = min(self.pos + max(n, 0), self.length)
        out = self._bytes()[self.pos : end].tobytes()
        self.pos = end
        return out

    def readinto(self, mv):
        k = min(len(mv), self.length - self.pos)
        mv[:k] = self.buf[self.pos : self.pos + k]
        self.pos += k
        return k

    def window(self, n):
        return self._bytes()[self.pos : min(self.pos + n, self.length)].tobytes()

    def write(self, data):
        n = len(data)
        end = self.pos + n
        capacity = self.storage.data.shape[0]
        if end >= capacity:  # room for the content and its terminating 0
            # grown as Storage.resize does (a new array, the version bumped), without zeroing
            # the new space, which is written next
            grown = np.empty(max(end + 1, capacity + capacity // 2), np.int8)
            grown[: self.length + 1] = self.storage.data[: self.length + 1]
            self.storage.data = grown
            self.storage.version += 1
        self._bytes()[self.pos : end] = np.frombuffer(data, np.uint8)
        self.pos = end
        if end > self.length:
            self.length = end
            self._bytes()[end] = 0
        return n

    def seek(self, pos):
        if pos > self.length:
            raise OSError(f"unable to seek at position {pos}")
        self.pos = pos

    def seek_end(self):
        self.pos = self.length

    def size(self):
        return self.length

    def close(self):
        self.storage = None

    def trimmed_storage(self):
        """THMemoryFile_storage: the storage resized to the content and its 0 byte."""
        self.storage.resize(self.length + 1)
        if self._bytes()[self.length] != 0:
            self._bytes()[self.length] = 0
        return self.storage


# --- the File classes -------------------------------------------------------------------------
class File(TorchObject):
    """Torch7's abstract torch.File: primitive reads/writes in binary or ascii encoding."""

    __typename__ = "torch.File"
    _is_little_endian_cpu = sys.byteorder == "little"
    _token_pattern = _TOKEN  # one ascii number, after the separators skipped before it
    _separators = None  # a bytes.translate table turning extra separators into spaces

    def _setup(self, io, readable, writable, quiet=False):
        self._io = io
        self._readable = readable
        self._writable = writable
        self._quiet = bool(quiet)
        self._binary = False
        self._auto_spacing = True
        self._has_error = False
        self._native_encoding = True
        self._long_size = 0
        self._env = None  # the object-reference table of readObject/writeObject

    # --- flags ----------------------------------------------------------------------------
    def isQuiet(self):
        return self._quiet

    def isReadable(self):
        return self._readable

    def isWritable(self):
        return self._writable

    def isBinary(self):
        return self._binary

    def isAutoSpacing(self):
        return self._auto_spacing

    def hasError(self):
        return self._has_error

    def binary(self):
        self._binary = True
        return self

    def ascii(self):
        self._binary = False
        return self

    def autoSpacing(self):
        self._auto_spacing = True
        return self

    def noAutoSpacing(self):
        self._auto_spacing = False
        return self

    def quiet(self):
        self._quiet = True
        return self

    def pedantic(self):
        self._quiet = False
        return self

    noQuiet = pedantic

    def clearError(self):
        self._has_error = False
        return self

    def longSize(self, size):
        self._check_open()
        if size not in (0, 4, 8):
            raise ValueError("Invalid long size specified")
        self._long_size = int(size)
        return self

    # --- positions (1-based) --------------------------------------------------------------
    def _check_open(self):
        if self._io is None:
            raise FileError("attempt to use a closed file")

    def synchronize(self):
        self._check_open()
        self._io.flush()
        return self

    def seek(self, position):
        self._check_open()
        position = int(position) - 1
        if position < 0:
            raise ValueError("position has to be greater than 0!")
        try:
            self._io.seek(position)
        except OSError:
            self._has_error = True
            if not self._quiet:
                raise FileError(f"unable to seek at position {position}") from None
        return self

    def seekEnd(self):
        self._check_open()
        try:
            self._io.seek_end()
        except OSError:
            self._has_error = True
            if not self._quiet:
                raise FileError("unable to seek at end of file") from None
        return self

    def position(self):
        self._check_open()
        return self._io.tell() + 1

    def close(self):
        self._check_open()
        self._io.close()
        self._io = None
        return self

    def _name(self):
        return None

    def where(self, offset=None):
        """'file NAME, byte offset N' (0-based offset), for error messages."""
        if offset is None:
            offset = self._io.tell() if self._io is not None else 0
        name = self._name()
        return (f"file {name!r}, " if name else f"{self.__typename__}, ") + f"byte offset {offset}"

    def _fail(self, message, offset=None):
        self._has_error = True
        if not self._quiet:
            raise FileError(f"{message} ({self.where(offset)})")

    def _check_read(self):
        self._check_open()
        if not self._readable:
            raise FileError("attempt to read in a write-only file")

    def _check_write(self):
        self._check_open()
        if not self._writable:
            raise FileError("attempt to write in a read-only file")

    # --- arrays of a kind: the core of every read/write -------------------------------------
    def _binary_dtype(self, kind):
        dtype = KINDS[kind][0]
        if kind == "Long" and self._long_size == 4:
            dtype = np.dtype(np.int32)
        if dtype.itemsize > 1 and not self._native_encoding:
            dtype = dtype.newbyteorder("S")
        return dtype

    def _read_array(self, kind, n):
        """Read up to ``n`` elements of ``kind``: (numpy array of the kind's type, count read).
        The count is smaller than ``n`` at the end of the file (an error unless quiet)."""
        self._check_read()
        n = int(n)
        start = self._io.tell()
        dtype = KINDS[kind][0]
        if n <= 0:
            return np.zeros(0, dtype), 0
        if self._binary:
            arr = self._read_binary(kind, n)
        elif KINDS[kind][1] is None:
            arr = np.frombuffer(self._io.read(n), np.uint8).view(dtype).copy()
        else:
            arr = self._read_ascii_numbers(kind, n, start)
        if not self._binary and self._auto_spacing and self._io.window(1) == b"\n":
            self._io.skip(1)
        if arr.shape[0] != n:
            self._fail(f"read error: read {arr.shape[0]} blocks instead of {n}", start)
        return arr, arr.shape[0]

    def _read_binary(self, kind, n):
        dtype = self._binary_dtype(kind)
        remaining = self._io.remaining()
        if remaining is not None:
            n = min(n, remaining // dtype.itemsize)  # never allocate past the end of the file
            arr = np.empty(n, dtype)
            got = self._io.readinto(memoryview(arr).cast("B"))
            arr = arr[: got // dtype.itemsize]
        else:  # a pipe: read what arrives, chunk by chunk
            data = self._io.read(n * dtype.itemsize)
            arr = np.frombuffer(data[: len(data) // dtype.itemsize * dtype.itemsize], dtype).copy()
        want = KINDS[kind][0]
        if arr.dtype != want:
            arr = arr.astype(want)
        return arr

    def _scan_tokens(self, n):
        """Up to ``n`` whitespace-separated tokens, consumed as fscanf would (leading whitespace
        skipped, the text after the last token left in place)."""
        io = self._io
        separators = self._separators
        if n == 1:
            w = 64
            while True:
                data = io.window(w)
                if separators is not None:
                    data = data.translate(separators)
                m = _TOKEN.match(data)
                if m is None:
                    io.skip(len(data))
                    if len(data) < w:
                        return []
                    continue
                if m.end() == len(data) and len(data) == w:
                    w *= 4
                    continue
                io.skip(m.end())
                return [m.group(1)]
        return self._scan_text(n)[0].split()

    def _scan_text(self, n):
        """The text holding the next (up to) ``n`` tokens, consumed as fscanf would: (that text
        with ':'/';' made spaces for a MemoryFile, the number of tokens in it). Tokens are
        counted with numpy over a window sized for them (ascii numbers take at most ~25 bytes)."""
        io = self._io
        separators = self._separators
        remaining = io.remaining()
        w = max(256, 32 * n)
        while True:
            if remaining is not None:
                w = min(w, remaining)
            data = io.window(w)
            if separators is not None:
                data = data.translate(separators)
            eof = len(data) < w or (remaining is not None and w >= remaining)
            ws = _IS_WHITESPACE[np.frombuffer(data, np.uint8)]
            # token ends: a non-space followed by a space (or by the end of the window)
            ends = np.flatnonzero(~ws[:-1] & ws[1:]) + 1
            whole = ends.shape[0]
            count = whole + (len(data) > 0 and not ws[-1])
            # with more than n tokens the first n are whole; at the end of the file, all are
            if count > n or (count == n and not (len(data) and not ws[-1])) or eof:
                break
            w *= 4
        if count > n:
            end = int(ends[n - 1])
            count = n
        else:
            end = len(data.rstrip(_WHITESPACE))
        io.skip(end)
        return data[:end], count

    def _read_ascii_numbers(self, kind, n, start):
        dtype = KINDS[kind][0]
        if n == 1:
            tokens = self._scan_tokens(1)
        else:
            text, count = self._scan_text(n)
            if dtype.kind == "f" and count:
                vals = _parse_doubles(text, count)
                if vals is not None:
                    return vals.astype(dtype)
            tokens = text.split()
        if not tokens:
            return np.zeros(0, dtype)
        try:
            # numbers parsed by Python's float/int in one pass (faster than numpy's bytes casts)
            if dtype.kind == "f":
                vals = np.fromiter(map(float, tokens), np.float64, len(tokens))
            else:
                vals = np.fromiter(map(int, tokens), np.int64, len(tokens))
                info = np.iinfo(dtype)
                if vals.size and (vals.min() < info.min or vals.max() > info.max):
                    raise ValueError("out of range")
        except (ValueError, OverflowError):
            bad = next(t for t in tokens if not _valid_number(t, dtype))
            self._has_error = True
            raise FileError(f"read error: expected {'a number' if dtype.kind == 'f' else 'an integer'}"
                            f" ({kind}) in ascii, found {bad[:40]!r} ({self.where(start)})") from None
        return vals.astype(dtype)

    def _write_array(self, kind, arr):
        """Write the elements of ``arr`` (any shape, converted to ``kind``); the count."""
        self._check_write()
        dtype, fmt = KINDS[kind]
        arr = np.asarray(arr).reshape(-1)
        n = arr.shape[0]
        if n == 0:
            return 0
        if self._binary:
            out = arr.astype(self._binary_dtype(kind), copy=False)
            self._io.write(memoryview(np.ascontiguousarray(out)).cast("B"))
            return n
        if fmt is None:
            text = arr.astype(dtype, copy=False).tobytes()
            if self._auto_spacing:
                text += b"\n"
        elif dtype.kind == "f" and n >= _VECTOR_FORMAT_MIN:
            # %.17g / %.9g of all numbers at once (ascii_format.py), the same bytes as below
            from .ascii_format import format_g

            values = arr.astype(dtype, copy=False)
            text = format_g(values, 17 if fmt == "%.17g" else 9, b" " if self._auto_spacing else b"")
            if self._auto_spacing:
                text = text[:-1] + b"\n"
        else:
            values = arr.astype(dtype, copy=False)
            values = values.astype(np.float64).tolist() if dtype.kind == "f" else values.tolist()
            sep = " " if self._auto_spacing else ""
            text = sep.join(map(fmt.__mod__, values))
            if self._auto_spacing:
                text += "\n"
            text = text.encode("ascii")
        self._io.write(text)
        return n

    # --- strings --------------------------------------------------------------------------
    def readString(self, fmt):
        """'*a': the rest of the file; '*l': one line (without its newline); a number n: n bytes."""
        self._check_read()
        start = self._io.tell()
        if isinstance(fmt, (int, float)) and not isinstance(fmt, bool):
            data = self._io.read(max(0, int(fmt)))
            if not data and int(fmt) > 0:
                self._fail("read error: read 0 blocks instead of 1", start)
            return lua_string(data)
        if not isinstance(fmt, str) or len(fmt) < 2 or fmt[0] != "*" or fmt[1] not in "al":
            raise ValueError("format must be '*a' or '*l'")
        remaining = self._io.remaining()
        if remaining == 0:
            self._fail("read error: read 0 blocks instead of 1", start)
            return ""
        if fmt[1] == "a":
            parts = []
            while True:
                chunk = self._io.read(_CHUNK)
                if not chunk:
                    break
                parts.append(chunk)
            data = b"".join(parts)
            if not data:
                self._fail("read error: read 0 blocks instead of 1", start)
            return lua_string(data)
        parts = []
        while True:
            chunk = self._io.window(4096)
            if not chunk:
                if not parts:
                    self._fail("read error: read 0 blocks instead of 1", start)
                break
            eol = chunk.find(b"\n")
            if eol >= 0:
                parts.append(chunk[:eol])
                self._io.skip(eol + 1)
                break
            parts.append(chunk)
            self._io.skip(len(chunk))
        return lua_string(b"".join(parts))

    def writeString(self, s):
        self._check_write()
        data = string_bytes(s)
        self._io.write(data)
        return len(data)

    # --- objects (Torch7's File.lua; see serialization.py) ---------------------------------
    def writeObject(self, obj, debugname=None):
        from .serialization import write_object

        write_object(self, obj, debugname)

    def readObject(self, **options):
        """The next object; keywords as for torch.load (allow_functions, numpy, ...)."""
        from .serialization import read_object

        return read_object(self, **options)

    def referenced(self, ref=True):
        from .serialization import reference_env

        reference_env(self).force = not ref
        return self

    def isReferenced(self):
        return self._env is None or not self._env.force

    def writeBool(self, value):
        self.writeInt(1 if value else 0)

    def readBool(self):
        return self.readInt() == 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._io is not None:
            self.close()
        return False


def _parse_doubles(text, count):
    """The ``count`` numbers of ``text`` parsed in C (numpy; correctly rounded, as strtod), or
    None when the text holds anything else (the caller's token-by-token path reports it).
    numpy's separator also matches no space at all ('1-2' reads as two numbers): the count of
    space-separated tokens must match."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            vals = np.fromstring(text, np.float64, sep=" ")
        except (ValueError, DeprecationWarning):
            return None
    return vals if vals.shape[0] == count else None


def _valid_number(token, dtype):
    try:
        v = float(token) if dtype.kind == "f" else int(token)
    except ValueError:
        return False
    if dtype.kind != "f":
        info = np.iinfo(dtype)
        return info.min <= v <= info.max
    return True


def _make_rw(kind):
    dtype = KINDS[kind][0]
    storage_class = STORAGE_CLASSES[kind]
    cast = float if dtype.kind == "f" else int

    def read(self, arg=None):
        if arg is None:
            arr, count = self._read_array(kind, 1)
            return cast(arr[0]) if count else 0
        if isinstance(arg, storage_class):
            arr, count = self._read_array(kind, arg.size())
            arg.data[:count] = arr
            return count
        if isinstance(arg, (int, float, np.integer)) and not isinstance(arg, bool):
            arr, _count = self._read_array(kind, int(arg))
            return storage_class(arr)
        raise TypeError(f"read{kind}: nothing, number, or {kind}Storage expected")

    def write(self, arg):
        if isinstance(arg, storage_class):
            return self._write_array(kind, arg.data)
        if isinstance(arg, (int, float, np.number)) and not isinstance(arg, bool):
            self._write_array(kind, np.array([arg]).astype(dtype))
            return None
        raise TypeError(f"write{kind}: number, or {kind}Storage expected")

    read.__name__, write.__name__ = f"read{kind}", f"write{kind}"
    read.__doc__ = f"read{kind}(): one value; read{kind}(n): a {kind}Storage of n; read{kind}(storage): fill it."
    write.__doc__ = f"write{kind}(number) or write{kind}({kind}Storage) (returns the count)."
    return read, write


for _kind in KINDS:
    _r, _w = _make_rw(_kind)
    setattr(File, _r.__name__, _r)
    setattr(File, _w.__name__, _w)


def _parse_mode(mode, allow_rw=True):
    if mode == "r":
        return True, False
    if mode == "w":
        return False, True
    if mode == "rw" and allow_rw:
        return True, True
    raise ValueError("file mode should be 'r','w' or 'rw'" if allow_rw else "file mode should be 'r','w'")


def _open_disk_file(name, readable, writable):
    if readable and writable:
        if not os.path.exists(name):
            open(name, "wb").close()
        return open(name, "r+b")
    return open(name, "rb" if readable else "wb")


class DiskFile(File):
    """torch.DiskFile(path [, mode='r' [, quiet]]): a file on disk; mode 'r', 'w' or 'rw'."""

    __typename__ = "torch.DiskFile"

    def __new__(cls, name=None, mode="r", quiet=False):
        # Torch7 gives nil for a file that cannot be opened quietly: a constructor returning
        # None (the file is opened here, and handed to __init__, so that it is opened once)
        self = super().__new__(cls)
        if quiet and cls is DiskFile:
            readable, writable = _parse_mode(mode)
            try:
                self._opened = _open_disk_file(os.fspath(name), readable, writable)
            except OSError:
                return None
        return self

    def __init__(self, name, mode="r", quiet=False):
        readable, writable = _parse_mode(mode)
        name = os.fspath(name)
        fobj = self.__dict__.pop("_opened", None)
        if fobj is None:
            try:
                fobj = _open_disk_file(name, readable, writable)
            except OSError:
                raise FileError(f"cannot open <{name}> in mode {'r' if readable else ' '}"
                                f"{'w' if writable else ' '}") from None
        self._setup(_StreamIO(fobj, True, writable), readable, writable, quiet)
        self._path = name

    def _name(self):
        return self._path

    def isOpened(self):
        return self._io is not None

    @staticmethod
    def isLittleEndianCPU():
        return File._is_little_endian_cpu

    @staticmethod
    def isBigEndianCPU():
        return not File._is_little_endian_cpu

    def nativeEndianEncoding(self):
        self._check_open()
        self._native_encoding = True
        return self

    def littleEndianEncoding(self):
        self._check_open()
        self._native_encoding = File._is_little_endian_cpu
        return self

    def bigEndianEncoding(self):
        self._check_open()
        self._native_encoding = not File._is_little_endian_cpu
        return self

    def noBuffer(self):
        self._check_open()
        return self

    def __tostring__(self):
        return (f"torch.DiskFile on <{self._path}> [status: {'open' if self._io else 'closed'} -- mode "
                f"{'r' if self._readable else ' '}{'w' if self._writable else ' '}]")

    __str__ = __repr__ = __tostring__


class PipeFile(DiskFile):
    """torch.PipeFile(command [, mode='r' [, quiet]]): read a command's output or write its input."""

    __typename__ = "torch.PipeFile"

    def __init__(self, command, mode="r", quiet=False):
        readable, writable = _parse_mode(mode, allow_rw=False)
        try:
            if readable:
                self._proc = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE)
                fobj = self._proc.stdout
            else:
                self._proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE)
                fobj = self._proc.stdin
        except OSError:
            if quiet:
                self._setup(None, readable, writable, quiet)
                self._path = command
                return
            raise FileError(f"cannot open <{command}> in mode {'r' if readable else ' '}"
                            f"{'w' if writable else ' '}") from None
        self._setup(_StreamIO(fobj, False, writable), readable, writable, quiet)
        self._path = command

    def close(self):
        super().close()
        self._proc.wait()
        return self


class MemoryFile(File):
    """torch.MemoryFile([charStorage,] [mode='rw']): a growable file in memory.

    Its content lives in a CharStorage followed by a 0 byte, as in Torch7: a storage given to
    the constructor (which must end with a 0 byte) is shared, not copied: writes go into it (and
    grow it), and ``storage()`` returns that same storage, resized to the content and its 0."""

    __typename__ = "torch.MemoryFile"
    _token_pattern = _MEMORY_TOKEN
    _separators = _MEMORY_SEPARATORS

    def __init__(self, *args):
        storage = None
        if args and isinstance(args[0], Storage):
            storage, args = args[0], args[1:]
            if not isinstance(storage, STORAGE_CLASSES["Char"]):
                raise TypeError(f"MemoryFile: expected a torch.CharStorage, got {storage.__typename__}")
        mode = args[0] if args else "rw"
        if len(args) > 1 or (args and not isinstance(args[0], str)):
            raise TypeError("MemoryFile: expected ([CharStorage,] [mode])")
        readable, writable = _parse_mode(mode)
        if storage is not None:
            n = storage.size()
            if n == 0 or storage.data[n - 1] != 0:
                raise ValueError("provided CharStorage must be terminated by 0")
            io = _StorageIO(storage, n - 1)
        else:
            io = _StorageIO(STORAGE_CLASSES["Char"](1), 0)
        self._setup(io, readable, writable)

    @classmethod
    def _reading(cls, data):
        """A read-only MemoryFile over ``data`` (bytes), without copying it."""
        f = cls.__new__(cls)
        f._setup(_MemoryIO(data, copy=False), True, False)
        return f

    def storage(self):
        """The CharStorage holding the content and a terminating 0 byte (shared with the file)."""
        self._check_open()
        io = self._io
        if isinstance(io, _StorageIO):
            return io.trimmed_storage()
        return STORAGE_CLASSES["Char"](np.frombuffer(io.getvalue() + b"\0", np.int8).copy())

    def bytes(self):
        """The content as Python bytes (no terminating 0)."""
        self._check_open()
        return self._io.getvalue()

    def __tostring__(self):
        return (f"torch.MemoryFile [status: {'open' if self._io else 'closed'} -- mode: "
                f"{'r' if self._readable else ' '}{'w' if self._writable else ' '}]")

    __str__ = __repr__ = __tostring__
