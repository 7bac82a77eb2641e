"""Torch7's random number generator (TH's THRandom.c and THTensorRandom.c), bit for bit.

TH draws from a Mersenne Twister (MT19937) seeded with Matsumoto and Nishimura's
``init_genrand``; every distribution is built from ``genrand_int32`` outputs:

- uniform on [0, 1) is ``genrand_int32 * 2^-32`` (one draw, not numpy's 53-bit double);
- normal is Box-Muller on two uniforms ``x, y``: ``rho = sqrt(-2 log(1 - y))``, the first call
  returns ``rho cos(2 pi x)`` and caches the pair, the next returns ``rho sin(2 pi x)``;
- tensor fills visit the elements in row-major order (TH_TENSOR_APPLY) calling the scalar
  generator once per element, so a fill is the scalar stream laid out in that order.

numpy's ``MT19937`` bit generator is the same twister; its state (key words and position) maps
one to one onto TH's (state words, ``left``/``next``), so raw outputs come from
``random_raw(n)`` in one call and every distribution is derived from them with array
arithmetic. The transcendental functions go through :func:`_libm`, which reproduces the C
library's results (numpy's SIMD ``log``/``exp``/``tan`` differ from it in the last bit for a
fraction of inputs, and Torch7 called the C library).
"""

import math
import os

import numpy as np

from .classes import TorchObject

__all__ = [
    "Generator",
    "bernoulli",
    "cauchy",
    "exponential",
    "geometric",
    "getRNGState",
    "initialSeed",
    "logNormal",
    "manualSeed",
    "multinomial",
    "normal",
    "rand",
    "randn",
    "random",
    "randperm",
    "seed",
    "setRNGState",
    "uniform",
]

_N = 624  # MT19937 state words (TH's _MERSENNE_STATE_N)
_TWO_PI = 2.0 * math.pi  # TH's 2.*M_PI, folded by the C compiler the same way
_INV_2_32 = 1.0 / 4294967296.0
_U64 = 2 ** 64

# TH's THGenerator struct (64-bit Linux) as getRNGState/setRNGState exchange it.
_STATE_DTYPE = np.dtype([
    ("the_initial_seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"),
    ("state", "<u8", (_N,)), ("normal_x", "<f8"), ("normal_y", "<f8"), ("normal_rho", "<f8"),
    ("normal_is_valid", "<i4"), ("_pad", "<i4"),
])
_STATE_BYTES = _STATE_DTYPE.itemsize  # 5048, sizeof(THGenerator)


def _tensor_module():
    # tensor.py imports this module for the TensorRandom mixin, so import it lazily.
    from . import tensor

    return tensor


def _arg_error(op, argn, msg):
    return ValueError(f"bad argument #{argn} to '{op}' ({msg})")


# --- the C library's log/exp/tan/sin/cos, vectorised --------------------------------------
# numpy's float64 sin/cos call the C library on most builds (checked on first use), but its
# log/exp/tan are SIMD kernels that differ from glibc in the last bit for ~0.3% of inputs, and
# Torch7's numbers came from glibc. So each value is first estimated to far better than double
# precision; where the estimate lies within _MIDPOINT_BAND ulp of a rounding midpoint (where
# glibc, accurate to 0.52 ulp, may round either way) the element is recomputed by the C library
# through ``math``; elsewhere glibc's result is the estimate rounded to nearest.
_MIDPOINT_BAND = {"log": 0.022, "exp": 0.04, "tan": 0.1, "sin": 0.1, "cos": 0.1}
# x87 80-bit long double (64-bit significand, as on x86-64 Linux) holds 1 + 2^-63 exactly
_LONGDOUBLE_IS_EXTENDED = bool(np.longdouble(1) + np.longdouble(2.0 ** -63) != 1)
_TINY = np.finfo(np.float64).tiny
_CHUNK = 8192  # elements per pass of the log kernel: its temporaries stay in cache


def _c_call(fn):
    """``fn`` with C's results where Python's math raises (log(0) = -inf, overflow = inf)."""

    def call(v):
        try:
            return fn(v)
        except OverflowError:
            return math.inf
        except ValueError:
            if fn is math.log:
                return -math.inf if v == 0 else math.nan
            return math.nan

    return call


_MATH_FN = {"log": math.log, "exp": math.exp, "tan": math.tan, "sin": math.sin, "cos": math.cos}
_NP_FN = {"log": np.log, "exp": np.exp, "tan": np.tan, "sin": np.sin, "cos": np.cos}


def _numpy_agrees_with_libm(name):
    if name in ("log", "exp", "tan"):
        return False
    # a Weyl sequence over [0, 2 pi): irregular bits, deterministic, no generator needed
    probe = (np.arange(1, 16385) * 0.6180339887498949) % 1.0 * _TWO_PI
    fn = _MATH_FN[name]
    return bool(np.array_equal(_NP_FN[name](probe), np.array([fn(v) for v in probe.tolist()])))


_NUMPY_EXACT = {}  # name -> does numpy's float64 function give the C library's bits (lazy)


def _double_double(value, hi_bits=53):
    """(hi, lo) doubles whose sum is the Decimal ``value`` to ~106 bits; hi keeps hi_bits."""
    hi = _round_bits(float(value), hi_bits) if hi_bits < 53 else float(value)
    return hi, float(value - type(value)(hi))


