"""Torch7 Tensors: a view (storage offset, sizes, strides) over a Storage.

Dimensions and indices are 1-based, as in Torch7 (``t.size(1)``, ``t.narrow(2, 1, 3)``).
Internally the offset is 0-based and sizes/strides are tuples.

``t._a`` is the numpy array that views this tensor's elements in its storage (shared memory,
never a copy). Library code computes with it; it is rebuilt when the geometry changes or the
storage is reallocated.

Indexing from Python follows Lua's ``t[...]``: a number selects along the first dimension (an
element for a 1-D tensor); a tuple is Lua's index table ``{...}`` whose items are numbers
(select) or lists (ranges ``[a, b]``, ``[a]``, ``[]`` for all, inclusive, negatives counting from
the end); a ByteTensor is a mask; a LongTensor indexes the first dimension. A bare list is one
range: ``t[[2, 3]]`` is Lua's ``t[{{2, 3}}]``. Assignment ``t[k] = v`` fills (number) or copies
(tensor) what the key designates; a mask key does maskedFill/maskedCopy, a LongTensor key
indexFill/indexCopy. ``len(t)`` is ``t.size(1)``; iteration runs over the first dimension.

Operators follow Torch7's TensorOperator: ``a + b``, ``a - b`` (tensor or number on either side),
``a * b`` (number: scaling; 1-D x 1-D: dot, a number; 2-D x 1-D: mv; 2-D x 2-D: mm), ``a / n``,
``-a``. They return new tensors of the operand's type; ``==`` stays identity, as in Lua.
"""

import numbers
import sys

import numpy as np

from .classes import TorchObject, find
from .random import TensorRandom
from .storage import DTYPES, STORAGE_CLASSES, LongStorage, Storage
from .tensor_math import TensorMath, _val


def _contiguous_strides(size):
    strides = []
    acc = 1
    for s in reversed(size):
        strides.append(acc)
        acc *= s
    return tuple(reversed(strides))


def _is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


def _as_int(x):
    if isinstance(x, (bool,)):
        raise TypeError("expected a number")
    if isinstance(x, float):
        if x != int(x):
            raise TypeError(f"expected an integer, got {x}")
    return int(x)


def _parse_sizes(args, what="size"):
    """Sizes given as numbers, a LongStorage, a list/tuple, or a torch.LongStorage-like."""
    if len(args) == 1 and isinstance(args[0], Storage):
        return tuple(int(v) for v in args[0].data)
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return tuple(_as_int(v) for v in args[0])
    if len(args) == 1 and isinstance(args[0], Tensor):
        return tuple(int(v) for v in args[0]._a.reshape(-1))
    return tuple(_as_int(v) for v in args)


