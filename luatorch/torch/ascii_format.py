"""Vectorised ``%.17g`` / ``%.9g``: the bytes Torch7's ascii files hold for Double / Float arrays.

C's ``%.Pg`` prints the value's exact binary value rounded to P significant digits. Formatting a
large array number by number in Python costs ~1-2 µs each; here the digits of all numbers come
from numpy at once:

* the decimal exponent X is guessed from log10 and corrected; the digits are |x| * 10^(P-1-X)
  rounded to an integer, computed exactly enough with double-double arithmetic (10^k as the sum
  of two doubles, Dekker's exact product): the error is below 1e-9 of the last digit, so only
  values within 1e-6 of a rounding tie (and values outside 1e-280..1e280) are left to Python's
  ``%`` formatting, which rounds like C;
* the characters are laid out in a byte matrix (one row per number: sign, digits with the point
  or an exponent as ``%g`` places them, trailing zeros removed, then the separator) and the
  rows' used parts are read out in order.

The result is byte-identical to ``sep.join("%.17g" % v for v in values) + sep``; the tests
compare the two on random bit patterns and edge values.
"""

from fractions import Fraction

import numpy as np

_K_RANGE = 300
_POW10_HI = np.empty(2 * _K_RANGE + 1)
_POW10_LO = np.empty(2 * _K_RANGE + 1)
for _k in range(-_K_RANGE, _K_RANGE + 1):
    _exact = Fraction(10) ** _k
    _POW10_HI[_k + _K_RANGE] = float(_exact)
    _POW10_LO[_k + _K_RANGE] = float(_exact - Fraction(_POW10_HI[_k + _K_RANGE]))
del _k, _exact

_SPLIT = 134217729.0  # 2^27 + 1: Veltkamp's split of a double into two 26-bit halves
_SAFE_MIN, _SAFE_MAX = 1e-280, 1e280  # no overflow or underflow in the exact products
_CHUNK = 1 << 16  # numbers per pass (bounds the temporary matrices to a few tens of MB)