class _LogTables:
    """ln 2 and ln(j/128) for j = 90..182 as double-doubles, computed once with Decimal."""

    def __init__(self):
        from decimal import Decimal, localcontext

        with localcontext() as ctx:
            ctx.prec = 50
            # ln2_hi has 42 bits so that k * ln2_hi is exact for every binary exponent k
            self.ln2_hi, self.ln2_lo = _double_double(Decimal(2).ln(), 42)
            pairs = [_double_double((Decimal(j) / 128).ln()) if j >= 90 else (0.0, 0.0)
                     for j in range(183)]
            # 128/j rounded to 9 significant bits, and -ln of it, for the short-significand kernel
            inv = [_round_bits(128 / j, 9) if j >= 90 else 1.0 for j in range(183)]
            neg_log_inv = [_double_double(-Decimal(c).ln()) for c in inv]
        self.hi = np.array([h for h, _ in pairs])
        self.lo = np.array([lo for _, lo in pairs])
        self.inv = np.array(inv)
        self.neg_log_inv_hi = np.array([h for h, _ in neg_log_inv])
        self.neg_log_inv_lo = np.array([lo for _, lo in neg_log_inv])


def _round_bits(v, bits):
    mant, exp = math.frexp(v)
    return math.ldexp(round(mant * 2 ** bits), exp - bits)


_log_tables = None


def _log_estimate(x):
    """(r, frac): log(x) rounded to double and the rounding error in ulps of r, for positive
    normal x. Table-driven: x = 2^k m, m ~ F = j/128, log x = k ln2 + ln F + log1p((m - F)/F),
    carried in double-double arithmetic; the error of the estimate is below 0.001 ulp."""
    global _log_tables
    if _log_tables is None:
        _log_tables = _LogTables()
    tab = _log_tables
    # x = 2^k m with m in [sqrt(1/2), sqrt(2)), read off the bits (x positive and normal)
    bits = x.view(np.int64)
    k_int = (bits - _SQRT_HALF_BITS) >> 52
    m = (bits - (k_int << 52)).view(np.float64)
    k = k_int.astype(np.float64)
    j = np.rint(m * 128.0)
    big_f = j * 0.0078125
    f = m - big_f  # exact
    r = f / big_f
    # r_lo = (f - r F) / F with r F formed exactly: F has 8 bits, r splits into 45 + 8 bits
    c = r * 257.0
    r_hi45 = c - (c - r)
    r_lo = ((f - r_hi45 * big_f) - (r - r_hi45) * big_f) / big_f
    sq = r * r
    half_sq = sq * 0.5
    t_hi = r - half_sq  # log1p(r) = r - r^2/2 + r^3 P(r); |r| <= 0.0056
    t_lo = (r - t_hi) - half_sq
    poly = 1 / 3 + r * (-1 / 4 + r * (1 / 5 + r * (-1 / 6 + r * (1 / 7 + r * (-1 / 8)))))
    idx = j.astype(np.intp)
    a = k * tab.ln2_hi
    log_f = tab.hi[idx]
    s1 = a + log_f  # |a| >= |log_f| unless a = 0: fast two-sums are exact here
    e1 = (a - s1) + log_f
    s2 = s1 + t_hi
    e2 = (s1 - s2) + t_hi
    low = t_lo + sq * r * poly + (r_lo - r_lo * r) + e1 + e2 + k * tab.ln2_lo + tab.lo[idx]
    out = s2 + low
    err = (s2 - out) + low
    # ulp of out from its exponent bits (0/0 = nan for out = 0 sends log(1) to the C library)
    ulp = (out.view(np.int64) & _EXPONENT_BITS).view(np.float64) * 2.0 ** -52
    return out, err / ulp


def _log_estimate_short(x):
    """_log_estimate for x whose significands have at most 41 bits (the low 12 of 52 fraction
    bits zero), as 1 - u for TH's uniforms u = k 2^-32: with c ~ 1/m of 9 bits, r = m c - 1 is
    exact, so log x = k ln2 - ln c + log1p(r) needs no double-double division."""
    tab = _log_tables
    bits = x.view(np.int64)
    k_int = (bits - _SQRT_HALF_BITS) >> 52
    m = (bits - (k_int << 52)).view(np.float64)
    k = k_int.astype(np.float64)
    idx = np.rint(m * 128.0).astype(np.intp)
    r = m * tab.inv[idx]  # exact (<= 50 bits), within 0.7% of 1
    r -= 1.0  # exact (Sterbenz)
    sq = r * r
    half_sq = sq * 0.5
    t_hi = r - half_sq
    t_lo = (r - t_hi) - half_sq
    poly = 1 / 3 + r * (-1 / 4 + r * (1 / 5 + r * (-1 / 6 + r * (1 / 7 + r * (-1 / 8)))))
    a = k * tab.ln2_hi
    log_c = tab.neg_log_inv_hi[idx]
    s1 = a + log_c  # |a| >= |log_c| unless a = 0, |s1| >= |t_hi| unless s1 = 0
    e1 = (a - s1) + log_c
    s2 = s1 + t_hi
    e2 = (s1 - s2) + t_hi
    low = t_lo + sq * r * poly + e1 + e2 + k * tab.ln2_lo + tab.neg_log_inv_lo[idx]
    out = s2 + low
    err = (s2 - out) + low
    ulp = (out.view(np.int64) & _EXPONENT_BITS).view(np.float64) * 2.0 ** -52
    return out, err / ulp


_SQRT_HALF_BITS = np.float64(math.sqrt(0.5)).view(np.int64)
_LOW_FRACTION_BITS = np.int64(0xFFF)
_EXPONENT_BITS = np.int64(0x7FF0000000000000)