class Tensor(TensorMath, TensorRandom, TorchObject):
    """Base of the typed tensors; ``Tensor(...)`` builds the default type (DoubleTensor)."""

    dtype = None
    storage_class = None
    _default = None  # the default tensor class, see setdefaulttensortype

    def __new__(cls, *args, **kw):
        if cls is Tensor:
            cls = Tensor._default
        return object.__new__(cls)

    def __init__(self, *args):
        self._storage = None
        self._offset = 0
        self._size = ()
        self._stride = ()
        self._view = None
        self._view_version = -1
        if not args:
            return
        a0 = args[0]
        if isinstance(a0, Tensor) and len(args) == 1:
            self._set_from(a0._storage, a0._offset, a0._size, a0._stride)
        elif isinstance(a0, self.storage_class):
            # a storage of the tensor's own type is viewed; any other LongStorage gives sizes
            self.set(*args)
        elif isinstance(a0, Storage) and not isinstance(a0, LongStorage):
            raise TypeError(f"{self.__typename__}: expected a {self.storage_class.__typename__} "
                            f"to view or a LongStorage of sizes, got {a0.__typename__}")
        elif isinstance(a0, np.ndarray) and len(args) == 1:
            self._init_from_array(a0)
        elif isinstance(a0, (list, tuple)) and len(args) == 1:
            self._init_from_table(a0)
        elif len(args) == 2 and all(isinstance(a, Storage) for a in args):
            self._resize(_parse_sizes(args[:1]), _parse_sizes(args[1:]))  # (sizes, strides)
        else:
            self._resize(_parse_sizes(args))

    # --- construction helpers ---------------------------------------------------------
    def _init_from_array(self, arr):
        if arr.dtype == self.dtype and arr.flags.c_contiguous and arr.flags.writeable:
            storage = self.storage_class(arr.reshape(-1))
        else:
            storage = self.storage_class(np.ascontiguousarray(arr, dtype=self.dtype).reshape(-1))
        if arr.ndim == 0:
            self._set_from(storage, 0, (1,), (1,))
        elif arr.size == 0:
            self._set_from(storage, 0, (), ())
        else:
            self._set_from(storage, 0, tuple(arr.shape), _contiguous_strides(arr.shape))

    def _init_from_table(self, table):
        try:
            arr = np.array(table, dtype=np.float64 if self.dtype.kind == "f" else None)
        except ValueError:
            raise ValueError("inconsistent tensor size: a nested table must be rectangular") from None
        if arr.dtype == object:
            raise ValueError("inconsistent tensor size: a nested table must be rectangular")
        if arr.size == 0:
            return
        self._init_from_array(arr.astype(self.dtype))

    def new(self, *args):
        """A new tensor of the same type: ``t.new()``, ``t.new(2, 3)``, ``t.new(storage, ...)``."""
        return type(self)(*args)

    # --- geometry ---------------------------------------------------------------------
    def _set_from(self, storage, offset, size, stride):
        self._storage = storage
        self._offset = int(offset)
        self._size = tuple(size)
        self._stride = tuple(stride)
        self._view = None
        return self

    @property
    def _a(self):
        st = self._storage
        view = self._view
        if view is not None and st is not None and self._view_version == st.version:
            return view
        if st is None or not self._size:
            view = np.zeros(0, self.dtype) if st is None else st.data[:0]
        else:
            item = self.dtype.itemsize
            view = np.ndarray(self._size, self.dtype, buffer=st.data, offset=self._offset * item,
                              strides=tuple(s * item for s in self._stride))
        self._view = view
        self._view_version = st.version if st is not None else -1
        return view

    def _resize(self, size, stride=None):
        size = tuple(size)
        if size and min(size) <= 0:
            if min(size) < 0:
                raise ValueError(f"invalid size {min(size)} in {size}")
            size = ()  # Torch7 has no zero-sized dimensions: such a tensor is empty
        if stride is None or len(stride) != len(size):
            stride = _contiguous_strides(size)
            count = 1
            for s in size:
                count *= s
            needed = self._offset + count if size else 0
        else:
            stride = tuple(stride)
            needed = self._offset + 1 + sum((s - 1) * st for s, st in zip(size, stride)) if size else 0
        storage = self._storage
        if storage is None:
            self._storage = self.storage_class(needed)
        elif needed > storage.data.shape[0]:
            storage.resize(needed)
        self._size = size
        self._stride = stride
        self._view = None
        return self

    def resize(self, *sizes):
        size = _parse_sizes(sizes)
        if size == self._size and self._storage is not None:
            return self
        return self._resize(size)

    def resizeAs(self, other):
        if other._size == self._size and self._storage is not None:
            return self
        return self._resize(other._size)

    def set(self, *args):
        """set(tensor) | set(storage [, offset [, sizes [, strides]]]) | set(): share a view."""
        if not args:
            return self._set_from(None, 0, (), ())
        src = args[0]
        if isinstance(src, Tensor):
            if type(src) is not type(self):
                # sharing memory across element types would reinterpret the raw bytes
                raise TypeError(f"set: expected a {self.__typename__}, got {src.__typename__}")
            return self._set_from(src._storage, src._offset, src._size, src._stride)
        if not isinstance(src, Storage):
            raise TypeError("set: expected a Tensor or a Storage")
        if type(src) is not self.storage_class:
            raise TypeError(f"set: expected a {self.storage_class.__typename__}, got {src.__typename__}")
        offset = int(args[1]) - 1 if len(args) > 1 else 0
        if offset < 0:
            raise ValueError("set: storage offset must be at least 1")
        if len(args) <= 2:
            size = (src.size() - offset,) if src.size() - offset > 0 else ()
            return self._set_from(src, offset, size, _contiguous_strides(size))
        rest = args[2:]
        if isinstance(rest[0], Storage):
            size = _parse_sizes(rest[:1])
            stride = _parse_sizes(rest[1:2]) if len(rest) > 1 and rest[1] is not None else None
        else:
            # (storage, offset, size1, stride1, size2, stride2, ...) as in Torch7
            size = tuple(_as_int(v) for v in rest[0::2])
            stride = tuple(_as_int(v) for v in rest[1::2]) if len(rest) > 1 else None
            if stride is not None and len(stride) != len(size):
                stride = None
        self._storage = src
        self._offset = offset
        return self._resize(size, stride)

    def storage(self):
        return self._storage

    def storageOffset(self):
        return self._offset + 1

    def nDimension(self):
        return len(self._size)

    dim = nDimension

    def nElement(self):
        n = 1
        for s in self._size:
            n *= s
        return n if self._size else 0

    numel = nElement

    def _check_dim(self, dim, op="dimension", ndim=None):
        ndim = len(self._size) if ndim is None else ndim
        d = dim if type(dim) is int else _as_int(dim)
        if d < 1 or d > ndim:
            raise IndexError(f"{op}: dimension {d} out of range of {ndim}D tensor")
        return d - 1

    def size(self, dim=None):
        if dim is None:
            return LongStorage(list(self._size))
        return self._size[self._check_dim(dim, "size")]

    def stride(self, dim=None):
        if dim is None:
            return LongStorage(list(self._stride))
        return self._stride[self._check_dim(dim, "stride")]

    def isContiguous(self):
        expected = 1
        for s, st in zip(reversed(self._size), reversed(self._stride)):
            if s != 1:
                if st != expected:
                    return False
                expected *= s
        return True

    def isSameSizeAs(self, other):
        return self._size == other._size

    def isSize(self, size):
        return self._size == _parse_sizes((size,))

    def isSetTo(self, other):
        return (self._storage is other._storage and self._offset == other._offset
                and self._size == other._size and self._stride == other._stride and bool(self._size))

    # --- views that share storage -----------------------------------------------------
    def _view_of(self, offset, size, stride):
        # built without __init__: views are made in hot loops (w:t() in every nn.Linear call)
        view = object.__new__(type(self))
        view._storage = self._storage
        view._offset = int(offset)
        view._size = tuple(size)
        view._stride = tuple(stride)
        view._view = None
        view._view_version = -1
        return view

    def narrow(self, dim, index, size):
        d = self._check_dim(dim, "narrow")
        index, size = _as_int(index), _as_int(size)
        if index < 1 or size < 1 or index + size - 1 > self._size[d]:
            raise IndexError(f"narrow: out of range (dimension {d + 1} of size {self._size[d]}, "
                             f"index {index}, size {size})")
        sizes = list(self._size)
        sizes[d] = size
        return self._view_of(self._offset + (index - 1) * self._stride[d], sizes, self._stride)

    def select(self, dim, index):
        if len(self._size) == 1:
            raise ValueError("select: cannot select on a vector")
        d = self._check_dim(dim, "select")
        index = _as_int(index)
        if index < 1 or index > self._size[d]:
            raise IndexError(f"select: index {index} out of range (dimension {d + 1} of size {self._size[d]})")
        sizes = self._size[:d] + self._size[d + 1:]
        strides = self._stride[:d] + self._stride[d + 1:]
        return self._view_of(self._offset + (index - 1) * self._stride[d], sizes, strides)

    def sub(self, *bounds):
        """sub(d1s, d1e [, d2s, d2e ...]): inclusive ranges, negatives count from the end."""
        t = self
        for k in range(0, len(bounds), 2):
            d = k // 2 + 1
            n = self._size[d - 1]
            s, e = _as_int(bounds[k]), _as_int(bounds[k + 1])
            s = s + n + 1 if s < 0 else s
            e = e + n + 1 if e < 0 else e
            t = t.narrow(d, s, e - s + 1)
        return t

    def view(self, *sizes):
        """t:view(sizes) is a new view; res:view(src, sizes) makes res that view of src."""
        if sizes and isinstance(sizes[0], Tensor):
            return self.set(sizes[0].view(*sizes[1:]))
        size = list(_parse_sizes(sizes))
        n = self.nElement()
        if size.count(-1) > 1:
            raise ValueError("view: only one dimension can be inferred (-1)")
        if -1 in size:
            known = 1
            for s in size:
                if s != -1:
                    known *= s
            if known == 0 or n % known:
                raise ValueError(f"view: size {tuple(size)} is invalid for a tensor of {n} elements")
            size[size.index(-1)] = n // known
        total = 1
        for s in size:
            total *= s
        if total != n:
            raise ValueError(f"view: size mismatch, {self.nElement()} elements cannot be viewed as {tuple(size)}")
        if not self.isContiguous():
            raise ValueError("view: input should be contiguous")
        return self._view_of(self._offset, size, _contiguous_strides(size))

    def viewAs(self, other, template=None):
        """t:viewAs(template), or res:viewAs(src, template)."""
        if template is not None:
            return self.set(other.view(template._size))
        return self.view(other._size)

    def transpose(self, dim1, dim2):
        d1, d2 = self._check_dim(dim1, "transpose"), self._check_dim(dim2, "transpose")
        size, stride = list(self._size), list(self._stride)
        size[d1], size[d2] = size[d2], size[d1]
        stride[d1], stride[d2] = stride[d2], stride[d1]
        return self._view_of(self._offset, size, stride)

    def t(self):
        if len(self._size) != 2:
            raise ValueError(f"t(): expected a 2D tensor, got {len(self._size)}D")
        return self.transpose(1, 2)

    def permute(self, *dims):
        order = [self._check_dim(d, "permute") for d in _parse_sizes(dims)]
        if sorted(order) != list(range(len(self._size))):
            raise ValueError("permute: invalid permutation of dimensions")
        return self._view_of(self._offset, [self._size[d] for d in order], [self._stride[d] for d in order])

    def unfold(self, dim, size, step):
        d = self._check_dim(dim, "unfold")
        size, step = _as_int(size), _as_int(step)
        if size > self._size[d]:
            raise ValueError(f"unfold: size {size} larger than dimension {d + 1} ({self._size[d]})")
        if step <= 0:
            raise ValueError("unfold: step must be positive")
        sizes = list(self._size) + [size]
        strides = list(self._stride) + [self._stride[d]]
        sizes[d] = (self._size[d] - size) // step + 1
        strides[d] = self._stride[d] * step
        return self._view_of(self._offset, sizes, strides)

    def expand(self, *sizes):
        """t:expand(sizes) is a new view; res:expand(src, sizes) makes res that view of src."""
        if sizes and isinstance(sizes[0], Tensor):
            return self.set(sizes[0].expand(*sizes[1:]))
        size = _parse_sizes(sizes)
        if len(size) < len(self._size):
            raise ValueError("expand: the number of sizes provided must be greater or equal to "
                             "the number of dimensions in the tensor")
        lead = len(size) - len(self._size)
        own_size = (1,) * lead + self._size
        own_stride = (0,) * lead + self._stride
        stride = []
        for s_new, s_old, st in zip(size, own_size, own_stride):
            if s_new == s_old:
                stride.append(st)
            elif s_old == 1:
                stride.append(0)
            else:
                raise ValueError(f"expand: incorrect size: only supporting singleton expansion "
                                 f"(size={s_old}), cannot expand to {s_new}")
        return self._view_of(self._offset, size, stride)

    def expandAs(self, other, template=None):
        """t:expandAs(template), or res:expandAs(src, template)."""
        if template is not None:
            return self.set(other.expand(template._size))
        return self.expand(other._size)

    def squeeze(self, dim=None):
        """In place, as Torch7's t:squeeze([dim]); returns self."""
        if dim is None:
            keep = [(s, st) for s, st in zip(self._size, self._stride) if s != 1]
            if not keep and self._size:
                keep = [(1, 1)]  # Torch7 keeps one dimension
        else:
            d = self._check_dim(dim, "squeeze")
            keep = list(zip(self._size, self._stride))
            if self._size[d] == 1 and len(self._size) > 1:
                del keep[d]
        self._size = tuple(s for s, _ in keep)
        self._stride = tuple(st for _, st in keep)
        self._view = None
        return self

    def unsqueeze(self, dim):
        d = self._check_dim(dim, "unsqueeze", len(self._size) + 1)
        size, stride = list(self._size), list(self._stride)
        new_stride = size[d] * stride[d] if d < len(size) else 1
        size.insert(d, 1)
        stride.insert(d, new_stride)
        return self._view_of(self._offset, size, stride)

    # --- copies -----------------------------------------------------------------------
    def contiguous(self):
        return self if self.isContiguous() else self.clone()

    def clone(self):
        out = type(self)()
        if self._size:
            out._init_from_array(np.array(self._a, dtype=self.dtype, order="C"))
        return out

    def copy(self, src):
        """Copy the elements of ``src`` (any tensor type, same number of elements)."""
        if not isinstance(src, Tensor):
            raise TypeError("copy: expected a Tensor")
        if src.nElement() != self.nElement():
            raise ValueError(f"copy: inconsistent tensor size: {self.nElement()} elements in "
                             f"destination, {src.nElement()} in source")
        if not self._size:
            return self
        s = src._a
        if s.shape != self._size:
            s = s.reshape(self._size)
        np.copyto(self._a, s, casting="unsafe")
        return self

    def fill(self, value):
        self._a.fill(value)
        return self

    def zero(self):
        return self.fill(0)

    # --- types ------------------------------------------------------------------------
    def type(self, name=None):
        if name is None:
            return self.__typename__
        cls = find(name)
        if cls is None or not issubclass(cls, Tensor) or cls is Tensor:
            raise ValueError(f"unknown tensor type {name!r}")
        if cls is type(self):
            return self
        return cls().resize(self._size).copy(self) if self._size else cls()

    def typeAs(self, other):
        return self.type(other.__typename__)

    def numpy(self):
        """The elements as a numpy array sharing this tensor's memory."""
        return self._a

    def tolist(self):
        return self._a.tolist()

    def totable(self):
        return self._a.tolist()

    # --- Lua's t[k] and t[k] = v ----------------------------------------------------------
    def _element_offset(self, indices):
        return self._offset + sum((i - 1) * st for i, st in zip(indices, self._stride))

    def _position(self, key, dim_index):
        """A 1-based index along 0-based dimension ``dim_index``; negatives count from the end."""
        i = _as_int(key)
        n = self._size[dim_index]
        if i < 0:
            i = n + i + 1
        if i < 1 or i > n:
            raise IndexError(f"index out of range: index {_as_int(key)} for dimension {dim_index + 1} "
                             f"of size {n}")
        return i

    def _resolve(self, key):
        """What a key designates: ('element', storage position) or ('view', tensor)."""
        if isinstance(key, list):
            key = (key,)
        if not isinstance(key, tuple):
            if not self._size:
                raise IndexError(f"index out of range: indexing an empty tensor with {key}")
            i = self._position(key, 0)
            if len(self._size) == 1:
                return "element", self._offset + (i - 1) * self._stride[0]
            return "view", self.select(1, i)
        if len(key) > len(self._size):
            raise IndexError(f"too many indices provided: {len(key)} for a {len(self._size)}D tensor")
        t = self
        dim = 0  # the dimension of ``t`` the next key item applies to
        for n, item in enumerate(key):
            if isinstance(item, (list, tuple)):
                size = t._size[dim]
                if len(item) > 2:
                    raise IndexError(f"index range must have at most 2 numbers, got {list(item)}")
                start = _as_int(item[0]) if item else 1
                end = _as_int(item[1]) if len(item) > 1 else (start if item else size)
                start = size + start + 1 if start < 0 else start
                end = size + end + 1 if end < 0 else end
                if start < 1 or end > size or start > end:
                    raise IndexError(f"index out of range: range {list(item)} for dimension {dim + 1} "
                                     f"of size {size}")
                t = t.narrow(dim + 1, start, end - start + 1)
                dim += 1
            else:
                i = t._position(item, dim)
                if len(t._size) == 1:
                    # a number on the last remaining dimension designates an element
                    return "element", t._offset + (i - 1) * t._stride[0]
                t = t.select(dim + 1, i)
        if t is self:  # t[{}]: a new tensor viewing the same elements, as in Torch7
            t = self._view_of(self._offset, self._size, self._stride)
        return "view", t

    def _fast_offset(self, key):
        """Storage position of t[i] (vector) or t[{i, j, ...}] (one number per dimension), or
        None when the key is anything else or out of range (the general path then reports)."""
        size = self._size
        if type(key) is int:
            if len(size) != 1:
                return None
            key = (key,)
        elif type(key) is not tuple or len(key) != len(size):
            return None
        offset = self._offset
        for k, n, st in zip(key, size, self._stride):
            if type(k) is not int:
                return None
            if k < 0:
                k += n + 1
            if k < 1 or k > n:
                return None
            offset += (k - 1) * st
        return offset

    def __getitem__(self, key):
        offset = self._fast_offset(key)
        if offset is not None:
            return self._storage.data.item(offset)
        if isinstance(key, str):
            return getattr(self, key)
        if isinstance(key, ByteTensor):
            return self.maskedSelect(key)
        if isinstance(key, LongTensor):
            return self.index(1, key)
        what, where = self._resolve(key)
        if what == "element":
            return self._storage.data[where].item()
        return where

    def __setitem__(self, key, value):
        if (type(value) is float or type(value) is int) and self.dtype.kind == "f":
            offset = self._fast_offset(key)
            if offset is not None:
                self._storage.data[offset] = value
                return
        number = not isinstance(value, Tensor)
        if number:
            value = _val(type(self), value)
        if isinstance(key, ByteTensor):
            if number:
                self.maskedFill(key, value)
            else:
                self.maskedCopy(key, value)
            return
        if isinstance(key, LongTensor):
            if number:
                self.indexFill(1, key, value)
            else:
                self.indexCopy(1, key, value)
            return
        what, where = self._resolve(key)
        if what == "element":
            if number:
                self._storage.data[where] = value
            else:
                if value.nElement() != 1:
                    raise ValueError(f"inconsistent tensor size: cannot copy {value.nElement()} "
                                     f"elements into one element")
                self._storage.data[where] = value._a.reshape(-1)[0]
        elif number:
            where.fill(value)
        else:
            where.copy(value)

    def __array__(self, dtype=None, copy=None):
        """numpy interop: ``np.asarray(t)`` views the elements (a copy if asked or retyped)."""
        a = self._a
        if dtype is not None and np.dtype(dtype) != a.dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def __len__(self):
        return self._size[0] if self._size else 0

    def __iter__(self):
        for i in range(1, len(self) + 1):
            yield self[i]

    # --- Lua's operators (Torch7's TensorOperator.c): new tensors of the same type ----------
    def __add__(self, other):
        if isinstance(other, Tensor) or _is_number(other):
            return self.clone().add(other)
        return NotImplemented

    def __radd__(self, other):
        if _is_number(other):
            return self.clone().add(other)
        return NotImplemented

    def __sub__(self, other):
        if isinstance(other, Tensor):
            return self.clone().add(-1, other)
        if _is_number(other):
            return self.clone().add(-other)
        return NotImplemented

    def __rsub__(self, other):
        if _is_number(other):
            return self.new().resizeAs(self).fill(other).add(-1, self)
        return NotImplemented

    def __mul__(self, other):
        if _is_number(other):
            return self.clone().mul(other)
        if not isinstance(other, Tensor):
            return NotImplemented
        d1, d2 = self.dim(), other.dim()
        if d1 == 1 and d2 == 1:
            return self.dot(other)
        if d1 == 2 and d2 == 1:
            return self.new().mv(self, other)
        if d1 == 2 and d2 == 2:
            return self.new().mm(self, other)
        raise ValueError(f"multiplication between {d1}D and {d2}D tensors not yet supported")

    def __rmul__(self, other):
        if _is_number(other):
            return self.clone().mul(other)
        return NotImplemented

    def __truediv__(self, other):
        if _is_number(other):
            return self.clone().div(other)
        raise TypeError("tensor division: only tensor / number is supported")

    def __rtruediv__(self, other):
        raise TypeError("tensor division: only tensor / number is supported")

    def __neg__(self):
        return self.clone().mul(-1)

    # --- identity (Lua's ==, and Python containers) -------------------------------------
    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def __getstate__(self):
        # The cached numpy view must not travel: a copy (deepcopy, pickle) rebuilds its view
        # over its own copied storage instead of reading the original's memory.
        state = dict(self.__dict__)
        state["_view"] = None
        state["_view_version"] = -1
        return state

    def __bool__(self):
        return True

    def __str__(self):
        from .printing import format_tensor

        return format_tensor(self)

    __tostring__ = __str__

    def __repr__(self):
        return self.__str__()


def _make_tensor_class(prefix, dtype):
    name = f"{prefix}Tensor"
    cls = type(name, (Tensor,), {"__typename__": f"torch.{name}", "dtype": dtype,
                                  "storage_class": STORAGE_CLASSES[prefix], "__module__": __name__})
    STORAGE_CLASSES[prefix].tensor_type = cls
    return cls


TENSOR_CLASSES = {prefix: _make_tensor_class(prefix, dt) for prefix, dt in DTYPES.items()}
DoubleTensor = TENSOR_CLASSES["Double"]
FloatTensor = TENSOR_CLASSES["Float"]
LongTensor = TENSOR_CLASSES["Long"]
IntTensor = TENSOR_CLASSES["Int"]
ShortTensor = TENSOR_CLASSES["Short"]
CharTensor = TENSOR_CLASSES["Char"]
ByteTensor = TENSOR_CLASSES["Byte"]
Tensor._default = DoubleTensor

# TensorMath reaches the tensor classes through this binding (the two modules import each other).
from . import tensor_math as _tensor_math

_tensor_math._bind(sys.modules[__name__])
