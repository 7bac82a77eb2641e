"""TensorMath: Torch7's math on tensors, as Tensor methods (mixin) and torch.* functions.

Torch7 generates its math bindings with cwrap: each function lists argument *variants*, and a
call picks the first variant whose arguments match by type. Optional arguments make one
variant match several call shapes: the result tensor first (``torch.add(res, a, b)``), a
source defaulting to ``self`` in method form (``t:add(1)`` is ``t:add(t, 1)``), scalars with
defaults (``addmm(beta, M, alpha, m1, m2)``). ``_Op`` below reproduces that matching (same
order: variants in order; within a variant, optional arguments present by increasing bit mask),
so every overload Torch7 accepts is accepted here and the same one wins.

Tensor arguments must have the type the call dispatches on (the type of ``self``, or of the
first/second argument for ``torch.*``), as in Torch7; otherwise the call fails with Torch7's
"invalid arguments ... expected arguments ..." message.

Scalar arguments are cast to the tensor's element type as TH casts them (a LongTensor's
``add(2.7)`` adds 2; integer ``div`` truncates toward zero, as C does).
"""

import math
import numbers

import numpy as np

# Bound by tensor.py once the tensor classes exist (tensor.py imports this module first).
Tensor = None
LongTensor = None
ByteTensor = None
_tensor_module = None


def _bind(module):
    global Tensor, LongTensor, ByteTensor, _tensor_module
    _tensor_module = module
    Tensor = module.Tensor
    LongTensor = module.LongTensor
    ByteTensor = module.ByteTensor


__all__ = []


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
def _desc(t):
    """Torch7's size description of a tensor: ``[2 x 3]``."""
    return "[" + " x ".join(str(s) for s in t._size) + "]"


def _is_number(v):
    return isinstance(v, numbers.Number) and not isinstance(v, bool)


def _is_float(cls):
    return cls.dtype.kind == "f"


def _int_range(dtype):
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


_INT_RANGES = {}
_DOUBLE = np.dtype(np.float64)


def _val(cls, v):
    """A scalar argument as TH sees it: cast to the tensor's element type (C conversion)."""
    dt = cls.dtype
    if dt is _DOUBLE:
        return v  # a Python number keeps a float64 array's type (numpy's weak scalars)
    if dt.kind == "f":
        return dt.type(v)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        raise ValueError(f"cannot convert {v} to an integer for a {cls.__typename__}")
    iv = int(v)  # truncates toward zero, as a C cast does
    rng = _INT_RANGES.get(dt)
    if rng is None:
        rng = _INT_RANGES[dt] = _int_range(dt)
    lo, hi = rng
    if iv < lo or iv > hi:  # wrap around as the C conversion does
        iv = (iv - lo) % (hi - lo + 1) + lo
    return dt.type(iv)


def _acc_dtype(cls):
    return np.float64 if _is_float(cls) else np.int64


def _number(x):
    """A numpy scalar as a plain Python number (int for integer types)."""
    return x.item() if hasattr(x, "item") else x


def _float_only(cls, name):
    if not _is_float(cls):
        raise TypeError(f"{name}: not defined for {cls.__typename__} "
                        f"(Torch7 defines it for FloatTensor and DoubleTensor only)")


def _check_dim(t, dim, name):
    d = int(dim)
    n = len(t._size)
    if d < 1 or d > n:
        raise IndexError(f"{name}: dimension {d} out of range of {n}D tensor")
    return d - 1


def _same_numel(name, *pairs):
    """TH_TENSOR_APPLY's check: element-wise operands need the same number of elements."""
    first = pairs[0][1]._size
    if all(t._size == first for _, t in pairs[1:]):
        return
    counts = [t.nElement() for _, t in pairs]
    if len(set(counts)) > 1:
        names = " and ".join(f"{n} {_desc(t)}" for n, t in pairs)
        got = " and ".join(str(c) for c in counts)
        raise ValueError(f"{name}: inconsistent tensor size, expected {names} to have the same "
                         f"number of elements, but got {got} elements respectively")


def _view(t, shape):
    """t's elements laid out as ``shape`` (same number of elements; a copy if t is strided)."""
    a = t._a
    if a.shape != shape:
        a = a.reshape(shape)
    return a


def _result_like(res, src):
    """Resize ``res`` as ``src`` (as THTensor_resizeAs) and return its array."""
    if res is not src and res._size != src._size:
        res._resize(src._size)
    return res._a


def _write(res, value):
    """Store a computed array into ``res`` after resizing it to the array's shape."""
    shape = tuple(value.shape)
    if value.size == 0:
        res._resize(())
        return res
    if res._size != shape or res._storage is None:
        res._resize(shape)
    if shape:
        np.copyto(res._a, value, casting="unsafe")
    return res


def _quiet():
    return np.errstate(all="ignore")


def _trunc_divide(a, b, out=None):
    """C integer division (truncation toward zero)."""
    if np.any(np.asarray(b) == 0):
        raise ZeroDivisionError("integer division by zero")
    q = np.floor_divide(a, b)
    fix = (np.remainder(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0))
    q = q + fix.astype(q.dtype)
    if out is not None:
        np.copyto(out, q, casting="unsafe")
        return out
    return q


# ---------------------------------------------------------------------------------------
# cwrap-style argument matching
# ---------------------------------------------------------------------------------------
_REQ = object()  # required argument
_NEW = object()  # a new tensor of the argument's type
_ARG1 = object()  # the first argument (self in method form)

_KIND_NAMES = {"T": None, "L": "LongTensor", "B": "ByteTensor", "N": "number", "I": "index",
               "b": "boolean", "S": "string", "A": "table", "Z": "LongStorage"}


class _Arg:
    __slots__ = ("fdef", "invisible", "kind", "mdef", "returned")

    def __init__(self, kind, fdef=_REQ, mdef=_REQ, invisible=False, returned=False):
        self.kind, self.fdef, self.mdef = kind, fdef, mdef
        self.invisible, self.returned = invisible, returned


def _parse_value(text):
    if text in ("true", "false"):
        return text == "true"
    if text.startswith("last"):
        pos = int(text[4:]) - 1
        return lambda full: len(full[pos]._size)  # lastdim(n): nDimension of argument n
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _parse_spec(spec):
    """Tokens: r (result: new in torch.*, self in methods), R (result, new in both), s (source:
    self in methods), T, T@1, L/Lr, B/Br, N, N=v, !N=v (invisible), I, I=v, b=v, S=v, A, Z."""
    args = []
    for tok in spec.split():
        invisible = tok.startswith("!")
        tok = tok.lstrip("!")
        if tok == "r":
            args.append(_Arg("T", _NEW, _REQ, returned=True))
        elif tok == "R":
            args.append(_Arg("T", _NEW, _NEW, returned=True))
        elif tok == "s":
            args.append(_Arg("T", _REQ, _ARG1))
        elif tok == "T@1":
            args.append(_Arg("T", _ARG1, _ARG1, invisible))
        elif tok in ("Lr", "Br"):
            args.append(_Arg(tok[0], _NEW, _NEW, returned=True))
        elif "=" in tok:
            kind, value = tok.split("=", 1)
            v = _parse_value(value)
            args.append(_Arg(kind, v, v, invisible))
        else:
            args.append(_Arg(tok))
    return args


def _type_name(v):
    if isinstance(v, Tensor):
        return v.__typename__.replace("torch.", "")
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "boolean"
    if _is_number(v):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, (list, tuple, dict)):
        return "table"
    return type(v).__name__


class _Op:
    """One Torch7 function with its argument variants; see the module docstring."""

    def __init__(self, name, variants, float_only=False, method=True):
        self.name = name
        self.variants = [(_parse_spec(spec), impl) for spec, impl in variants]
        self.float_only = float_only
        self.method = method
        self._combos = {}
        self._cache = {}

    def _combos_for(self, mode):
        combos = self._combos.get(mode)
        if combos is None:
            combos = []
            for specs, impl in self.variants:
                default = [(a.mdef if mode == "m" else a.fdef) for a in specs]
                optional = [i for i, a in enumerate(specs) if default[i] is not _REQ and not a.invisible]
                for mask in range(1 << len(optional)):
                    present = []
                    for i, a in enumerate(specs):
                        if a.invisible:
                            continue
                        if i in optional and not (mask >> optional.index(i)) & 1:
                            continue
                        present.append(i)
                    absent = tuple((i, default[i], a.kind) for i, a in enumerate(specs)
                                   if i not in present)
                    combos.append((specs, impl, tuple(present), default, absent,
                                   specs[-1].kind == "Z"))
            self._combos[mode] = combos
        return combos

    @staticmethod
    def _fits(kind, v, cls):
        if kind == "T":
            return type(v) is cls
        if kind == "L":
            return type(v) is LongTensor
        if kind == "B":
            return type(v) is ByteTensor
        if kind in ("N", "I"):
            return _is_number(v)
        if kind == "b":
            return isinstance(v, bool)
        if kind == "S":
            return isinstance(v, str)
        if kind == "A":
            return isinstance(v, (list, tuple))
        return False

    def _find(self, mode, cls, args):
        key = (mode, cls, tuple(map(type, args)))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        for combo in self._combos_for(mode):
            specs, present, sized = combo[0], combo[2], combo[5]
            n = len(present)
            if sized:
                # LongArg: the sizes, as numbers (one or more) or one LongStorage / table
                fixed = args[:n - 1]
                rest = args[n - 1:]
                if len(fixed) != n - 1 or not rest:
                    continue
                if not (all(_is_number(v) for v in rest)
                        or (len(rest) == 1 and (isinstance(rest[0], (list, tuple))
                                                or type(rest[0]).__name__ == "LongStorage"))):
                    continue
                if all(self._fits(specs[i].kind, v, cls) for i, v in zip(present[:-1], fixed)):
                    found = combo
                    break
            elif n == len(args) and all(self._fits(specs[i].kind, v, cls) for i, v in zip(present, args)):
                found = combo
                break
        else:
            return None
        self._cache[key] = found
        return found

    def _help(self, cls, mode):
        out = []
        for specs, _ in self.variants:
            words = []
            for a in specs:
                if a.invisible:
                    continue
                name = _KIND_NAMES[a.kind] or cls.__typename__.replace("torch.", "")
                if a.kind == "N":
                    name = "double" if _is_float(cls) else "long"
                if a.returned:
                    name = f"*{name}*"
                d = a.mdef if mode == "m" else a.fdef
                words.append(f"[{name}]" if d is not _REQ else name)
            out.append(" ".join(words))
        return " | ".join(out)

    def _run(self, combo, cls, args):
        specs, impl, present, _, absent, sized = combo
        full = [None] * len(specs)
        if sized:
            n = len(present)
            for i, v in zip(present[:-1], args[:n - 1]):
                full[i] = v
            full[present[-1]] = args[n - 1:]
        else:
            for i, v in zip(present, args):
                full[i] = v
        for i, d, kind in absent:
            if d is _NEW:
                full[i] = cls() if kind == "T" else (LongTensor() if kind == "L" else ByteTensor())
            elif d is _ARG1:
                full[i] = args[0]
            elif callable(d):
                full[i] = d(full)
            else:
                full[i] = d
        if self.float_only:
            _float_only(cls, self.name)
        return impl(*full)

    def _fail(self, cls, mode, args):
        raise TypeError(f"{self.name}: invalid arguments: {' '.join(_type_name(a) for a in args)}\n"
                        f"expected arguments: {self._help(cls, mode)}")

    def call_method(self, obj, args):
        cls = type(obj)
        full = (obj,) + args
        combo = self._find("m", cls, full)
        if combo is not None:
            return self._run(combo, cls, full)
        # res:op(src, ...) where res has another type (e.g. a ByteTensor result of a comparison
        # on a DoubleTensor): the function form dispatched on the source's type fits
        if args and isinstance(args[0], Tensor) and type(args[0]) is not cls:
            other = type(args[0])
            combo = self._find("f", other, full)
            if combo is not None:
                return self._run(combo, other, full)
        self._fail(cls, "m", full)

    def call_function(self, args):
        if args and isinstance(args[-1], str) and args[-1].startswith("torch.") and "Tensor" in args[-1]:
            # torch.zeros(2, 3, 'torch.FloatTensor'): an explicit type name last
            from .classes import find

            cls = find(args[-1])
            args = args[:-1]
        elif args and isinstance(args[0], Tensor):
            cls = type(args[0])
        elif len(args) > 1 and isinstance(args[1], Tensor):
            cls = type(args[1])
        elif args and isinstance(args[0], (list, tuple)) and args[0] and isinstance(args[0][0], Tensor):
            cls = type(args[0][0])
        else:
            cls = Tensor._default
        combo = self._find("f", cls, args)
        if combo is not None:
            return self._run(combo, cls, args)
        if len(args) > 1 and isinstance(args[1], Tensor) and type(args[1]) is not cls:
            other = type(args[1])
            combo = self._find("f", other, args)
            if combo is not None:
                return self._run(combo, other, args)
        self._fail(cls, "f", args)