def _libm(name, x):
    """Element-wise C-library ``name`` (log, exp, tan, sin, cos) of float64 array ``x``."""
    x = np.asarray(x, dtype=np.float64)
    exact = _NUMPY_EXACT.get(name)
    if exact is None:
        exact = _NUMPY_EXACT[name] = _numpy_agrees_with_libm(name)
    if exact or x.size == 0:
        return _NP_FN[name](x)
    call = _c_call(_MATH_FN[name])
    flat_x = x.reshape(-1)
    out = np.empty(flat_x.size, np.float64)
    suspect = np.empty(flat_x.size, bool)
    limit = 0.5 - _MIDPOINT_BAND[name]
    with np.errstate(all="ignore"):
        if name == "log":
            # outside the kernel's domain (<= 0, subnormal, inf, nan) the C library answers
            all_in_domain = bool(flat_x.min() >= _TINY and flat_x.max() < math.inf)
            _log_estimate(np.ones(1))  # builds the tables on first use
            for s in range(0, flat_x.size, _CHUNK):
                part = flat_x[s:s + _CHUNK]
                if all_in_domain:
                    if not (part.view(np.int64) & _LOW_FRACTION_BITS).any():
                        est, frac = _log_estimate_short(part)
                    else:
                        est, frac = _log_estimate(part)
                    suspect[s:s + _CHUNK] = ~(np.abs(frac) < limit)
                else:
                    domain = (part >= _TINY) & (part < math.inf)
                    est, frac = _log_estimate(np.where(domain, part, 1.0))
                    suspect[s:s + _CHUNK] = ~((np.abs(frac) < limit) & domain)
                out[s:s + _CHUNK] = est
        elif _LONGDOUBLE_IS_EXTENDED:
            wide = _NP_FN[name](flat_x.astype(np.longdouble))
            out[:] = wide
            mag = np.abs(out)
            frac = (wide - out.astype(np.longdouble)) / np.spacing(mag).astype(np.longdouble)
            mantissa, _ = np.frexp(mag)
            # near midpoints, at binade edges (the ulp below a power of two is half), for
            # subnormal or non-finite results: the C library decides
            suspect[:] = ~(np.abs(frac) < limit) | (mantissa == 0.5)
            suspect |= ~((mag >= 2.2250738585072014e-308) & (mag < math.inf))
        else:
            return np.fromiter(map(call, flat_x.tolist()), np.float64, x.size).reshape(x.shape)
    redo = np.flatnonzero(suspect)
    if redo.size:
        values = flat_x[redo]
        plain = np.isfinite(values) & ((values > 0) if name == "log" else (np.abs(values) < 700))
        if plain.all():  # math raises on none of them: map the C function directly
            out[redo] = np.fromiter(map(_MATH_FN[name], values.tolist()), np.float64, redo.size)
        else:
            out[redo] = [call(v) for v in values.tolist()]
    return out.reshape(x.shape)


# --- the generator ----------------------------------------------------------------------
def _init_genrand(seed32):
    """MT19937's init_genrand: the 624 state words for a 32-bit seed (TH's manualSeed)."""
    key = [0] * _N
    key[0] = seed32
    prev = seed32
    for j in range(1, _N):
        prev = (1812433253 * (prev ^ (prev >> 30)) + j) & 0xFFFFFFFF
        key[j] = prev
    return np.array(key, dtype=np.uint32)


