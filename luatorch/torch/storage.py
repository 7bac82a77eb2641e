"""Torch7 Storages: 1-D typed buffers, indexed from 1, over a numpy array.

``storage.data`` is the numpy array that holds the elements. ``resize`` may replace it by a new
array (as Torch7's realloc may move the buffer); tensors viewing the storage notice through
``storage.version`` and rebuild their numpy views.
"""

import numpy as np

from .classes import TorchObject

# Torch type prefix -> numpy dtype. "Long" is 64-bit, as on Torch7's Linux builds.
DTYPES = {
    "Double": np.dtype(np.float64),
    "Float": np.dtype(np.float32),
    "Long": np.dtype(np.int64),
    "Int": np.dtype(np.int32),
    "Short": np.dtype(np.int16),
    "Char": np.dtype(np.int8),
    "Byte": np.dtype(np.uint8),
}
TYPE_OF_DTYPE = {dt: name for name, dt in DTYPES.items()}


def _index_error(i, n):
    return IndexError(f"index out of bounds: {i} (storage of size {n})")


class Storage(TorchObject):
    """Base class of the typed storages (DoubleStorage, LongStorage, ...)."""

    dtype = None  # set on each typed subclass
    tensor_type = None  # the matching Tensor class, set by tensor.py

    def __init__(self, *args):
        self.version = 0
        if len(args) == 0:
            self.data = np.zeros(0, self.dtype)
        elif len(args) == 1 and isinstance(args[0], np.ndarray):
            self.data = np.ascontiguousarray(args[0].reshape(-1), dtype=self.dtype)
        elif len(args) == 1 and isinstance(args[0], (list, tuple)):
            self.data = np.array(args[0], dtype=self.dtype).reshape(-1)
        elif len(args) == 1 and isinstance(args[0], Storage):
            # Torch7's Storage(storage) views the same buffer
            self.data = args[0].data
        elif len(args) >= 2 and isinstance(args[0], Storage):
            # Storage(storage, offset [, size]): a view into another storage, offset 1-based
            src, offset = args[0], int(args[1])
            size = int(args[2]) if len(args) > 2 else src.size() - offset + 1
            if offset < 1 or offset + size - 1 > src.size() or size < 0:
                raise ValueError("out of bounds")
            self.data = src.data[offset - 1 : offset - 1 + size]
        elif len(args) == 1 and isinstance(args[0], (int, float, np.integer)):
            n = int(args[0])
            if n < 0:
                raise ValueError(f"invalid storage size {n}")
            self.data = np.zeros(n, self.dtype)
        else:
            raise TypeError(f"{self.__typename__}: invalid arguments {args!r}")

    # --- size and elements (1-based) -------------------------------------------------
    def size(self):
        return int(self.data.shape[0])

    def __len__(self):
        return self.size()

    def _pos(self, i):
        n = self.data.shape[0]
        i = int(i)
        if i < 1 or i > n:
            raise _index_error(i, n)
        return i - 1

    def __getitem__(self, i):
        return self.data[self._pos(i)].item()

    def __setitem__(self, i, value):
        self.data[self._pos(i)] = value

    def __iter__(self):
        return iter(self.data.tolist())

    # --- whole-storage operations ------------------------------------------------------
    def fill(self, value):
        self.data.fill(value)
        return self

    def zero(self):
        return self.fill(0)

    def copy(self, src):
        src_data = src.data if isinstance(src, Storage) else np.asarray(src)
        if src_data.size != self.data.size:
            raise ValueError(f"copy: sizes do not match ({self.data.size} vs {src_data.size})")
        self.data[...] = src_data.astype(self.dtype, copy=False).reshape(-1)
        return self

    def resize(self, n):
        n = int(n)
        if n < 0:
            raise ValueError(f"invalid storage size {n}")
        if n != self.data.shape[0]:
            new = np.zeros(n, self.dtype)
            k = min(n, self.data.shape[0])
            new[:k] = self.data[:k]
            self.data = new
            self.version += 1
        return self

    def totable(self):
        return self.data.tolist()

    def string(self, value=None):
        """Char/Byte storages: ``s:string()`` gives the bytes as a string; ``s:string(str)``
        resizes the storage to the string and copies it in (returns the storage)."""
        if self.dtype.itemsize != 1:
            raise TypeError(f"{self.__typename__}: string() is defined for Char and Byte storages")
        if value is None:
            raw = self.data.tobytes()
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                return raw  # binary content stays bytes (Lua strings are byte strings)
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        self.resize(len(raw))
        self.data[:] = np.frombuffer(raw, dtype=self.dtype)
        return self

    def tolist(self):
        return self.data.tolist()

    def type(self, name=None):
        if name is None:
            return self.__typename__
        from .classes import find

        cls = find(name)
        if cls is None or not issubclass(cls, Storage):
            raise ValueError(f"unknown storage type {name}")
        if cls is type(self):
            return self
        return cls(self.data.astype(cls.dtype))

    def elementSize(self):
        return self.dtype.itemsize

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def __str__(self):
        from .printing import format_storage

        return format_storage(self)

    __tostring__ = __str__

    def __repr__(self):
        return self.__str__()


def _make_storage_class(prefix, dtype):
    name = f"{prefix}Storage"
    return type(name, (Storage,), {"__typename__": f"torch.{name}", "dtype": dtype,
                                   "__module__": __name__})


STORAGE_CLASSES = {prefix: _make_storage_class(prefix, dt) for prefix, dt in DTYPES.items()}
DoubleStorage = STORAGE_CLASSES["Double"]
FloatStorage = STORAGE_CLASSES["Float"]
LongStorage = STORAGE_CLASSES["Long"]
IntStorage = STORAGE_CLASSES["Int"]
ShortStorage = STORAGE_CLASSES["Short"]
CharStorage = STORAGE_CLASSES["Char"]
ByteStorage = STORAGE_CLASSES["Byte"]