def _method_of(op):
    def method(self, *args):
        return op.call_method(self, args)

    method.__name__ = op.name
    method.__qualname__ = f"TensorMath.{op.name}"
    method.__doc__ = f"Torch7's t:{op.name}(...); see torch.{op.name}."
    return method


def _function_of(op):
    def function(*args):
        return op.call_function(args)

    function.__name__ = op.name
    function.__doc__ = f"Torch7's torch.{op.name}([res,] ...)."
    return function


def _install(name, function_op, method_op=None):
    _OPS[name] = function_op
    _METHODS[name] = _method_of(method_op or function_op)
    _FUNCTIONS[name] = _function_of(function_op)
    __all__.append(name)


def _register(name, variants, float_only=False):
    op = _Op(name, variants, float_only)
    _install(name, op)
    return op


_OPS = {}
# Method forms (installed on TensorMath below) and function forms (torch.NAME). The function
# forms are served by the module's __getattr__ rather than stored as globals, so that names
# such as max, sum, range and abs do not shadow Python's builtins inside this module.
_METHODS = {}
_FUNCTIONS = {}


def __getattr__(name):
    try:
        return _FUNCTIONS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


# ---------------------------------------------------------------------------------------
# element-wise arithmetic
# ---------------------------------------------------------------------------------------
def _binary_value(name, ufunc, int_ufunc=None):
    def impl(res, src, value):
        cls = type(res)
        if not src._size:
            res._resize(())
            return res
        v = _val(cls, value)
        if int_ufunc in _ZERO_CHECKED and not _is_float(cls) and v == 0:
            raise ZeroDivisionError(f"{name}: integer division by zero")
        return _apply_into(res, src, v, ufunc, int_ufunc)
    impl.__name__ = name
    return impl


def _apply_into(res, src, b, ufunc, int_ufunc):
    """res = ufunc(src, b) element-wise (b a number or an array of src's shape); integer
    tensors use ``int_ufunc`` (C semantics) where one is given."""
    out = _result_like(res, src)
    a = _view(src, out.shape)
    with _quiet():
        if int_ufunc is not None and not _is_float(type(res)):
            int_ufunc(a, b, out=out)
        else:
            ufunc(a, b, out=out, casting="unsafe")
    return res


def _binary_tensor(name, ufunc, int_ufunc=None, src_name="src"):
    def impl(res, src, other):
        cls = type(res)
        _same_numel(name, ("tensor", src), (src_name, other))
        if not src._size:
            res._resize(())
            return res
        b = _view(other, src._size)
        if int_ufunc in _ZERO_CHECKED and not _is_float(cls) and not b.all():
            raise ZeroDivisionError(f"{name}: integer division by zero")
        return _apply_into(res, src, b, ufunc, int_ufunc)
    impl.__name__ = name
    return impl


def _int_div(a, b, out):
    return _trunc_divide(a, b, out=out)


def _int_pow(a, b, out):
    with _quiet():
        np.copyto(out, np.power(np.asarray(a, np.float64), np.asarray(b, np.float64)), casting="unsafe")


def _int_remainder(a, b, out):
    if np.any(np.asarray(b) == 0):
        raise ZeroDivisionError("integer remainder by zero")
    np.remainder(a, b, out=out)


def _int_fmod(a, b, out):
    if np.any(np.asarray(b) == 0):
        raise ZeroDivisionError("integer fmod by zero")
    np.fmod(a, b, out=out)


# integer operations that C cannot do with a zero divisor (checked before the result is touched)
_ZERO_CHECKED = (_int_div, _int_remainder, _int_fmod)


def _float_remainder(a, b, out, casting="unsafe"):
    # TH: x - y * floor(x / y)
    np.subtract(a, np.multiply(b, np.floor(np.divide(a, b))), out=out, casting="unsafe")


def _add_scaled(res, src, value, other):
    """cadd: res = src + value * other."""
    cls = type(res)
    _same_numel("add", ("tensor", src), ("src", other))
    if not src._size:
        res._resize(())
        return res
    v = _val(cls, value)
    b = _view(other, src._size)
    out = _result_like(res, src)
    a = _view(src, out.shape)
    if v == 1:
        np.add(a, b, out=out, casting="unsafe")
    else:
        with _quiet():
            np.add(a, np.multiply(b, v, dtype=out.dtype, casting="unsafe"), out=out, casting="unsafe")
    return res


def _sub_scaled(res, src, value, other):
    return _add_scaled(res, src, -value if _is_float(type(res)) else -int(value), other)


_sub_value = _binary_value("csub", np.subtract)


_register("add", [("r s N", _binary_value("add", np.add)), ("r s N=1 T", _add_scaled)])
_register("csub", [("r s N", _sub_value), ("r s N=1 T", _sub_scaled)])
_register("mul", [("r s N", _binary_value("mul", np.multiply))])
_register("div", [("r s N", _binary_value("div", np.divide, _int_div))])
_register("cmul", [("r s T", _binary_tensor("cmul", np.multiply))])
_register("cdiv", [("r s T", _binary_tensor("cdiv", np.divide, _int_div))])
_register("cpow", [("r s T", _binary_tensor("cpow", np.power, _int_pow))])
_register("fmod", [("r s N", _binary_value("fmod", np.fmod, _int_fmod))])
_register("mod", [("r s N", _binary_value("fmod", np.fmod, _int_fmod))])
_register("remainder", [("r s N", _binary_value("remainder", _float_remainder, _int_remainder))])
_register("cfmod", [("r s T", _binary_tensor("cfmod", np.fmod, _int_fmod))])
_register("cmod", [("r s T", _binary_tensor("cfmod", np.fmod, _int_fmod))])
_register("cremainder", [("r s T", _binary_tensor("cremainder", _float_remainder, _int_remainder))])


def _integer_only(name, impl):
    def checked(res, src, other):
        if _is_float(type(res)):
            raise TypeError(f"{name} is only supported for integer type tensors")
        return impl(res, src, other)
    return checked


def _int_ufunc(ufunc):
    def impl(a, b, out):
        ufunc(a, b, out=out, casting="unsafe")
    return impl


def _float_lshift(a, b, out, casting="unsafe"):
    # TH on floating types: x * 2^y
    np.multiply(a, np.power(2.0, b), out=out, casting=casting)


def _float_rshift(a, b, out, casting="unsafe"):
    np.divide(a, np.power(2.0, b), out=out, casting=casting)


for _name, _uf in (("bitand", np.bitwise_and), ("bitor", np.bitwise_or), ("bitxor", np.bitwise_xor)):
    _register(_name, [("r s N", _integer_only(_name, _binary_value(_name, None, _int_ufunc(_uf))))])
    _register("c" + _name, [("r s T", _integer_only("c" + _name,
                                                     _binary_tensor("c" + _name, None, _int_ufunc(_uf))))])
for _name, _uf, _ff in (("lshift", np.left_shift, _float_lshift), ("rshift", np.right_shift, _float_rshift)):
    _register(_name, [("r s N", _binary_value(_name, _ff, _int_ufunc(_uf)))])
    _register("c" + _name, [("r s T", _binary_tensor("c" + _name, _ff, _int_ufunc(_uf)))])


def _clamp(res, src, lo, hi):
    cls = type(res)
    if not src._size:
        res._resize(())
        return res
    out = _result_like(res, src)
    a = _view(src, out.shape)
    lo, hi = _val(cls, lo), _val(cls, hi)
    # TH: x < min ? min : (x > max ? max : x)
    np.copyto(out, np.where(a < lo, lo, np.where(a > hi, hi, a)), casting="unsafe")
    return res


_register("clamp", [("r s N N", _clamp)])


def _cmaxmin(name, pick):
    def tensor_impl(res, src, other):
        _same_numel(name, ("tensor", src), ("src", other))
        if not src._size:
            res._resize(())
            return res
        b = _view(other, src._size)
        out = _result_like(res, src)
        a = _view(src, out.shape)
        pick(a, b, out=out)
        return res

    def value_impl(res, src, value):
        if not src._size:
            res._resize(())
            return res
        out = _result_like(res, src)
        a = _view(src, out.shape)
        pick(a, _val(type(res), value), out=out)
        return res
    return tensor_impl, value_impl


def _pick_max(a, b, out):
    # TH's cmax: x > y ? x : y  (y wins on NaN or equality)
    np.copyto(out, np.where(a > b, a, b), casting="unsafe")