class Generator(TorchObject):
    """torch.Generator(): an independent MT19937 stream, seeded from /dev/urandom as in TH.

    Pass it as the first argument of the random functions (``torch.uniform(gen, 0, 1)``,
    ``torch.manualSeed(gen, 5)``) or after the tensor of a fill (``t.normal(gen, 0, 1)``).
    """

    __typename__ = "torch.Generator"

    def __init__(self):
        self._bitgen = np.random.MT19937(0)
        self._seed_from_os()

    # -- seeding and state ---------------------------------------------------------------
    def _seed_from_os(self):
        s = int.from_bytes(os.urandom(8), "little")
        self._manual_seed(s)
        return s

    def _manual_seed(self, s):
        s = int(s) % _U64
        self._initial_seed = s
        self._set_mt(_init_genrand(s & 0xFFFFFFFF), _N)
        # TH's manualSeed starts from a blank generator: next = 0, left = 1 (twist on first draw)
        self._pending_next = 0
        self._normal_valid = False
        self._normal_x = self._normal_y = self._normal_rho = 0.0

    def _set_mt(self, key, pos):
        self._bitgen.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": int(pos)}}

    def _state_bytes(self):
        """The bytes of TH's THGenerator struct for this generator's state."""
        mt = self._bitgen.state["state"]
        pos = int(mt["pos"])
        rec = np.zeros((), _STATE_DTYPE)
        rec["the_initial_seed"] = self._initial_seed
        rec["seeded"] = 1
        if pos >= _N:  # the next draw twists the state first
            rec["left"], rec["next"] = 1, (self._pending_next if self._pending_next is not None else _N)
        else:
            rec["left"], rec["next"] = _N + 1 - pos, pos
        rec["state"] = mt["key"].astype(np.uint64)
        rec["normal_x"], rec["normal_y"], rec["normal_rho"] = (
            self._normal_x, self._normal_y, self._normal_rho)
        rec["normal_is_valid"] = 1 if self._normal_valid else 0
        return rec.tobytes()

    def _load_state_bytes(self, data):
        if len(data) != _STATE_BYTES:
            raise _arg_error("setRNGState", 1, "RNG state is wrong size")
        rec = np.frombuffer(data, _STATE_DTYPE)[0]
        left, nxt = int(rec["left"]), int(rec["next"])
        if not (int(rec["seeded"]) == 1 and 0 < left <= _N and nxt <= _N):
            raise _arg_error("setRNGState", 1, "Invalid RNG state")
        words = rec["state"]
        if np.any(words > 0xFFFFFFFF):
            raise _arg_error("setRNGState", 1, "Invalid RNG state (state words exceed 32 bits)")
        if left == 1:
            pos, pending = _N, nxt
        elif left + nxt == _N + 1:
            pos, pending = nxt, None
        else:
            raise _arg_error("setRNGState", 1, f"Invalid RNG state (left={left} and next={nxt} "
                                               "are not a position TH reaches)")
        self._initial_seed = int(rec["the_initial_seed"])
        self._set_mt(words.astype(np.uint32), pos)
        self._pending_next = pending
        self._normal_valid = int(rec["normal_is_valid"]) != 0
        self._normal_x = float(rec["normal_x"])
        self._normal_y = float(rec["normal_y"])
        self._normal_rho = float(rec["normal_rho"])

    # -- serialization: Torch7 writes the raw THGenerator struct (writeByteRaw) ------------
    def write(self, file):
        """Write the generator's state as Torch7 does: the struct's bytes, no size prefix."""
        from .storage import ByteStorage

        file.writeByte(ByteStorage(np.frombuffer(self._state_bytes(), np.uint8).copy()))

    def read(self, file, version=None):
        """Read a state written by ``write`` (or by Torch7) into this generator."""
        if not hasattr(self, "_bitgen"):  # deserialisers make the object without __init__
            self._bitgen = np.random.MT19937(0)
            self._manual_seed(0)
        data = file.readByte(_STATE_BYTES)
        raw = data.data if hasattr(data, "data") else np.asarray(data, np.uint8)
        self._load_state_bytes(np.ascontiguousarray(raw, np.uint8).tobytes())

    # -- raw draws and scalar distributions (THRandom.c) ---------------------------------
    def _raw(self, n):
        """``n`` outputs of genrand_int32, as uint64, in stream order."""
        self._pending_next = None
        return self._bitgen.random_raw(n)

    def _random(self):
        self._pending_next = None
        return int(self._bitgen.random_raw())

    def _uniforms(self, n):
        # the raw words fit in int64, whose conversion to double is vectorised (uint64's is not)
        u = self._raw(n).view(np.int64).astype(np.float64)
        u *= _INV_2_32  # in place: no second 8 MB temporary per 10^6 draws
        return u

    def _uniform(self):
        return self._random() * _INV_2_32

    def _normal(self, mean, stdv):
        if not stdv > 0:
            raise _arg_error("normal", 2, "standard deviation must be strictly positive")
        if not self._normal_valid:
            self._normal_x = self._uniform()
            self._normal_y = self._uniform()
            self._normal_rho = math.sqrt(-2.0 * math.log(1.0 - self._normal_y))
            self._normal_valid = True
            return self._normal_rho * math.cos(_TWO_PI * self._normal_x) * stdv + mean
        self._normal_valid = False
        return self._normal_rho * math.sin(_TWO_PI * self._normal_x) * stdv + mean

    def _normals(self, n, mean, stdv):
        """``n`` successive results of THRandom_normal, using and leaving the Box-Muller cache."""
        if not stdv > 0:
            raise _arg_error("normal", 2, "standard deviation must be strictly positive")
        out = np.empty(n, np.float64)
        if n == 0:
            return out
        start = 0
        if self._normal_valid:  # the cached pair's sine comes first
            out[0] = self._normal_rho * math.sin(_TWO_PI * self._normal_x) * stdv + mean
            self._normal_valid = False
            start = 1
        rest = n - start
        pairs = (rest + 1) // 2
        if pairs:
            u = self._uniforms(2 * pairs)
            x, y = u[0::2], u[1::2]
            # rho * cos(2 pi x) * stdv + mean, evaluated in C's order (in place where possible)
            rho = _libm("log", 1.0 - y)
            rho *= -2.0
            np.sqrt(rho, out=rho)
            theta = x * _TWO_PI
            value = _libm("cos", theta)
            value *= rho
            value *= stdv
            value += mean
            out[start::2] = value
            n_sin = rest // 2
            if n_sin:
                value = _libm("sin", theta[:n_sin])
                value *= rho[:n_sin]
                value *= stdv
                value += mean
                out[start + 1::2] = value
            if rest % 2:  # the last pair's sine stays cached for the next call
                self._normal_valid = True
                self._normal_x, self._normal_y = float(x[-1]), float(y[-1])
                self._normal_rho = float(rho[-1])
        return out

    def _exponentials(self, n, lambd):
        return (-1.0 / lambd) * _libm("log", 1.0 - self._uniforms(n))

    def _cauchys(self, n, median, sigma):
        return median + sigma * _libm("tan", math.pi * (self._uniforms(n) - 0.5))

    def _log_normals(self, n, mean, stdv):
        # Torch7's final THRandom_logNormal is exp(normal(mean, stdv)): mean and stdv are those
        # of the underlying normal (earlier versions matched the log-normal's own moments).
        if not stdv > 0:
            raise _arg_error("logNormal", 2, "standard deviation must be strictly positive")
        return _libm("exp", self._normals(n, mean, stdv))

    def _geometrics(self, n, p):
        """int results (as int64) of THRandom_geometric: (int)(log(1-u) / log(p)) + 1."""
        _check_geometric(p)
        q = _libm("log", 1.0 - self._uniforms(n)) / math.log(p)
        return _c_int(q) + 1

    def _bernoullis(self, n, p):
        return (self._uniforms(n) <= p).astype(np.int64)