def _two_product(a, b):
    """(p, e) with p + e == a * b exactly (Dekker)."""
    p = a * b
    c = _SPLIT * a
    ah = c - (c - a)
    al = a - ah
    c = _SPLIT * b
    bh = c - (c - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _digits(ax, precision):
    """For positive doubles ``ax`` in the safe range: (digits as int64 in
    [10^(P-1), 10^P), decimal exponent X, mask of the numbers whose rounding is certain)."""
    low_bound, high_bound = 10.0 ** (precision - 1), 10.0 ** precision
    exponent = np.floor(np.log10(ax)).astype(np.int64)
    certain = np.ones(ax.shape, bool)
    for _ in range(4):
        k = (precision - 1) - exponent + _K_RANGE
        hi, lo = _POW10_HI[k], _POW10_LO[k]
        mh, ml = _two_product(ax, hi)
        ml = ml + ax * lo
        whole = np.floor(mh)
        frac = (mh - whole) + ml
        # whole - bound is exact near the bound, so the comparisons are exact there
        too_low = (whole - low_bound) + frac < 0
        too_high = (whole - high_bound) + frac >= 0
        if not (too_low.any() or too_high.any()):
            break
        exponent = exponent + too_high - too_low
    else:
        certain &= ~(too_low | too_high)
    floor_frac = np.floor(frac)
    frac = frac - floor_frac
    digits = whole.astype(np.int64) + floor_frac.astype(np.int64)
    certain &= np.abs(frac - 0.5) > 1e-6
    digits += frac > 0.5
    carried = digits >= 10**precision  # 9.99..96 rounds up to 10.00..0: one digit more
    digits = np.where(carried, digits // 10, digits)
    exponent = exponent + carried
    return digits, exponent, certain


# the 4 ascii digits of 0..9999
_DIGITS4 = np.array([list(b"%04d" % i) for i in range(10000)], np.uint8)


def _digit_chars(digits, precision):
    """The ``precision`` ascii digits of each of ``digits`` (int64, < 10^precision) as rows of
    a uint8 matrix (a table of 4-digit groups: a few divisions per number)."""
    n = digits.shape[0]
    chars = np.empty((n, precision), np.uint8)
    head = precision % 4  # leading digits before the groups of 4 (1 for 17 and for 9)
    rest = digits % 10 ** (precision - head)
    chars[:, :head] = _DIGITS4[digits // 10 ** (precision - head), 4 - head :]
    for g in range(precision // 4):
        scale = 10 ** (precision - head - 4 * (g + 1))
        chars[:, head + 4 * g : head + 4 * g + 4] = _DIGITS4[(rest // scale) % 10000]
    return chars


def _place(out, rows, text):
    """Rows ``rows`` of ``out`` become the literal ``text`` (the rest of the row a hole)."""
    raw = np.frombuffer(text, np.uint8)
    out[rows] = 0
    out[rows[:, None], np.arange(raw.size)] = raw


def _format_chunk(x, precision, sep):
    n = x.shape[0]
    ax = np.abs(x)
    regular = np.isfinite(x) & (ax >= _SAFE_MIN) & (ax <= _SAFE_MAX)
    digits, X, certain = _digits(np.where(regular, ax, 1.0), precision)
    certain &= regular
    P = precision

    # Each number is laid out in a row of fixed columns, unused ones left 0 (a hole, removed at
    # the end): sign | '0.' and zeros (0.000ddd) | each digit followed by a slot for '.' |
    # exponent 'e+dd[d]' | separator.
    chars = _digit_chars(digits, P)
    nonzero = chars != ord("0")
    kept = P - np.argmax(nonzero[:, ::-1], axis=1)  # digits up to the last nonzero one
    fixed_int = (X >= 0) & (X < P)
    fixed_frac = (X < 0) & (X >= -4)
    expo = ~(fixed_int | fixed_frac)
    cols = np.arange(P)
    # digits written: all integer digits when fixed, else up to the last nonzero one
    written = np.where(fixed_int, np.maximum(kept, X + 1), kept)
    # the point follows digit X (fixed, when a fractional digit is written) or digit 0
    # (exponential, when more than one digit is written)
    point_after = np.where(fixed_int, np.where(written > X + 1, X, -1),
                           np.where(expo & (kept > 1), 0, -1))

    sign_w, lead_w, exp_w = 1, 5, 5
    width = sign_w + lead_w + 2 * P + exp_w + 1
    out = np.zeros((n, width), np.uint8)
    out[:, 0] = np.where(np.signbit(x), ord("-"), 0)
    r = np.flatnonzero(fixed_frac)
    if r.size:  # '0.' then -X-1 zeros
        lead = out[r, sign_w : sign_w + lead_w]
        zeros = np.arange(lead_w) < (1 - X[r])[:, None]
        lead[zeros] = ord("0")
        lead[:, 1] = ord(".")
        out[r, sign_w : sign_w + lead_w] = lead
    body = np.zeros((n, P, 2), np.uint8)
    chars[cols >= written[:, None]] = 0
    body[:, :, 0] = chars
    r = np.flatnonzero(point_after >= 0)
    body[r, point_after[r], 1] = ord(".")
    out[:, sign_w + lead_w : sign_w + lead_w + 2 * P] = body.reshape(n, 2 * P)
    r = np.flatnonzero(expo)
    if r.size:
        e = np.abs(X[r])
        tail = np.zeros((r.size, exp_w), np.uint8)
        tail[:, 0] = ord("e")
        tail[:, 1] = np.where(X[r] < 0, ord("-"), ord("+"))
        three = e >= 100
        tail[:, 2] = np.where(three, e // 100 + 48, (e // 10) % 10 + 48)
        tail[:, 3] = np.where(three, (e // 10) % 10 + 48, e % 10 + 48)
        tail[:, 4] = np.where(three, e % 10 + 48, 0)
        out[r, width - 1 - exp_w : width - 1] = tail
    if sep:
        out[:, width - 1] = sep[0]

    # the rest as Python's % formats them (C's rounding): zeros, inf, nan, extreme or tie values
    others = np.flatnonzero(~certain)
    if others.size:
        values = x[others]
        zero = values == 0
        negative = np.signbit(values)
        for mask, text in ((zero & ~negative, b"0"), (zero & negative, b"-0"),
                           (np.isnan(values), b"nan"), (np.isposinf(values), b"inf"),
                           (np.isneginf(values), b"-inf")):
            if mask.any():
                _place(out, others[mask], text + sep)
        fmt = f"%.{P}g"
        plain = others[~zero & np.isfinite(values)]
        for i in plain.tolist():
            _place(out, np.array([i]), (fmt % float(x[i])).encode("ascii") + sep)
    return out[out != 0].tobytes()


def format_g(values, precision, sep=b" "):
    """``b"".join(b"%.<precision>g" % v + sep for v in values)`` (precision 17 or 9; ``sep``
    empty or one byte), vectorised."""
    x = np.ascontiguousarray(values, np.float64).reshape(-1)
    if precision not in (9, 17) or len(sep) > 1:
        raise ValueError("format_g: precision 9 or 17, and a separator of at most one byte")
    parts = [_format_chunk(x[i : i + _CHUNK], precision, sep) for i in range(0, x.shape[0], _CHUNK)]
    return b"".join(parts)