def _pick_min(a, b, out):
    np.copyto(out, np.where(a < b, a, b), casting="unsafe")


_t, _v = _cmaxmin("cmax", _pick_max)
_register("cmax", [("R s T", _t), ("R s N", _v)])
_t, _v = _cmaxmin("cmin", _pick_min)
_register("cmin", [("R s T", _t), ("R s N", _v)])


def _addc(name, combine):
    def impl(res, src, value, t1, t2):
        cls = type(res)
        _same_numel(name, ("tensor", src), ("tensor1", t1), ("tensor2", t2))
        if not src._size:
            res._resize(())
            return res
        a1 = _view(t1, src._size)
        a2 = _view(t2, src._size)
        with _quiet():
            term = combine(np.multiply(a1, _val(cls, value), dtype=cls.dtype, casting="unsafe"), a2)
            if not _is_float(cls) and combine is np.divide:
                term = _trunc_divide(np.multiply(a1, _val(cls, value), dtype=cls.dtype, casting="unsafe"), a2)
            if res is not src:
                res.resizeAs(src)
                np.copyto(res._a, _view(src, res._size), casting="unsafe")
            np.add(res._a, term, out=res._a, casting="unsafe")
        return res
    return impl


_register("addcmul", [("r s N=1 T T", _addc("addcmul", np.multiply))])
_register("addcdiv", [("r s N=1 T T", _addc("addcdiv", np.divide))])


def _lerp(res, a, b, weight):
    if a.nElement() != b.nElement():
        raise ValueError(f"lerp: sizes do not match: {_desc(a)} and {_desc(b)}")
    if not a._size:
        res._resize(())
        return res
    w = _val(type(res), weight)
    bb = _view(b, a._size)
    aa = a._a
    value = aa + w * (bb - aa)
    _result_like(res, a)
    np.copyto(res._a, value, casting="unsafe")
    return res


_register("lerp", [("r s T N", _lerp), ("N N N", lambda a, b, w: a + w * (b - a))], float_only=True)


_atan2 = _binary_tensor("atan2", np.arctan2)
_register("atan2", [("r s T", _atan2), ("N N", math.atan2)], float_only=True)
_pow = _binary_value("pow", np.power)


def _tpow(res, value, src):
    cls = type(res)
    if not src._size:
        res._resize(())
        return res
    out = _result_like(res, src)
    with _quiet():
        np.power(_val(cls, value), _view(src, out.shape), out=out, casting="unsafe")
    return res


def _pow_number(a, b):
    try:
        return math.pow(a, b)
    except (OverflowError, ValueError):
        return float(np.power(np.float64(a), np.float64(b)))


_register("pow", [("r s N", _pow), ("r N s", _tpow), ("N N", _pow_number)], float_only=True)


# --- unary functions -------------------------------------------------------------------
def _unary(name, fn, number_fn=None, float_only=True):
    def impl(res, src):
        if float_only:
            _float_only(type(res), name)
        if not src._size:
            res._resize(())
            return res
        out = _result_like(res, src)
        with _quiet():
            fn(_view(src, out.shape), out)
        return res
    impl.__name__ = name
    variants = [("r s", impl)]
    if number_fn is not None:
        variants.append(("N", number_fn))
    _register(name, variants)


def _ufunc_into(ufunc):
    def fn(a, out):
        ufunc(a, out=out, casting="unsafe")
    return fn


def _round_half_away(a, out):
    # C round(): halves go away from zero (numpy's round goes to even)
    mag = np.abs(a)
    r = np.floor(mag)
    r += (mag - r) >= 0.5
    np.copyto(out, np.copysign(r, a), casting="unsafe")


def _c_round(x):
    out = np.zeros(1)
    _round_half_away(np.array([x], dtype=np.float64), out)
    return float(out[0])


def _sigmoid(a, out):
    np.divide(1.0, np.add(1.0, np.exp(np.negative(a))), out=out, casting="unsafe")


def _rsqrt(a, out):
    np.divide(1.0, np.sqrt(a), out=out, casting="unsafe")


def _frac(a, out):
    np.subtract(a, np.trunc(a), out=out, casting="unsafe")


def _math_number(ufunc):
    """torch.exp(2) and friends on a number: C's result (nan/inf rather than an error)."""
    def number(x):
        with _quiet():
            return float(ufunc(np.float64(x)))
    return number


for _name, _uf in (
        ("exp", np.exp), ("log", np.log), ("log1p", np.log1p), ("sqrt", np.sqrt), ("tanh", np.tanh),
        ("sin", np.sin), ("cos", np.cos), ("tan", np.tan), ("asin", np.arcsin), ("acos", np.arccos),
        ("atan", np.arctan), ("sinh", np.sinh), ("cosh", np.cosh), ("floor", np.floor),
        ("ceil", np.ceil), ("trunc", np.trunc)):
    _unary(_name, _ufunc_into(_uf), _math_number(_uf))

_unary("round", _round_half_away, _c_round)
_unary("sigmoid", _sigmoid, _math_number(lambda x: 1.0 / (1.0 + np.exp(-x))))
_unary("rsqrt", _rsqrt, _math_number(lambda x: 1.0 / np.sqrt(x)))
_unary("frac", _frac, _math_number(lambda x: x - np.trunc(x)))
_unary("cinv", _ufunc_into(np.reciprocal))
_unary("neg", _ufunc_into(np.negative), float_only=False)
_unary("abs", _ufunc_into(np.abs), lambda x: -x if x < 0 else x, float_only=False)
def _sign(a, out):
    # TH: (x > 0) - (x < 0), so NaN gives 0
    np.copyto(out, (a > 0).astype(np.int8) - (a < 0).astype(np.int8), casting="unsafe")


_unary("sign", _sign, float_only=False)


# ---------------------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------------------
# TH reduces with one running accumulator, element after element; numpy's sums are pairwise.
# The last digits differ, and Torch code prints numbers with 14 significant digits, so floating
# sums below follow TH's order (a cumulative sum's last entry) up to this many elements.
_SEQUENTIAL_LIMIT = 1 << 16


def _seq(accumulate, reduce, a, axis=None, dtype=np.float64):
    """Reduce like TH: sequentially (float types), over all elements or along ``axis``
    (keeping it with size 1)."""
    ordered = np.dtype(dtype).kind == "f" and a.size <= _SEQUENTIAL_LIMIT
    if axis is None:
        flat = a.reshape(-1)
        if not ordered:
            return reduce(flat, dtype=dtype)
        return accumulate(flat, dtype=dtype)[-1]
    if not ordered or a.shape[axis] == 0:
        return reduce(a, axis=axis, keepdims=True, dtype=dtype)
    return np.take(accumulate(a, axis=axis, dtype=dtype), [-1], axis=axis)


def _seq_sum(a, axis=None, dtype=np.float64):
    return _seq(np.cumsum, np.sum, a, axis, dtype)


def _seq_prod(a, axis=None, dtype=np.float64):
    return _seq(np.cumprod, np.prod, a, axis, dtype)


def _sumall(t):
    if not t._size:
        return 0
    return _number(_seq_sum(t._a, dtype=_acc_dtype(type(t))))


def _prodall(t):
    if not t._size:
        return 1
    return _number(_seq_prod(t._a, dtype=_acc_dtype(type(t))))


def _reduce_dim(fn):
    def impl(res, src, dim):
        d = _check_dim(src, dim, fn.__name__)
        with _quiet():
            value = fn(src._a, d, type(src))
        return _write(res, value)
    return impl


def _sum_dim(a, d, cls):
    return _seq_sum(a, d, _acc_dtype(cls))


def _prod_dim(a, d, cls):
    return _seq_prod(a, d, _acc_dtype(cls))


_sum_dim.__name__ = "sum"
_prod_dim.__name__ = "prod"
_register("sum", [("T", _sumall), ("R T I", _reduce_dim(_sum_dim))])
_register("prod", [("T", _prodall), ("R T I", _reduce_dim(_prod_dim))])


def _cum(name, ufunc):
    def impl(res, src, dim):
        d = _check_dim(src, dim, name)
        return _write(res, ufunc(src._a, axis=d, dtype=_acc_dtype(type(src))))
    return impl


_register("cumsum", [("R T I=1", _cum("cumsum", np.cumsum))])
_register("cumprod", [("R T I=1", _cum("cumprod", np.cumprod))])


def _extreme_all(name, fn):
    def impl(t):
        if not t._size:
            raise ValueError(f"{name}: tensor must have one dimension (got an empty tensor)")
        return _number(fn(t._a))
    return impl


def _extreme_dim(name, argfn):
    def impl(values, indices, src, dim):
        d = _check_dim(src, dim, name)
        a = src._a
        idx = argfn(a, axis=d, keepdims=True)
        vals = np.take_along_axis(a, idx, axis=d)
        _write(values, vals)
        _write(indices, idx + 1)
        return values, indices
    return impl


_register("max", [("T", _extreme_all("max", np.max)), ("R Lr T I", _extreme_dim("max", np.argmax))])
_register("min", [("T", _extreme_all("min", np.min)), ("R Lr T I", _extreme_dim("min", np.argmin))])


def _meanall(t):
    if not t._size:
        raise ValueError("mean: empty Tensor")
    return float(_seq_sum(t._a)) / t.nElement()


def _mean_dim(a, d, cls):
    # TH: the sum along d in the tensor's type, then divided by the size in that type
    total = _seq_sum(a, d).astype(cls.dtype)
    return total / cls.dtype.type(a.shape[d])


_mean_dim.__name__ = "mean"
_register("mean", [("T", _meanall), ("R T I", _reduce_dim(_mean_dim))], float_only=True)


def _varall(t, biased=False):
    if not t._size:
        raise ValueError("var: empty Tensor")
    a = t._a.astype(np.float64)
    mean = _meanall(t)
    with _quiet():
        return float(_seq_sum((a - mean) * (a - mean))) / (a.size - (0 if biased else 1))


def _var_dim(res, src, dim, biased=False, std=False):
    d = _check_dim(src, dim, "std" if std else "var")
    a = src._a.astype(np.float64)
    n = a.shape[d]
    with _quiet():
        # TH's one-pass formula with running sums of z and z*z
        mean = _seq_sum(a, d) / n
        if biased:
            v = _seq_sum(a * a, d) / n - mean * mean
        else:
            v = _seq_sum(a * a, d) / (n - 1) - float(src.dtype.type(n) / src.dtype.type(n - 1)) * mean * mean
        v = np.maximum(v, 0)
        if std:
            v = np.sqrt(v)
    return _write(res, v)