def _c_int(q):
    """C's (int) of doubles on x86-64: truncation; out of range gives INT_MIN (as int64)."""
    q = np.trunc(q)
    return np.where(np.abs(q) < 2.0 ** 31, q, -2.0 ** 31).astype(np.int64)


def _check_geometric(p):
    if not (p > 0 and p < 1):
        raise _arg_error("geometric", 1, "must be > 0 and < 1")


def _check_bernoulli(p):
    if not (p >= 0 and p <= 1):
        raise _arg_error("bernoulli", 1, "must be >= 0 and <= 1")


_default_generator = None  # made on first use (importing numpy.random costs ~30 ms)


def _default():
    global _default_generator
    if _default_generator is None:
        _default_generator = Generator()
    return _default_generator


def _split_gen(args):
    """(generator, remaining args): Torch7 takes an optional Generator as first argument."""
    if args and isinstance(args[0], Generator):
        return args[0], args[1:]
    return _default(), args


def _number(op, value, argn):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"bad argument #{argn} to '{op}' (number expected, got {type(value).__name__})")
    return value


def _args(op, args, defaults, required=0):
    """Numbers for ``op`` from ``args`` with Torch7's defaults; ``required`` of them mandatory."""
    if len(args) > len(defaults):
        raise TypeError(f"{op}: too many arguments (expected at most {len(defaults)} numbers)")
    if len(args) < required:
        raise TypeError(f"{op}: expected {required} number argument(s), got {len(args)}")
    vals = []
    for i, d in enumerate(defaults):
        vals.append(_number(op, args[i], i + 1) if i < len(args) else d)
    return vals


# --- torch.* seeding and state ----------------------------------------------------------
def manualSeed(*args):
    """torch.manualSeed([gen,] seed): reseed (also clears the cached normal)."""
    gen, rest = _split_gen(args)
    if len(rest) != 1:
        raise TypeError("manualSeed: expected ([gen,] seed)")
    gen._manual_seed(int(_number("manualSeed", rest[0], 1)))


def seed(*args):
    """torch.seed([gen]): reseed from /dev/urandom; returns the new seed (as a C long)."""
    gen, _ = _split_gen(args)
    return _to_signed64(gen._seed_from_os())


def initialSeed(*args):
    """torch.initialSeed([gen]): the seed last given to manualSeed or chosen by seed (the
    wrapper returns it as a C long, so a seed of 2^63 or more reads negative)."""
    gen, _ = _split_gen(args)
    return _to_signed64(gen._initial_seed)


def getRNGState(*args):
    """torch.getRNGState([gen,] [state]): a ByteTensor copy of TH's generator struct (5048
    bytes), written into ``state`` (resized) when one is given."""
    gen, rest = _split_gen(args)
    tensor = _tensor_module()
    if len(rest) > 1 or (rest and not isinstance(rest[0], tensor.ByteTensor)):
        raise TypeError("getRNGState: expected ([gen,] [ByteTensor])")
    state = rest[0] if rest else tensor.ByteTensor()
    state.resize(_STATE_BYTES)
    if not state.isContiguous():
        raise _arg_error("getRNGState", 1, "RNG state needs to be contiguous")
    state._a[:] = np.frombuffer(gen._state_bytes(), np.uint8)
    return state


def setRNGState(*args):
    """torch.setRNGState([gen,] state): restore a state returned by getRNGState."""
    gen, rest = _split_gen(args)
    tensor = _tensor_module()
    if len(rest) != 1 or not isinstance(rest[0], tensor.ByteTensor):
        raise TypeError("setRNGState: expected ([gen,] ByteTensor state)")
    state = rest[0]
    if state.nElement() != _STATE_BYTES:
        raise _arg_error("setRNGState", 1, "RNG state is wrong size")
    if not state.isContiguous():
        raise _arg_error("setRNGState", 1, "RNG state needs to be contiguous")
    gen._load_state_bytes(np.ascontiguousarray(state._a).tobytes())
    return state


# --- torch.* scalar draws (a tensor first argument fills it instead) ---------------------
def _is_tensor(x):
    return isinstance(x, _tensor_module().Tensor)


def _to_signed64(v):
    v %= _U64
    return v - _U64 if v >= 2 ** 63 else v


def random(*args):
    """torch.random([gen,] [a [, b]]): genrand_int32, or an integer in [1, a] or [a, b]."""
    if args and _is_tensor(args[0]):
        return args[0].random(*args[1:])
    gen, rest = _split_gen(args)
    if len(rest) > 2:
        raise TypeError("random: expected ([gen,] [a [, b]])")
    bounds = [int(_number("random", v, i + 1)) for i, v in enumerate(rest)]
    if not bounds:
        return gen._random()
    if len(bounds) == 1:
        (b,) = bounds
        if not b > 0:
            raise _arg_error("random", 1, "upper bound must be strictly positive")
        return gen._random() % b + 1
    a, b = bounds
    if not b >= a:
        raise _arg_error("random", 2, "upper bound must be larger than lower bound")
    span = _span(a, b)
    return _to_signed64(gen._random() % span + a)


def _span(a, b):
    span = (b + 1 - a) % _U64  # C computes it in long, then as unsigned for the %
    if span == 0:
        raise _arg_error("random", 2, f"range [{a}, {b}] is too large")
    return span


def uniform(*args):
    """torch.uniform([gen,] [a=0, b=1]): a double uniform on [a, b)."""
    if args and _is_tensor(args[0]):
        return args[0].uniform(*args[1:])
    gen, rest = _split_gen(args)
    a, b = _args("uniform", rest, (0.0, 1.0))
    return gen._uniform() * (b - a) + a