_register("var", [("T b=false", _varall), ("R T I b=false", _var_dim)], float_only=True)
_register("std", [("T b=false", lambda t, biased=False: math.sqrt(_varall(t, biased))),
                  ("R T I b=false", lambda r, s, d, b=False: _var_dim(r, s, d, b, std=True))],
          float_only=True)


def _pow_abs(a, p, dtype):
    """pow(fabs(x), p) computed in the tensor's precision, as TH_MATH_NAME(pow) does."""
    return np.power(np.abs(a), dtype.type(p), dtype=dtype)


def _normall(t, p=2):
    if not t._size:
        return 0.0
    a = t._a
    with _quiet():
        if p == 0:
            return float(np.count_nonzero(a))
        if p == 1:
            return float(_seq_sum(np.abs(a)))
        if p == 2:
            z = a.astype(np.float64)
            return math.sqrt(float(_seq_sum(z * z)))
        return float(np.power(_seq_sum(_pow_abs(a, p, t.dtype)), 1.0 / p))


def _norm_dim(res, src, p, dim):
    d = _check_dim(src, dim, "norm")
    a = src._a
    with _quiet():
        if p == 0:
            v = np.sum(a != 0, axis=d, keepdims=True).astype(np.float64)
        else:
            v = np.power(_seq_sum(_pow_abs(a, p, src.dtype), d), 1.0 / p)
    return _write(res, v)


_register("norm", [("T N=2", _normall), ("R T N I", _norm_dim)], float_only=True)


def _renorm(res, src, p, dim, maxnorm):
    d = _check_dim(src, dim, "renorm")
    if p <= 0:
        raise ValueError("renorm: non-positive-norm not supported")
    if src.dim() < 2:
        raise ValueError(f"renorm: need at least 2 dimensions, got {src.dim()} dimensions")
    # one row per slice select(dim, i), its elements in TH's order
    rows = np.moveaxis(src._a, d, 0).reshape(src._size[d], -1)
    with _quiet():
        if p == 1:
            norms = _seq_sum(np.abs(rows), 1)
        elif p == 2:
            z = rows.astype(np.float64)
            norms = _seq_sum(z * z, 1)
        else:
            norms = _seq_sum(_pow_abs(rows, p, src.dtype), 1)
        norms = np.power(norms.astype(src.dtype), 1.0 / p)
        scale = np.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0).astype(src.dtype)
        shape = [1] * src.dim()
        shape[d] = src._size[d]
        value = src._a * scale.reshape(shape)
    return _write(res, value.astype(src.dtype))


_register("renorm", [("r s N I N", _renorm)], float_only=True)


def _dist(a, b, p=2):
    _same_numel("dist", ("tensor", a), ("src", b))
    if not a._size:
        return 0.0
    with _quiet():
        diff = a._a - _view(b, a._size)
        # TH accumulates in the tensor's own precision here
        total = _seq_sum(_pow_abs(diff, p, a.dtype), dtype=a.dtype)
        return float(np.power(total, 1.0 / p))


_register("dist", [("T T N=2", _dist)], float_only=True)


def _logical(name, fn):
    def impl(t):
        if not t._size:
            raise ValueError(f"{name}: empty Tensor")
        return bool(fn(t._a))
    return impl


class _ByteOnly(_Op):
    def _run(self, combo, cls, args):
        if cls is not ByteTensor:
            raise TypeError(f"{self.name}: only defined for torch.ByteTensor (got {cls.__typename__})")
        return super()._run(combo, cls, args)


for _name, _fn in (("all", np.all), ("any", np.any)):
    _install(_name, _ByteOnly(_name, [("T", _logical(_name, _fn))]))


def _trace(t):
    if t.dim() != 2:
        raise ValueError(f"trace: expected a matrix, got {t.dim()}D tensor")
    return _number(np.trace(t._a, dtype=_acc_dtype(type(t))))


_register("trace", [("T", _trace)])


def _dot(a, b):
    if a.nElement() != b.nElement():
        raise ValueError(f"dot: inconsistent tensor size: {_desc(a)} and {_desc(b)} "
                         f"(vectors must have the same number of elements)")
    if not a._size:
        return 0
    # BLAS dot in the tensor's own type (sdot for floats; integer types wrap as TH's loop does)
    return _number(np.dot(a._a.reshape(-1), b._a.reshape(-1)))


_register("dot", [("T T", _dot)])


def _equal(a, b):
    return a._size == b._size and bool(np.array_equal(a._a, b._a))


_register("equal", [("T T", _equal)])


# --- sorting-based reductions ----------------------------------------------------------
# --- sorting and selection -------------------------------------------------------------
# TH sorts each slice with its own quicksort (insertion sort below 12 elements) and selects
# with quickselect. Values come out the same whatever the algorithm; the *indices* of equal
# values (and topk's unsorted order) depend on it. Slices whose order is unique (no ties, no
# NaN) use numpy; the others run ports of TH's routines (THTensorMath.c), element by element.
_M_SMALL = 10


def _th_quicksort(arr, idx, descending=False):
    """THTensor_(quicksortascend/descend) on Python lists, in place."""
    def before(x, y):  # x strictly before y in the requested order
        return x > y if descending else x < y

    elements = len(arr)
    beg, end = [], []
    left, right = 0, elements - 1
    done = elements - 1 <= _M_SMALL
    while not done:
        mid = (left + right) >> 1
        arr[mid], arr[left + 1] = arr[left + 1], arr[mid]
        idx[mid], idx[left + 1] = idx[left + 1], idx[mid]
        for a, b in ((left + 1, right), (left, right), (left + 1, left)):
            if before(arr[b], arr[a]):
                arr[a], arr[b] = arr[b], arr[a]
                idx[a], idx[b] = idx[b], idx[a]
        i, j = left + 1, right
        piv = arr[left]
        while True:
            i += 1
            while before(arr[i], piv):
                i += 1
            j -= 1
            while before(piv, arr[j]):
                j -= 1
            if j < i:
                break
            arr[i], arr[j] = arr[j], arr[i]
            idx[i], idx[j] = idx[j], idx[i]
        arr[left], arr[j] = arr[j], arr[left]
        idx[left], idx[j] = idx[j], idx[left]
        sz_left, sz_right = j - left, right - i + 1
        if sz_left <= _M_SMALL and sz_right <= _M_SMALL:
            if not beg:
                done = True
            else:
                left, right = beg.pop(), end.pop()
        elif sz_left <= _M_SMALL or sz_right <= _M_SMALL:
            if sz_left > sz_right:
                right = j - 1
            else:
                left = i
        elif sz_left > sz_right:
            beg.append(left)
            end.append(j - 1)
            left = i
        else:
            beg.append(i)
            end.append(right)
            right = j - 1
    for i in range(elements - 2, -1, -1):  # insertion sort over the whole slice
        if before(arr[i + 1], arr[i]):
            piv, pid = arr[i], idx[i]
            j = i + 1
            while True:
                arr[j - 1], idx[j - 1] = arr[j], idx[j]
                j += 1
                if not (j < elements and before(arr[j], piv)):
                    break
            arr[j - 1], idx[j - 1] = piv, pid


def _th_quickselect(arr, idx, k):
    """THTensor_(quickselect) on Python lists, in place: position k gets its sorted value."""
    left, right = 0, len(arr) - 1
    while True:
        if right <= left:
            return
        if right == left + 1:
            if arr[left] > arr[right]:
                arr[left], arr[right] = arr[right], arr[left]
                idx[left], idx[right] = idx[right], idx[left]
            return
        mid = (left + right) >> 1
        arr[mid], arr[left + 1] = arr[left + 1], arr[mid]
        idx[mid], idx[left + 1] = idx[left + 1], idx[mid]
        for a, b in ((left + 1, right), (left, right), (left + 1, left)):
            if arr[a] > arr[b]:
                arr[a], arr[b] = arr[b], arr[a]
                idx[a], idx[b] = idx[b], idx[a]
        i, j = left + 1, right
        piv = arr[left]
        while True:
            i += 1
            while arr[i] < piv:
                i += 1
            j -= 1
            while arr[j] > piv:
                j -= 1
            if j < i:
                break
            arr[i], arr[j] = arr[j], arr[i]
            idx[i], idx[j] = idx[j], idx[i]
        arr[left], arr[j] = arr[j], arr[left]
        idx[left], idx[j] = idx[j], idx[left]
        if j <= k:
            left = i
        if j >= k:
            right = j - 1


def _slices(a, d):
    """The slices along d as rows of a 2-D array, and how to put rows back."""
    moved = np.moveaxis(a, d, -1)
    return moved.reshape(-1, moved.shape[-1]), moved.shape


def _unslice(rows, shape, d):
    return np.moveaxis(rows.reshape(shape), -1, d)


def _ambiguous_rows(rows):
    """Rows where equal values (or NaN) make the result depend on the algorithm."""
    if rows.shape[1] < 2:
        return np.zeros(rows.shape[0], dtype=bool)
    srt = np.sort(rows, axis=1)
    ties = (srt[:, 1:] == srt[:, :-1]).any(axis=1)
    if rows.dtype.kind == "f":
        ties |= np.isnan(rows).any(axis=1)
    return ties


def _stable_order(rows, descending=False):
    if not descending:
        return np.argsort(rows, axis=1, kind="stable")
    n = rows.shape[1]
    rev = np.argsort(rows[:, ::-1], axis=1, kind="stable")
    return (n - 1 - rev)[:, ::-1]


def _th_sort_rows(rows, descending):
    order = _stable_order(rows, descending)
    if rows.shape[1] - 1 > _M_SMALL or rows.dtype.kind == "f":
        # below 12 elements TH's insertion sort is stable, as numpy's: only NaN differs there
        for r in np.flatnonzero(_ambiguous_rows(rows)):
            arr, idx = rows[r].tolist(), list(range(rows.shape[1]))
            _th_quicksort(arr, idx, descending)
            order[r] = idx
    return order


def _sort(values, indices, src, dim, descending=False):
    if not src._size:
        values._resize(())
        indices._resize(())
        return values, indices
    d = _check_dim(src, dim, "sort")
    rows, shape = _slices(src._a, d)
    order = _th_sort_rows(rows, bool(descending))
    vals = np.take_along_axis(rows, order, axis=1)
    _write(values, _unslice(vals, shape, d))
    _write(indices, _unslice(order + 1, shape, d))
    return values, indices


_register("sort", [("R Lr T I=last3 b=false", _sort)])


def _topk(values, indices, src, k, dim, largest=False, sorted_=False):
    d = _check_dim(src, dim, "topk")
    k = int(k)
    n = src._size[d]
    if k < 1 or k > n:
        raise ValueError(f"topk: k not in range for dimension ({k} not in [1, {n}] for dimension {d + 1})")
    rows, shape = _slices(src._a, d)
    out_vals = np.empty((rows.shape[0], k), dtype=rows.dtype)
    out_idx = np.empty((rows.shape[0], k), dtype=np.int64)
    for r in range(rows.shape[0]):  # TH's quickselect order is part of the result
        arr, idx = rows[r].tolist(), list(range(n))
        if largest:
            first = n - k
            if first > 0:
                _th_quickselect(arr, idx, first - 1)
            arr, idx = arr[first:], idx[first:]
            if sorted_:
                _th_quicksort(arr, idx, descending=True)
        else:
            _th_quickselect(arr, idx, k - 1)
            arr, idx = arr[:k], idx[:k]
            if sorted_:
                head, head_idx = arr[:k - 1], idx[:k - 1]  # TH sorts the first k-1 only
                _th_quicksort(head, head_idx)
                arr[:k - 1], idx[:k - 1] = head, head_idx
        out_vals[r], out_idx[r] = arr, idx
    out_shape = shape[:-1] + (k,)
    _write(values, _unslice(out_vals, out_shape, d))
    _write(indices, _unslice(out_idx + 1, out_shape, d))
    return values, indices


_register("topk", [("R Lr T N=1 I=last3 b=false b=false", _topk)])


def _kth_rows(rows, k):
    """Value and 0-based index of the k-th smallest (0-based k) of each row, as TH's
    quickselect leaves them."""
    order = np.argsort(rows, axis=1, kind="stable")
    pos = order[:, k].copy()
    for r in np.flatnonzero(_ambiguous_rows(rows)):
        arr, idx = rows[r].tolist(), list(range(rows.shape[1]))
        _th_quickselect(arr, idx, k)
        pos[r] = idx[k]
    return pos


def _kth(name):
    def impl(values, indices, src, *rest):
        if name == "kthvalue":
            k, dim = rest
        else:
            k, dim = None, rest[0]
        d = _check_dim(src, dim, name)
        rows, shape = _slices(src._a, d)
        n = rows.shape[1]
        if name == "kthvalue":
            k = int(k)
            if k < 1 or k > n:
                raise IndexError(f"kthvalue: selected index out of range (k={k}, dimension of size {n})")
            pos = _kth_rows(rows, k - 1)
        elif name == "median":
            pos = _kth_rows(rows, (n - 1) >> 1)  # the middle or one-before-middle element
        else:
            pos = _mode_rows(rows)
        out_shape = shape[:-1] + (1,)
        picked = np.take_along_axis(rows, pos[:, None], axis=1)
        _write(values, _unslice(picked, out_shape, d))
        _write(indices, _unslice(pos[:, None] + 1, out_shape, d))
        return values, indices
    return impl


def _mode_rows(rows):
    """TH's mode: sort the row, take the longest run of equal values (the first such run),
    and the index sitting at the end of that run."""
    n = rows.shape[1]
    result = np.empty(rows.shape[0], dtype=np.int64)
    exact = _ambiguous_rows(rows) if n - 1 > _M_SMALL else np.zeros(rows.shape[0], dtype=bool)
    for r in range(rows.shape[0]):
        if exact[r]:
            arr, idx = rows[r].tolist(), list(range(n))
            _th_quicksort(arr, idx)
            arr, idx = np.array(arr), np.array(idx)
        else:
            idx = np.argsort(rows[r], kind="stable")
            arr = rows[r][idx]
        ends = np.flatnonzero(np.append(arr[1:] != arr[:-1], True))
        lengths = np.diff(np.concatenate(([-1], ends)))
        result[r] = idx[ends[int(np.argmax(lengths))]]
    return result


_register("kthvalue", [("R Lr T N I=last3", _kth("kthvalue"))])
_register("median", [("R Lr T I=last3", _kth("median"))])
_register("mode", [("R Lr T I=last3", _kth("mode"))])


# ---------------------------------------------------------------------------------------
# comparisons
# ---------------------------------------------------------------------------------------
def _compare(name, ufunc):
    def value_impl(res, src, value):
        v = _val(type(src), value)
        if not src._size:
            res._resize(())
            return res
        return _write(res, ufunc(src._a, v))

    def tensor_impl(res, a, b):
        _same_numel(name, ("tensor", a), ("src", b))
        if not a._size:
            res._resize(())
            return res
        return _write(res, ufunc(a._a, _view(b, a._size)))
    return value_impl, tensor_impl