def normal(*args):
    """torch.normal([gen,] [mean=0, stdv=1]): Box-Muller, the second of each pair cached."""
    if args and _is_tensor(args[0]):
        return args[0].normal(*args[1:])
    gen, rest = _split_gen(args)
    mean, stdv = _args("normal", rest, (0.0, 1.0))
    return gen._normal(mean, stdv)


def exponential(*args):
    """torch.exponential([gen,] lambda): -1/lambda * log(1 - u)."""
    if args and _is_tensor(args[0]):
        return args[0].exponential(*args[1:])
    gen, rest = _split_gen(args)
    (lambd,) = _args("exponential", rest, (None,), required=1)
    return (-1.0 / lambd) * _c_call(math.log)(1 - gen._uniform())


def cauchy(*args):
    """torch.cauchy([gen,] [median=0, sigma=1]): median + sigma * tan(pi * (u - 0.5))."""
    if args and _is_tensor(args[0]):
        return args[0].cauchy(*args[1:])
    gen, rest = _split_gen(args)
    median, sigma = _args("cauchy", rest, (0.0, 1.0))
    return median + sigma * math.tan(math.pi * (gen._uniform() - 0.5))


def logNormal(*args):
    """torch.logNormal([gen,] [mean=1, stdv=2]): exp of normal(mean, stdv)."""
    if args and _is_tensor(args[0]):
        return args[0].logNormal(*args[1:])
    gen, rest = _split_gen(args)
    mean, stdv = _args("logNormal", rest, (1.0, 2.0))
    if not stdv > 0:
        raise _arg_error("logNormal", 2, "standard deviation must be strictly positive")
    return _c_call(math.exp)(gen._normal(mean, stdv))


def geometric(*args):
    """torch.geometric([gen,] p): (int)(log(1 - u) / log(p)) + 1."""
    if args and _is_tensor(args[0]):
        return args[0].geometric(*args[1:])
    gen, rest = _split_gen(args)
    (p,) = _args("geometric", rest, (None,), required=1)
    _check_geometric(p)
    return int(_c_int(_c_call(math.log)(1 - gen._uniform()) / math.log(p))) + 1


def bernoulli(*args):
    """torch.bernoulli([gen,] [p=0.5]): 1 if u <= p else 0."""
    if args and _is_tensor(args[0]):
        return args[0].bernoulli(*args[1:])
    gen, rest = _split_gen(args)
    (p,) = _args("bernoulli", rest, (0.5,))
    _check_bernoulli(p)
    return 1 if gen._uniform() <= p else 0


# --- torch.rand / randn / randperm / multinomial ---------------------------------------
def _result_and_args(op, args, float_only):
    """Split Torch7's ``([res,] [gen,] ... [, 'torch.XTensor'])`` into (res, gen, rest)."""
    tensor = _tensor_module()
    args = list(args)
    cls = None
    if args and isinstance(args[-1], str):
        from .classes import find

        cls = find(args[-1])
        if cls is None or not issubclass(cls, tensor.Tensor) or cls is tensor.Tensor:
            raise TypeError(f"{op}: {args[-1]!r} is not a tensor type")
        args.pop()
    res = None
    if args and isinstance(args[0], tensor.Tensor):
        res = args.pop(0)
    gen, rest = _split_gen(tuple(args))
    if res is None:
        res = (cls or tensor.Tensor._default)()
    if float_only and res.dtype.kind != "f":
        raise TypeError(f"{res.__typename__} does not implement the torch.{op}() function")
    return res, gen, rest


def _sizes(op, rest):
    tensor = _tensor_module()
    try:
        return tensor._parse_sizes(tuple(rest))
    except (TypeError, ValueError) as err:
        raise TypeError(f"{op}: expected sizes as numbers or a LongStorage ({err})") from None


def rand(*args):
    """torch.rand([res,] [gen,] sizes...): uniform on [0, 1)."""
    res, gen, rest = _result_and_args("rand", args, float_only=True)
    res.resize(*_sizes("rand", rest))
    return res.uniform(gen, 0, 1)


def randn(*args):
    """torch.randn([res,] [gen,] sizes...): standard normal."""
    res, gen, rest = _result_and_args("randn", args, float_only=True)
    res.resize(*_sizes("randn", rest))
    return res.normal(gen, 0, 1)