for _name, _uf in (("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
                   ("ge", np.greater_equal), ("eq", np.equal), ("ne", np.not_equal)):
    _v, _t = _compare(_name, _uf)
    _register(_name, [("Br T N", _v), ("T T N", _v), ("Br T T", _t), ("T T T", _t)])


# ---------------------------------------------------------------------------------------
# matrix products
# ---------------------------------------------------------------------------------------
def _gemm_into(res, beta, prod, alpha, src):
    """res = beta * src + alpha * prod, not reading src when beta is 0 (as BLAS)."""
    cls = type(res)
    beta, alpha = _val(cls, beta), _val(cls, alpha)
    if res is not src:
        res._resize(src._size)
        if beta != 0:
            np.copyto(res._a, src._a, casting="unsafe")
    out = res._a
    if alpha != 1:
        prod = np.multiply(prod, alpha, dtype=out.dtype, casting="unsafe")
    if beta == 0:
        np.copyto(out, prod, casting="unsafe")
    else:
        if beta != 1:
            np.multiply(out, beta, out=out, casting="unsafe")
        np.add(out, prod, out=out, casting="unsafe")
    return res


def _addmm(res, beta, t, alpha, m1, m2):
    if m1.dim() != 2 or m2.dim() != 2:
        raise ValueError(f"addmm: matrices expected, got {m1.dim()}D, {m2.dim()}D tensors")
    if m1._size[1] != m2._size[0]:
        raise ValueError(f"addmm: size mismatch, m1: {_desc(m1)}, m2: {_desc(m2)}")
    if t.dim() != 2:
        raise ValueError(f"addmm: matrix expected, got {t.dim()}D tensor for t")
    if t._size != (m1._size[0], m2._size[1]):
        raise ValueError(f"addmm: size mismatch, t: {_desc(t)}, m1: {_desc(m1)}, m2: {_desc(m2)}")
    if beta == 0 and alpha == 1:
        # the common nn.Linear form: res = m1 m2, straight into res (t is not read)
        shape = (m1._size[0], m2._size[1])
        if res._size != shape:
            res._resize(shape)
        np.matmul(m1._a, m2._a, out=res._a, casting="unsafe")
        return res
    return _gemm_into(res, beta, np.matmul(m1._a, m2._a), alpha, t)


def _addmv(res, beta, t, alpha, mat, vec):
    if mat.dim() != 2 or vec.dim() != 1:
        raise ValueError(f"addmv: matrix and vector expected, got {mat.dim()}D, {vec.dim()}D")
    if mat._size[1] != vec._size[0]:
        raise ValueError(f"addmv: size mismatch, {_desc(mat)}, {_desc(vec)}")
    if t.dim() != 1:
        raise ValueError(f"addmv: vector expected, got t: {t.dim()}D")
    if t._size[0] != mat._size[0]:
        raise ValueError(f"addmv: size mismatch, t: {_desc(t)}, mat: {_desc(mat)}")
    return _gemm_into(res, beta, np.matmul(mat._a, vec._a), alpha, t)


def _addr(res, beta, t, alpha, v1, v2):
    if v1.dim() != 1 or v2.dim() != 1:
        raise ValueError(f"addr: vector and vector expected, got {v1.dim()}D, {v2.dim()}D tensors")
    if t.dim() != 2:
        raise ValueError(f"addr: expected matrix, got {t.dim()}D tensor for t")
    if t._size != (v1._size[0], v2._size[0]):
        raise ValueError(f"addr: size mismatch, t: {_desc(t)}, vec1: {_desc(v1)}, vec2: {_desc(v2)}")
    return _gemm_into(res, beta, np.multiply.outer(v1._a, v2._a), alpha, t)


def _check_batches(name, b1, b2):
    if b1.dim() != 3 or b2.dim() != 3:
        raise ValueError(f"{name}: expected 3D tensors, got {b1.dim()}D, {b2.dim()}D")
    if b1._size[0] != b2._size[0]:
        raise ValueError(f"{name}: equal number of batches expected, got {b1._size[0]}, {b2._size[0]}")
    if b1._size[2] != b2._size[1]:
        raise ValueError(f"{name}: wrong matrix size, batch1: {b1._size[1]}x{b1._size[2]}, "
                         f"batch2: {b2._size[1]}x{b2._size[2]}")


def _addbmm(res, beta, t, alpha, b1, b2):
    _check_batches("addbmm", b1, b2)
    if t._size != (b1._size[1], b2._size[2]):
        raise ValueError(f"addbmm: output tensor of incorrect size {_desc(t)}, expected "
                         f"[{b1._size[1]} x {b2._size[2]}]")
    return _gemm_into(res, beta, np.matmul(b1._a, b2._a).sum(axis=0, dtype=b1.dtype), alpha, t)


def _baddbmm(res, beta, t, alpha, b1, b2):
    _check_batches("baddbmm", b1, b2)
    if t._size != (b1._size[0], b1._size[1], b2._size[2]):
        raise ValueError(f"baddbmm: output tensor of incorrect size {_desc(t)}, expected "
                         f"[{b1._size[0]} x {b1._size[1]} x {b2._size[2]}]")
    return _gemm_into(res, beta, np.matmul(b1._a, b2._a), alpha, t)


for _name, _impl in (("addmm", _addmm), ("addmv", _addmv), ("addr", _addr),
                     ("addbmm", _addbmm), ("baddbmm", _baddbmm)):
    # methods: Torch7 resolves the beta/alpha ambiguity with two variants (see TensorMath.lua)
    _install(_name, _Op(_name, [("R N=1 T N=1 T T", _impl)]),
             _Op(_name, [("T !N=1 T@1 N=1 T T", _impl), ("T N T@1 N T T", _impl)]))


def _mm(res, m1, m2):
    if m1.dim() != 2 or m2.dim() != 2:
        raise ValueError(f"mm: matrices expected, got {m1.dim()}D, {m2.dim()}D tensors")
    if m1._size[1] != m2._size[0]:
        raise ValueError(f"mm: size mismatch, m1: {_desc(m1)}, m2: {_desc(m2)}")
    shape = (m1._size[0], m2._size[1])
    if res._size != shape:
        res._resize(shape)
    np.matmul(m1._a, m2._a, out=res._a, casting="unsafe")
    return res


def _mv(res, mat, vec):
    if mat.dim() != 2 or vec.dim() != 1:
        raise ValueError(f"mv: matrix and vector expected, got {mat.dim()}D, {vec.dim()}D")
    if mat._size[1] != vec._size[0]:
        raise ValueError(f"mv: size mismatch, {_desc(mat)}, {_desc(vec)}")
    if res._size != (mat._size[0],):
        res._resize((mat._size[0],))
    np.matmul(mat._a, vec._a, out=res._a, casting="unsafe")
    return res


def _bmm(res, b1, b2):
    _check_batches("bmm", b1, b2)
    return _write(res, np.matmul(b1._a, b2._a))


def _ger(res, v1, v2):
    if v1.dim() != 1 or v2.dim() != 1:
        raise ValueError(f"ger: vector and vector expected, got {v1.dim()}D, {v2.dim()}D tensors")
    return _write(res, np.multiply.outer(v1._a, v2._a))


_register("mm", [("r T T", _mm)])
_register("mv", [("r T T", _mv)])
_register("bmm", [("r T T", _bmm)])
_register("ger", [("r T T", _ger)])


def _match(res, m1, m2, gain=1):
    """r[i][j] = gain * sum_k (m1[i][k] - m2[j][k])^2, rows taken over the remaining elements."""
    n1, n2 = m1._size[0], m2._size[0]
    a = np.ascontiguousarray(m1._a).reshape(n1, -1)
    b = np.ascontiguousarray(m2._a).reshape(n2, -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"match: m1 and m2 must have the same inner vector dim "
                         f"({_desc(m1)} and {_desc(m2)})")
    diff = a[:, None, :] - b[None, :, :]
    return _write(res, _val(type(res), gain) * np.sum(diff * diff, axis=2))


_register("match", [("r T T N=1", _match)])


def _cross(res, a, b, dim=0):
    if a._size != b._size:
        raise ValueError(f"cross: inconsistent tensor sizes {_desc(a)} and {_desc(b)}")
    if dim == 0:
        dims = [i for i, s in enumerate(a._size) if s == 3]
        if not dims:
            raise ValueError(f"cross: no dimension of size 3 in {_desc(a)}")
        d = dims[0]
    else:
        d = _check_dim(a, dim, "cross")
        if a._size[d] != 3:
            raise ValueError(f"cross: dimension {d + 1} does not have size 3 (size {a._size[d]})")
    return _write(res, np.cross(a._a, b._a, axis=d))


_register("cross", [("R T T I=0", _cross)])


def _diag(res, t, k=0):
    k = int(k)
    if t.dim() == 1:
        n = t._size[0] + abs(k)
        m = np.zeros((n, n), dtype=t.dtype)
        idx = np.arange(t._size[0])
        if k >= 0:
            m[idx, idx + k] = t._a
        else:
            m[idx - k, idx] = t._a
        return _write(res, m)
    if t.dim() == 2:
        d = np.diagonal(t._a, offset=k).copy()
        if d.size == 0:
            raise ValueError(f"diag: invalid diagonal {k} for a {_desc(t)} matrix")
        return _write(res, d)
    raise ValueError(f"diag: matrix or a vector expected, got {t.dim()}D tensor")


_register("diag", [("R T N=0", _diag)])


def _tri(name, fn):
    def impl(res, t, k=0):
        if t.dim() != 2:
            raise ValueError(f"{name}: expected a matrix, got {t.dim()}D tensor")
        return _write(res, fn(t._a, int(k)))
    return impl


_register("tril", [("R T N=0", _tri("tril", np.tril))])
_register("triu", [("R T N=0", _tri("triu", np.triu))])


# ---------------------------------------------------------------------------------------
# constructors
# ---------------------------------------------------------------------------------------
def _sizes(spec):
    """LongArg: a LongStorage, a table, or numbers."""
    if len(spec) == 1 and not _is_number(spec[0]):
        s = spec[0]
        values = s.data.tolist() if hasattr(s, "data") else list(s)
    else:
        values = list(spec)
    out = []
    for v in values:
        if v != int(v) or v < 0:
            raise ValueError(f"invalid size {v}")
        out.append(int(v))
    return tuple(out)


def _filled(value):
    def impl(res, sizes):
        res._resize(_sizes(sizes))
        if res._size:
            res._a.fill(value)
        return res
    return impl


_register("zeros", [("r Z", _filled(0))])
_register("ones", [("r Z", _filled(1))])


def _reshape(res, src, sizes):
    size = _sizes(sizes)
    n = 1
    for s in size:
        n *= s
    if n != src.nElement():
        raise ValueError(f"reshape: size mismatch, {src.nElement()} elements cannot be reshaped "
                         f"to {'x'.join(map(str, size))}")
    value = np.array(src._a, dtype=src.dtype).reshape(size) if size else np.zeros(0, src.dtype)
    if res is src:
        res = src.new()
    return _write(res, value)


_register("reshape", [("R T Z", _reshape)])


def _range(res, xmin, xmax, step=1):
    if step == 0:
        raise ValueError("range: step must be a non-null number")
    if (step > 0 and xmax < xmin) or (step < 0 and xmax > xmin):
        raise ValueError(f"range: upper bound and larger bound incoherent with step sign "
                         f"(from {xmin} to {xmax} by {step})")
    cls = type(res)
    if not _is_float(cls):
        xmin, xmax, step = int(xmin), int(xmax), int(step)
    n = int((xmax - xmin) / step) + 1
    return _write(res, xmin + np.arange(n, dtype=_acc_dtype(cls)) * step)


_register("range", [("r N N N=1", _range)])


def _spaced(res, a, b, n, name):
    """TH's a + i*(b-a)/(n-1), computed in the tensor's own precision."""
    n = int(n)
    if not (n > 1 or (n == 1 and a == b)):
        raise ValueError(f"{name}: invalid number of points {n}")
    dt = res.dtype
    if n == 1:
        return np.array([a], dtype=dt)
    i = np.arange(n, dtype=dt)
    a, b = dt.type(a), dt.type(b)
    with _quiet():
        return a + i * (b - a) / dt.type(n - 1)


def _linspace(res, a, b, n=100):
    return _write(res, _spaced(res, a, b, n, "linspace"))


def _logspace(res, a, b, n=100):
    exponents = _spaced(res, a, b, n, "logspace")
    with _quiet():
        return _write(res, np.power(res.dtype.type(10), exponents))


_register("linspace", [("r N N N=100", _linspace)], float_only=True)
_register("logspace", [("r N N N=100", _logspace)], float_only=True)


def _eye(res, n, m=0):
    n, m = int(n), int(m)
    if n <= 0:
        raise ValueError(f"eye: invalid number of rows {n}")
    if m <= 0:
        m = n
    return _write(res, np.eye(n, m))


_register("eye", [("r N N=0", _eye)])


def _cat_impl(res, inputs, dim):
    if not inputs:
        raise ValueError("cat: invalid number of inputs 0")
    cls = type(res)
    for t in inputs:
        if type(t) is not cls:
            raise TypeError(f"cat: expected {cls.__typename__} inputs, got {t.__typename__}")
    dim = int(dim)
    max_dim = max([dim] + [t.dim() for t in inputs])
    d = (max_dim - 1 if max_dim else 0) if dim == -1 else dim - 1
    if d < 0:
        raise ValueError(f"cat: invalid dimension {dim}")

    def size_at(t, i):
        return t._size[i] if i < t.dim() else min(t.dim(), 1)

    size = []
    for i in range(max_dim):
        s = size_at(inputs[0], i)
        if i == d:
            s = sum(size_at(t, i) for t in inputs)
        else:
            for t in inputs[1:]:
                sz = size_at(t, i)
                if s != sz and s and sz:
                    raise ValueError("cat: inconsistent tensor sizes: "
                                     + ", ".join(_desc(t) for t in inputs) + f" along dimension {d + 1}")
                s = s or sz
        size.append(s)
    if not any(size):
        return res
    parts = []
    for t in inputs:
        if t.dim():
            shape = tuple(size_at(t, i) if i != d else (t._size[d] if d < t.dim() else 1)
                          for i in range(max_dim))
            parts.append(_view(t, shape))
    value = np.concatenate(parts, axis=d)
    return _write(res, value)


_register("cat", [("R T T I=-1", lambda res, a, b, dim: _cat_impl(res, [a, b], dim)),
                  ("R A I=-1", lambda res, ts, dim: _cat_impl(res, list(ts), dim))])


# ---------------------------------------------------------------------------------------
# indexing operations (Torch7's generic/Tensor.c)
# ---------------------------------------------------------------------------------------
def _index_vector(name, index, size):
    """A LongTensor of 1-based indices as 0-based numpy ints, checked against ``size``."""
    if index.dim() > 1:
        raise ValueError(f"{name}: index is supposed to be a vector (got {_desc(index)})")
    idx = index._a.reshape(-1).astype(np.int64) - 1 if index._size else np.zeros(0, np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        bad = int((idx[(idx < 0) | (idx >= size)][0]) + 1)
        raise IndexError(f"{name}: index out of range ({bad} not in [1, {size}])")
    return idx


def _index(res, src, dim, index):
    d = _check_dim(src, dim, "index")
    idx = _index_vector("index", index, src._size[d])
    value = np.take(src._a, idx, axis=d)
    if res is src:
        res = src.new()
    return _write(res, value)


_register("index", [("R T I L", _index)])


def _indexed_source(op, self, dim, index, src):
    """For indexCopy/indexAdd: the dimension (0-based), the 0-based indices, and ``src`` viewed
    as one slice of ``self`` per index (its element count must fit)."""
    d = _check_dim(self, dim, op)
    idx = _index_vector(op, index, self._size[d])
    shape = list(self._size)
    shape[d] = idx.size
    if src.nElement() != int(np.prod(shape)):
        raise ValueError(f"{op}: inconsistent tensor size: source {_desc(src)} does not fit "
                         f"{idx.size} slices of {_desc(self)} along dimension {d + 1}")
    return d, idx, _view(src, tuple(shape))


def _index_copy(self, dim, index, src):
    d, idx, values = _indexed_source("indexCopy", self, dim, index, src)
    sl = [slice(None)] * self.dim()
    sl[d] = idx
    self._a[tuple(sl)] = values
    return self


def _index_add(self, dim, index, src):
    d, idx, values = _indexed_source("indexAdd", self, dim, index, src)
    moved = np.moveaxis(self._a, d, 0)
    np.add.at(moved, idx, np.moveaxis(values, d, 0))
    return self


def _index_fill(self, dim, index, value):
    d = _check_dim(self, dim, "indexFill")
    idx = _index_vector("indexFill", index, self._size[d])
    sl = [slice(None)] * self.dim()
    sl[d] = idx
    self._a[tuple(sl)] = _val(type(self), value)
    return self


_register("indexCopy", [("T I L T", _index_copy)])
_register("indexAdd", [("T I L T", _index_add)])
_register("indexFill", [("T I L N", _index_fill)])


def _gather_index(name, t, dim, index, src_size):
    d = _check_dim(t, dim, name)
    if index.dim() != t.dim():
        raise ValueError(f"{name}: index tensor must have same dimensions as input tensor "
                         f"({_desc(index)} vs {_desc(t)})")
    idx = index._a.astype(np.int64) - 1
    if idx.size and (idx.min() < 0 or idx.max() >= src_size[d]):
        raise IndexError(f"{name}: invalid index (index out of range: values must be in "
                         f"[1, {src_size[d]}] along dimension {d + 1})")
    return d, idx


def _gather(res, src, dim, index):
    d, idx = _gather_index("gather", src, dim, index, src._size)
    for i, (si, ss) in enumerate(zip(index._size, src._size)):
        if i != d and si > ss:
            raise ValueError(f"gather: index {_desc(index)} larger than input {_desc(src)} "
                             f"in dimension {i + 1}")
    sub = src._a[tuple(slice(0, s) if i != d else slice(None) for i, s in enumerate(index._size))]
    return _write(res, np.take_along_axis(sub, idx, axis=d))


def _scatter(self, dim, index, src):
    d, idx = _gather_index("scatter", self, dim, index, self._size)
    region = tuple(slice(0, s) if i != d else slice(None) for i, s in enumerate(index._size))
    if isinstance(src, Tensor):
        values = src._a[tuple(slice(0, s) for s in index._size)]
    else:
        values = _val(type(self), src)
    np.put_along_axis(self._a[region], idx, values, axis=d)
    return self


_register("gather", [("R T I L", _gather)])
_register("scatter", [("T I L T", _scatter), ("T I L N", _scatter)])


def _mask_of(name, t, mask):
    if mask.nElement() != t.nElement():
        raise ValueError(f"{name}: sizes do not match: mask {_desc(mask)} and tensor {_desc(t)} "
                         f"have {mask.nElement()} and {t.nElement()} elements")
    return _view(mask, t._size).astype(bool) if t._size else None


def _masked_select(res, src, mask):
    m = _mask_of("maskedSelect", src, mask)
    value = src._a[m] if m is not None else np.zeros(0, src.dtype)
    if res is src:
        res = src.new()
    if value.size == 0:
        res._resize(())
        return res
    return _write(res, value)


def _masked_fill(self, mask, value):
    m = _mask_of("maskedFill", self, mask)
    if m is not None:
        self._a[m] = _val(type(self), value)
    return self


def _masked_copy(self, mask, src):
    m = _mask_of("maskedCopy", self, mask)
    if m is None:
        return self
    count = int(m.sum())
    if src.nElement() < count:
        raise ValueError(f"maskedCopy: number of elements of src ({src.nElement()}) < number of ones "
                         f"in mask ({count})")
    self._a[m] = src._a.reshape(-1)[:count]
    return self


_register("maskedSelect", [("R T B", _masked_select)])
_register("maskedFill", [("T B N", _masked_fill)])
_register("maskedCopy", [("T B T", _masked_copy)])


def _nonzero(res, t):
    if not t._size:
        res._resize(())
        return res
    idx = np.argwhere(t._a != 0) + 1
    if idx.shape[0] == 0:
        res._resize(())
        return res
    return _write(res, idx)


_register("nonzero", [("Lr T", _nonzero)])


def _histc(res, t, nbins=100, lo=0, hi=0):
    nbins = int(nbins)
    if nbins <= 0:
        raise ValueError(f"histc: invalid number of bins {nbins}")
    a = t._a.reshape(-1).astype(np.float64) if t._size else np.zeros(0)
    lo, hi = float(lo), float(hi)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    inside = a[(a >= lo) & (a <= hi)]
    bins = ((inside - lo) / (hi - lo) * nbins).astype(np.int64)
    bins = np.minimum(bins, nbins - 1)
    return _write(res, np.bincount(bins, minlength=nbins).astype(np.float64))


_register("histc", [("R T N=100 N=0 N=0", _histc)], float_only=True)


# ---------------------------------------------------------------------------------------
# functions written in Lua in Torch7 (Tensor.lua) and linear algebra
# ---------------------------------------------------------------------------------------
def _split(tensor, size, dim=1):
    d = _check_dim(tensor, dim, "split")
    size = int(size)
    if size <= 0:
        raise ValueError(f"split: size must be positive, got {size}")
    n = tensor._size[d]
    return [tensor.narrow(d + 1, start + 1, min(size, n - start)) for start in range(0, n, size)]


def _chunk(tensor, n, dim=1):
    d = _check_dim(tensor, dim, "chunk")
    n = int(n)
    if n <= 0:
        raise ValueError(f"chunk: number of chunks must be positive, got {n}")
    return _split(tensor, math.ceil(tensor._size[d] / n), dim)


def _fill_result(result, parts):
    """Store parts into a caller's result table (a list, or a dict keyed 1..n) and return it."""
    if isinstance(result, list):
        result[:] = parts
        return result
    try:
        for key in list(result.keys()):
            del result[key]
        for k, part in enumerate(parts, 1):
            result[k] = part
        return result
    except (AttributeError, TypeError):
        return parts


def split(*args):
    """torch.split([result,] tensor, size [, dim]): views of ``size`` along ``dim`` (a list)."""
    if len(args) >= 2 and not isinstance(args[0], Tensor) and isinstance(args[1], Tensor):
        return _fill_result(args[0], _split(*args[1:]))
    return _split(*args)


def chunk(*args):
    """torch.chunk([result,] tensor, n [, dim]): ``n`` views of (nearly) equal size."""
    if len(args) >= 2 and not isinstance(args[0], Tensor) and isinstance(args[1], Tensor):
        return _fill_result(args[0], _chunk(*args[1:]))
    return _chunk(*args)


def repeatTensor(*args):
    """torch.repeatTensor([result,] tensor, sizes...)."""
    if len(args) >= 2 and isinstance(args[0], Tensor) and isinstance(args[1], Tensor):
        result, src, sizes = args[0], args[1], args[2:]
    else:
        result, src, sizes = None, args[0], args[1:]
    reps = _sizes(sizes)
    if len(reps) < src.dim():
        raise ValueError("repeatTensor: number of dimensions of repeat dims can not be smaller "
                         "than number of dimensions of tensor")
    if result is None:
        result = src.new()
    if not src._size:
        result._resize(())
        return result
    base = src._a.reshape((1,) * (len(reps) - src.dim()) + src._size)
    return _write(result, np.tile(base, reps))


def _apply(self, fn):
    if not self._size:
        return self
    flat = np.array(self._a).reshape(-1)
    values = flat.tolist()
    changed = False
    for i, x in enumerate(values):
        r = fn(x)
        if r is not None:
            values[i] = r
            changed = True
    if changed:
        np.copyto(self._a, np.array(values).reshape(self._size), casting="unsafe")
    return self


def _map(self, other, fn):
    _same_numel("map", ("tensor", self), ("src", other))
    if not self._size:
        return self
    values = np.array(self._a).reshape(-1).tolist()
    others = np.array(other._a).reshape(-1).tolist()
    for i, (x, y) in enumerate(zip(values, others)):
        r = fn(x, y)
        if r is not None:
            values[i] = r
    np.copyto(self._a, np.array(values).reshape(self._size), casting="unsafe")
    return self


def _map2(self, t1, t2, fn):
    _same_numel("map2", ("tensor", self), ("tensor1", t1), ("tensor2", t2))
    if not self._size:
        return self
    values = np.array(self._a).reshape(-1).tolist()
    a1 = np.array(t1._a).reshape(-1).tolist()
    a2 = np.array(t2._a).reshape(-1).tolist()
    for i, (x, y, z) in enumerate(zip(values, a1, a2)):
        r = fn(x, y, z)
        if r is not None:
            values[i] = r
    np.copyto(self._a, np.array(values).reshape(self._size), casting="unsafe")
    return self


__all__ += ["chunk", "repeatTensor", "split"]


# --- convolutions (torch.conv2, xcorr2, conv3, xcorr3) ------------------------------------
def _correlate(x, k, nd, full, flip, batched):
    """Cross-correlation (convolution when ``flip``) over the last ``nd`` dimensions.

    batched: None (one input, one kernel), "slices" (input i with kernel i) or "planes"
    (every output plane sums all input planes, each with its own kernel)."""
    if flip:
        k = k[(Ellipsis,) + (slice(None, None, -1),) * nd]
    ksize = k.shape[-nd:]
    if full:
        pad = [(0, 0)] * (x.ndim - nd) + [(s - 1, s - 1) for s in ksize]
        x = np.pad(x, pad)
    axes = tuple(range(x.ndim - nd, x.ndim))
    windows = np.lib.stride_tricks.sliding_window_view(x, ksize, axis=axes)
    letters = "ijk"[:nd]
    out = "abc"[:nd]
    if batched is None:
        return np.einsum(f"{out}{letters},{letters}->{out}", windows, k)
    if batched == "slices":
        return np.einsum(f"p{out}{letters},p{letters}->p{out}", windows, k)
    return np.einsum(f"p{out}{letters},qp{letters}->q{out}", windows, k)


def _conv(name, nd, flip):
    def impl(*args):
        tensors = [a for a in args if isinstance(a, Tensor)]
        options = [a for a in args if isinstance(a, str)]
        if len(tensors) == 3:
            res, x, k = tensors
        elif len(tensors) == 2:
            x, k = tensors
            res = type(x)()
        else:
            raise TypeError(f"{name}: invalid arguments: expected [res,] input, kernel [, 'V' or 'F']")
        if not (type(res) is type(x) is type(k)):
            raise TypeError(f"{name}: invalid arguments: mixed tensor types "
                            f"{res.__typename__}, {x.__typename__}, {k.__typename__}")
        mode = options[0].upper() if options else "V"
        if mode not in ("V", "F"):
            raise ValueError(f"{name}: type of convolution can be 'V' or 'F', got {options[0]!r}")
        dx, dk = x.dim(), k.dim()
        if dx == nd and dk == nd:
            batched = None
        elif dx == nd + 1 and dk == nd + 1:
            batched = "slices"
            if x._size[0] != k._size[0]:
                raise ValueError(f"{name}: input {_desc(x)} and kernel {_desc(k)} must have the same "
                                 f"number of planes")
        elif dx == nd + 1 and dk == nd + 2:
            batched = "planes"
            if x._size[0] != k._size[1]:
                raise ValueError(f"{name}: kernel {_desc(k)} does not match the {x._size[0]} input planes")
        else:
            raise ValueError(f"{name}: unsupported input/kernel dimensions {dx}D/{dk}D")
        if mode == "V" and any(xs < ks for xs, ks in zip(x._size[-nd:], k._size[-nd:])):
            raise ValueError(f"{name}: kernel {_desc(k)} larger than input {_desc(x)} for a valid "
                             f"convolution")
        return _write(res, _correlate(x._a, k._a, nd, mode == "F", flip, batched))
    impl.__name__ = name
    impl.__doc__ = (f"torch.{name}([res,] x, k [, 'V'|'F']): {nd}-D "
                    f"{'convolution' if flip else 'cross-correlation'} (valid by default).")
    return impl


conv2 = _conv("conv2", 2, True)
xcorr2 = _conv("xcorr2", 2, False)
conv3 = _conv("conv3", 3, True)
xcorr3 = _conv("xcorr3", 3, False)


def totable(obj):
    """torch.totable(tensor or storage): nested tables (Python lists) of its elements."""
    return obj.totable()


def numel(t):
    """torch.numel(t): the number of elements."""
    return t.nElement()


def zero(t):
    """torch.zero(t): t:zero()."""
    return t.zero()


def fill(t, value):
    """torch.fill(t, value): t:fill(value)."""
    return t.fill(value)


__all__ += ["conv2", "conv3", "fill", "numel", "totable", "xcorr2", "xcorr3", "zero"]


# --- LAPACK via numpy.linalg --------------------------------------------------------------
def _lapack_args(name, args, n_results, n_inputs):
    """Torch7's [res1, res2, ...,] input... convention for the LAPACK wrappers."""
    tensors = [a for a in args if isinstance(a, Tensor)]
    options = [a for a in args if isinstance(a, str)]
    if len(tensors) == n_results + n_inputs:
        results, inputs = tensors[:n_results], tensors[n_results:]
    elif len(tensors) == n_inputs:
        results, inputs = [type(tensors[0])() for _ in range(n_results)], tensors
    else:
        raise TypeError(f"{name}: invalid arguments: expected {n_inputs} input tensor(s), "
                        f"optionally preceded by {n_results} result tensor(s)")
    cls = type(inputs[0])
    _float_only(cls, name)
    for t in inputs + results:
        if type(t) is not cls:
            raise TypeError(f"{name}: invalid arguments: mixed tensor types "
                            f"{', '.join(x.__typename__ for x in inputs + results)}")
    return results, inputs, options


def _matrix(name, t, square=False):
    if t.dim() != 2:
        raise ValueError(f"{name}: A should be 2 dimensional (got {_desc(t)})")
    if square and t._size[0] != t._size[1]:
        raise ValueError(f"{name}: A should be square (got {_desc(t)})")
    return np.array(t._a, dtype=np.float64)


def _lu(a):
    """LU factorisation with partial pivoting, packed as LAPACK's getrf leaves it."""
    lu = a.copy()
    n = lu.shape[0]
    for k in range(n - 1):  # one column per step, each step vectorised
        p = k + int(np.argmax(np.abs(lu[k:, k])))
        if p != k:
            lu[[k, p]] = lu[[p, k]]
        if lu[k, k] != 0:
            lu[k + 1:, k] /= lu[k, k]
            lu[k + 1:, k + 1:] -= np.outer(lu[k + 1:, k], lu[k, k + 1:])
    return lu


def gesv(*args):
    """torch.gesv([resb, resa,] B, A): X solving A X = B, and A's LU factorisation."""
    (rb, ra), (b, a), _ = _lapack_args("gesv", args, 2, 2)
    am = _matrix("gesv", a, square=True)
    bm = np.array(b._a, dtype=np.float64)
    if bm.ndim not in (1, 2) or bm.shape[0] != am.shape[0]:
        raise ValueError(f"gesv: size mismatch, B {_desc(b)} and A {_desc(a)}")
    try:
        x = np.linalg.solve(am, bm)
    except np.linalg.LinAlgError:
        raise ValueError("gesv: U is singular (the matrix A is singular)") from None
    _write(rb, x)
    _write(ra, _lu(am))
    return rb, ra


def gels(*args):
    """torch.gels([resb, resa,] B, A): least-squares (or minimum-norm) solution X of A X = B,
    with A's number of columns as X's number of rows."""
    (rb, ra), (b, a), _ = _lapack_args("gels", args, 2, 2)
    am = _matrix("gels", a)
    bm = np.array(b._a, dtype=np.float64)
    if bm.ndim not in (1, 2) or bm.shape[0] != am.shape[0]:
        raise ValueError(f"gels: size mismatch, B {_desc(b)} and A {_desc(a)}")
    x = np.linalg.lstsq(am, bm, rcond=None)[0]
    _write(rb, x)
    _write(ra, am)
    return rb, ra


def inverse(*args):
    """torch.inverse([res,] A)."""
    (res,), (a,), _ = _lapack_args("inverse", args, 1, 1)
    am = _matrix("inverse", a, square=True)
    try:
        inv = np.linalg.inv(am)
    except np.linalg.LinAlgError:
        raise ValueError("inverse: U is singular (the matrix is not invertible)") from None
    return _write(res, inv)


def svd(*args):
    """torch.svd([resu, ress, resv,] A [, 'S'|'A']): U, S, V with A = U diag(S) V^T."""
    (ru, rs, rv), (a,), opts = _lapack_args("svd", args, 3, 1)
    full = bool(opts) and opts[0] == "A"
    u, s, vt = np.linalg.svd(_matrix("svd", a), full_matrices=full)
    _write(ru, u)
    _write(rs, s)
    _write(rv, vt.T)
    return ru, rs, rv


def eig(*args):
    """torch.eig([rese, resv,] A [, 'N'|'V']): eigenvalues as n x 2 (real, imaginary)."""
    (re, rv), (a,), opts = _lapack_args("eig", args, 2, 1)
    w, v = np.linalg.eig(_matrix("eig", a, square=True))
    _write(re, np.stack([w.real, w.imag], axis=1))
    if opts and opts[0] == "V":
        _write(rv, v.real)
    return re, rv


def symeig(*args):
    """torch.symeig([rese, resv,] A [, 'N'|'V' [, 'U'|'L']]): ascending eigenvalues."""
    (re, rv), (a,), opts = _lapack_args("symeig", args, 2, 1)
    uplo = opts[1] if len(opts) > 1 else "U"
    w, v = np.linalg.eigh(_matrix("symeig", a, square=True), UPLO=uplo)
    _write(re, w)
    if opts and opts[0] == "V":
        _write(rv, v)
    return re, rv


def qr(*args):
    """torch.qr([q, r,] A): the reduced QR factorisation."""
    (rq, rr), (a,), _ = _lapack_args("qr", args, 2, 1)
    q, r = np.linalg.qr(_matrix("qr", a))
    _write(rq, q)
    _write(rr, r)
    return rq, rr


def potrf(*args):
    """torch.potrf([res,] A [, 'U'|'L']): the Cholesky factor (upper by default)."""
    (res,), (a,), opts = _lapack_args("potrf", args, 1, 1)
    try:
        low = np.linalg.cholesky(_matrix("potrf", a, square=True))
    except np.linalg.LinAlgError:
        raise ValueError("potrf: the matrix is not positive definite") from None
    return _write(res, low if opts and opts[0] == "L" else low.T)


def potrs(*args):
    """torch.potrs([res,] B, chol [, 'U'|'L']): solve A X = B given A's Cholesky factor."""
    (res,), (b, c), opts = _lapack_args("potrs", args, 1, 2)
    cm = _matrix("potrs", c, square=True)
    a = cm @ cm.T if opts and opts[0] == "L" else cm.T @ cm
    return _write(res, np.linalg.solve(a, np.array(b._a, dtype=np.float64)))


def potri(*args):
    """torch.potri([res,] chol [, 'U'|'L']): the inverse of A from its Cholesky factor."""
    (res,), (c,), opts = _lapack_args("potri", args, 1, 1)
    cm = _matrix("potri", c, square=True)
    a = cm @ cm.T if opts and opts[0] == "L" else cm.T @ cm
    return _write(res, np.linalg.inv(a))


def trtrs(*args):
    """torch.trtrs([resb, resa,] B, A [, uplo [, trans [, diag]]]): triangular solve."""
    (rb, ra), (b, a), opts = _lapack_args("trtrs", args, 2, 2)
    uplo, trans, diag = (list(opts) + ["U", "N", "N"][len(opts):])[:3]
    am = _matrix("trtrs", a, square=True)
    tri = np.triu(am) if uplo == "U" else np.tril(am)
    if diag == "U":
        np.fill_diagonal(tri, 1.0)
    if trans == "T":
        tri = tri.T
    _write(rb, np.linalg.solve(tri, np.array(b._a, dtype=np.float64)))
    _write(ra, am)
    return rb, ra


__all__ += ["eig", "gels", "gesv", "inverse", "potrf", "potri", "potrs", "qr", "svd", "symeig", "trtrs"]


# ---------------------------------------------------------------------------------------
# the mixin
# ---------------------------------------------------------------------------------------
def _converter(name):
    def convert(self):
        return self.type(f"torch.{name}Tensor")
    convert.__name__ = name.lower()
    convert.__doc__ = f"This tensor as a torch.{name}Tensor (itself when it already is one)."
    return convert


class TensorMath:
    """Mixin of Tensor: arithmetic, reductions, comparisons, linear algebra."""

    apply = _apply
    map = _map
    map2 = _map2

    def split(self, *args):
        if args and not _is_number(args[0]):
            return split(args[0], self, *args[1:])
        return _split(self, *args)

    def chunk(self, *args):
        if args and not _is_number(args[0]):
            return chunk(args[0], self, *args[1:])
        return _chunk(self, *args)

    def repeatTensor(self, *args):
        """t:repeatTensor(sizes...) (new tensor) or res:repeatTensor(src, sizes...)."""
        return repeatTensor(self, *args)

    def real(self):
        """This tensor as the default tensor type."""
        return self.type(Tensor._default.__typename__)

    def conv2(self, *args):
        return conv2(self, *args)

    def xcorr2(self, *args):
        return xcorr2(self, *args)

    def conv3(self, *args):
        return conv3(self, *args)

    def xcorr3(self, *args):
        return xcorr3(self, *args)

    double = _converter("Double")
    float = _converter("Float")
    long = _converter("Long")
    int = _converter("Int")
    short = _converter("Short")
    char = _converter("Char")
    byte = _converter("Byte")


for _name, _m in _METHODS.items():
    setattr(TensorMath, _name, _m)

del _name