def randperm(*args):
    """torch.randperm([res,] [gen,] n): a random permutation of 1..n (TH's forward shuffle)."""
    res, gen, rest = _result_and_args("randperm", args, float_only=False)
    if len(rest) != 1:
        raise TypeError("randperm: expected ([res,] [gen,] n)")
    n = int(_number("randperm", rest[0], 1))
    if n <= 0:
        raise _arg_error("randperm", 1, "must be strictly positive")
    # TH: slots hold 0..n-1; for i = 0 .. n-2 swap slots i and i + random() % (n - i); add 1.
    targets = np.arange(n - 1, dtype=np.int64) + (
        gen._raw(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).astype(np.int64)
    res.resize(n)
    res._a[:] = _forward_shuffle(targets) + 1
    return res


def _forward_shuffle(targets):
    """The slots after swapping slot i with slot targets[i] (>= i) for i = 0, 1, ... in turn,
    starting from slots 0..n-1 (n = len(targets) + 1), computed without a per-swap loop.

    Slot i is final once step i has run; it receives what slot targets[i] held then: the value
    brought there by the latest earlier step q < i with the same target, else the slot's own
    number. The value a step k carries is what slot k held at time k: by the same argument, the
    value carried by the latest step k' < k that targeted k, else k. Those "latest earlier step"
    links form chains that pointer jumping resolves in O(log n) array passes.
    """
    n = targets.size + 1
    target = np.empty(n, np.int64)
    target[:-1] = targets
    target[-1] = n - 1  # the last slot: as if a final step swapped it with itself
    # steps grouped by target, in step order within a group (keys are unique)
    shift = max(1, (n - 1).bit_length())
    keys = np.sort((target << shift) | np.arange(n, dtype=np.int64))
    by_target, step = keys >> shift, keys & ((1 << shift) - 1)
    same = by_target[1:] == by_target[:-1]
    earlier = np.full(n, -1, np.int64)  # latest earlier step with the same target
    earlier[step[1:][same]] = step[:-1][same]
    last = np.empty(n, bool)
    last[-1] = True
    np.logical_not(same, out=last[:-1])
    last_step, slot = step[last], by_target[last]
    # the latest step before `slot` that targeted it (a step targeting itself comes last)
    into_slot = np.where(last_step == slot, earlier[last_step], last_step)
    origin = np.arange(n, dtype=np.int64)
    has = into_slot >= 0
    origin[slot[has]] = into_slot[has]
    while True:  # follow the links to the step whose own slot number is carried along
        nxt = origin[origin]
        if np.array_equal(nxt, origin):
            break
        origin = nxt
    return np.where(earlier >= 0, origin[earlier], target)


def multinomial(*args):
    """torch.multinomial([res,] [gen,] probs, n [, replacement=false]): 1-based LongTensor
    of category indices drawn from each row of ``probs`` (1-D or 2-D, need not sum to 1)."""
    tensor = _tensor_module()
    args = list(args)
    res = None
    if len(args) >= 2 and isinstance(args[0], tensor.LongTensor) and (
            isinstance(args[1], (tensor.Tensor, Generator))):
        res = args.pop(0)
    gen, rest = _split_gen(tuple(args))
    if len(rest) not in (2, 3) or not isinstance(rest[0], tensor.Tensor):
        raise TypeError("multinomial: expected ([res,] [gen,] probs, n [, replacement])")
    probs = rest[0]
    n_sample = int(_number("multinomial", rest[1], 2))
    replacement = bool(rest[2]) if len(rest) == 3 else False
    if probs.dtype.kind != "f":
        raise TypeError(f"{probs.__typename__} does not implement the torch.multinomial() function")
    if probs.dim() not in (1, 2):
        raise ValueError(f"multinomial: prob_dist must be 1-D or 2-D, got {probs.dim()}-D")
    rows = np.atleast_2d(probs._a).astype(np.float64)
    n_dist, n_categories = rows.shape
    if not n_sample > 0:
        raise _arg_error("multinomial", 2, "cannot sample n_sample < 0 samples")
    if not replacement and n_sample > n_categories:
        raise _arg_error("multinomial", 2,
                         "cannot sample n_sample > prob_dist:size(1) samples without replacement")
    if np.any(rows < 0):
        raise _arg_error("multinomial", 2,
                         "invalid multinomial distribution (encountering probability entry < 0)")
    cum = np.cumsum(rows, axis=1)  # sequential sums, as TH's loop
    sums = cum[:, -1].copy()
    if not np.all(sums > 0):
        raise _arg_error("multinomial", 2,
                         "invalid multinomial distribution (sum of probabilities <= 0)")
    cum /= sums[:, None]
    cum[:, -1] = 1.0
    out = np.empty((n_dist, n_sample), np.int64)
    for i in range(n_dist):
        row = cum[i]
        if replacement:
            # binary search for the first slot whose cumulative mass is >= u
            out[i] = np.searchsorted(row, gen._uniforms(n_sample), side="left")
            continue
        for j in range(n_sample):
            row[-1] = 1.0
            k = int(np.searchsorted(row, gen._uniform(), side="left"))
            out[i, j] = k
            below = row[k - 1] if k > 0 else 0.0
            diff = row[k] - below  # the drawn category's mass, removed and renormalised
            row[k:] -= diff
            with np.errstate(divide="ignore", invalid="ignore"):  # C: no mass left gives NaN
                row /= 1.0 - diff
    if res is None:
        res = tensor.LongTensor()
    if probs.dim() == 1:
        res.resize(n_sample)
        res._a[:] = out[0] + 1
    else:
        res.resize(n_dist, n_sample)
        res._a[:] = out + 1
    return res


# --- the Tensor mixin -------------------------------------------------------------------
_RANDOM_MODULUS = {  # THTensor_(random) without bounds: random() % (max of the type + 1)
    "Byte": 256, "Char": 128, "Short": 32768, "Int": 2 ** 31, "Long": 2 ** 63,
    "Float": 2 ** 24 + 1, "Double": 2 ** 53 + 1,
}


class TensorRandom:
    """Mixin of Tensor: in-place random fills in Torch7's element order (row-major)."""

    def _fill_values(self, values):
        """Write ``values`` (TH's stream order) into self as the C cast to the element type."""
        if self._size:
            if self.dtype.kind == "f":
                self._a[...] = values.reshape(self._size)
            else:  # C's conversion to a narrower integer wraps around
                self._a[...] = values.reshape(self._size).astype(self.dtype)
        return self

    def _float_only(self, op):
        if self.dtype.kind != "f":
            raise TypeError(f"{op}: not implemented for {self.__typename__} "
                            "(Torch7 defines it for FloatTensor and DoubleTensor only)")

    def _real_args(self, op, args, defaults, required=0):
        """Generator and numbers of a fill; Torch7 passes them as the tensor's real type."""
        gen, rest = _split_gen(args)
        vals = _args(op, rest, defaults, required)
        if self.dtype == np.float32:
            vals = [float(np.float32(v)) for v in vals]
        return gen, [float(v) for v in vals]

    def _as_real(self, values):
        return values.astype(self.dtype) if self.dtype != np.float64 else values

    def uniform(self, *args):
        """t.uniform([gen,] [a=0, b=1]): fill with uniforms on [a, b)."""
        self._float_only("uniform")
        gen, (a, b) = self._real_args("uniform", args, (0.0, 1.0))
        values = gen._uniforms(self.nElement())
        values *= b - a
        values += a
        return self._fill_values(self._as_real(values))

    def normal(self, *args):
        """t.normal([gen,] [mean=0, stdv=1]): fill with normals (scalar Box-Muller stream)."""
        self._float_only("normal")
        gen, (mean, stdv) = self._real_args("normal", args, (0.0, 1.0))
        return self._fill_values(self._as_real(gen._normals(self.nElement(), mean, stdv)))

    def exponential(self, *args):
        """t.exponential([gen,] lambda): fill with exponentials of rate lambda."""
        self._float_only("exponential")
        gen, (lambd,) = self._real_args("exponential", args, (None,), required=1)
        return self._fill_values(self._as_real(gen._exponentials(self.nElement(), lambd)))

    def cauchy(self, *args):
        """t.cauchy([gen,] [median=0, sigma=1])."""
        self._float_only("cauchy")
        gen, (median, sigma) = self._real_args("cauchy", args, (0.0, 1.0))
        return self._fill_values(self._as_real(gen._cauchys(self.nElement(), median, sigma)))

    def logNormal(self, *args):
        """t.logNormal([gen,] [mean=1, stdv=2])."""
        self._float_only("logNormal")
        gen, (mean, stdv) = self._real_args("logNormal", args, (1.0, 2.0))
        return self._fill_values(self._as_real(gen._log_normals(self.nElement(), mean, stdv)))

    def geometric(self, *args):
        """t.geometric([gen,] p): fill with geometric draws (number of trials, from 1)."""
        gen, rest = _split_gen(args)
        (p,) = _args("geometric", rest, (None,), required=1)
        values = gen._geometrics(self.nElement(), float(p))
        if self.dtype.kind != "f":
            values = values.astype(np.int32)  # THRandom_geometric returns a C int
        return self._fill_values(values.astype(self.dtype))

    def bernoulli(self, *args):
        """t.bernoulli([gen,] [p=0.5]): 0/1 fill; ``p`` a number or a Float/DoubleTensor of
        per-element probabilities with as many elements as t."""
        gen, rest = _split_gen(args)
        tensor = _tensor_module()
        if rest and isinstance(rest[0], tensor.Tensor):
            if len(rest) > 1:
                raise TypeError("bernoulli: expected ([gen,] p)")
            p = rest[0]
            if p.dtype.kind != "f":
                raise TypeError(f"bernoulli: probabilities must be a DoubleTensor or FloatTensor, "
                                f"got {p.__typename__}")
            if p.nElement() != self.nElement():
                raise ValueError(f"bernoulli: inconsistent tensor size: {self.nElement()} elements "
                                 f"to fill, {p.nElement()} probabilities")
            probs = np.ascontiguousarray(p._a, dtype=np.float64).reshape(-1)
            if probs.size and not (np.all(probs >= 0) and np.all(probs <= 1)):
                raise _arg_error("bernoulli", 1, "must be >= 0 and <= 1")
            values = (gen._uniforms(probs.size) <= probs).astype(np.int64)
        else:
            (p,) = _args("bernoulli", rest, (0.5,))
            _check_bernoulli(p)
            values = gen._bernoullis(self.nElement(), float(p))
        return self._fill_values(values.astype(self.dtype))

    def random(self, *args):
        """t.random([gen,] [a [, b]]): random() % (type max + 1), or integers in [1, a] / [a, b].

        As in TH the arithmetic is C's unsigned long: with a negative ``a`` a Float/Double
        tensor receives 2^64 - k where Torch7 does (integer types wrap back to the right value).
        """
        gen, rest = _split_gen(args)
        if len(rest) > 2:
            raise TypeError("random: expected ([gen,] [a [, b]])")
        bounds = [int(_number("random", v, i + 1)) for i, v in enumerate(rest)]
        n = self.nElement()
        if not bounds:
            prefix = self.__typename__[len("torch."):-len("Tensor")]
            values = gen._raw(n) % np.uint64(_RANDOM_MODULUS[prefix])
        elif len(bounds) == 1:
            (b,) = bounds
            if not b > 0:
                raise _arg_error("random", 1, "upper bound must be strictly positive")
            values = gen._raw(n) % np.uint64(b) + np.uint64(1)
        else:
            a, b = bounds
            if not b >= a:
                raise _arg_error("random", 2, "upper bound must be larger than lower bound")
            span = _span(a, b)
            values = gen._raw(n) % np.uint64(span) + np.uint64(a % _U64)
        if self.dtype.kind == "f":
            return self._fill_values(values.astype(self.dtype))
        return self._fill_values(values)

    def rand(self, *args):
        """t.rand([gen,] sizes...): resize t and fill it with uniforms on [0, 1)."""
        return rand(self, *args)

    def randn(self, *args):
        """t.randn([gen,] sizes...): resize t and fill it with standard normals."""
        return randn(self, *args)

    def randperm(self, *args):
        """t.randperm([gen,] n): t becomes a random permutation of 1..n."""
        return randperm(self, *args)
