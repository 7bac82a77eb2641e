"""optim.polyinterp: minimum of the polynomial interpolating points given with function and
derivative values (after minFunc's polyinterp), as torch/optim's polyinterp.lua."""

import math

import numpy as np

from ..torch.tensor import Tensor


def _points_array(points):
    if isinstance(points, Tensor):
        a = np.array(points._a, dtype=np.float64)
    else:
        a = np.array([list(p) for p in points], dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != 3:
        raise ValueError(f"optim.polyinterp: points must be an N x 3 tensor of (x, f, g) "
                         f"triplets, got size {'x'.join(map(str, a.shape))}")
    return a


def _roots(c):
    """Roots of the polynomial with coefficients ``c`` (highest power first), as rows of
    (real, imaginary) parts; zero coefficients at the end give roots at 0."""
    c = c.copy()
    c[np.abs(c) < 1e-12] = 0
    nonzero = np.flatnonzero(c)
    if nonzero.size == 0:
        return None  # Torch7 returns the number 0 here
    c = c[nonzero[0]:]
    nz = 0
    for v in c[::-1]:
        if v != 0:
            break
        nz += 1
    c = c[:c.size - nz]
    n = c.size - 1
    if n == 1:
        e = np.array([[-c[1] / c[0], 0.0]])
    elif n > 1:
        companion = np.diag(np.ones(n - 1), -1)
        companion[0] = -c[1:n + 1] / c[0]
        ev = np.linalg.eigvals(companion)
        e = np.column_stack([ev.real, ev.imag])
    else:
        return np.zeros((nz, 2))
    if nz > 0:
        e = np.concatenate([e, np.zeros((nz, 2))])
    return e


def _polyval(params, x):
    val = 0.0
    power = params.size
    for coefficient in params:
        power -= 1
        val = val + coefficient * x ** power
    return val


def polyinterp(points, xminBound=None, xmaxBound=None):
    """Position of the minimum of the interpolating polynomial (and, in the general case, the
    polynomial's value there). ``points`` is N x 3: (x, f(x), f'(x)) per row; the bounds
    default to the smallest and largest x."""
    pts = _points_array(points)
    n_points = pts.shape[0]
    order = n_points * 2 - 1

    # the common case: cubic through two points, no bounds
    if n_points == 2 and order == 3 and xminBound is None and xmaxBound is None:
        lo = int(np.argmin(pts[:, 0]))
        hi = 1 - lo
        d1 = pts[lo, 2] + pts[hi, 2] - 3 * (pts[lo, 1] - pts[hi, 1]) / (pts[lo, 0] - pts[hi, 0])
        radicand = d1 ** 2 - pts[lo, 2] * pts[hi, 2]
        d2 = math.sqrt(radicand) if radicand >= 0 else math.nan
        if not math.isnan(d2):
            with np.errstate(divide="ignore", invalid="ignore"):
                t = pts[hi, 0] - (pts[hi, 0] - pts[lo, 0]) * (
                    (pts[hi, 2] + d2 - d1) / (pts[hi, 2] - pts[lo, 2] + 2 * d2))
            return float(min(max(t, pts[lo, 0]), pts[hi, 0]))
        return float(np.mean(pts[:, 0]))

    xmin, xmax = pts[:, 0].min(), pts[:, 0].max()
    xminBound = xmin if xminBound is None else xminBound
    xmaxBound = xmax if xmaxBound is None else xmaxBound

    # constraints on the function values, then on the derivatives
    A = np.zeros((n_points * 2, order + 1))
    b = np.zeros((n_points * 2, 1))
    powers = np.arange(order, -1, -1)
    for i in range(n_points):
        A[i] = pts[i, 0] ** powers.astype(np.float64)
        b[i] = pts[i, 1]
    for i in range(n_points):
        for j in range(1, order + 1):
            A[n_points + i, j - 1] = (order - j + 1) * pts[i, 0] ** (order - j)
        b[n_points + i] = pts[i, 2]

    # interpolating polynomial (least squares, as torch.gels)
    params = np.linalg.lstsq(A, b, rcond=None)[0][:n_points * 2, 0].copy()
    params[np.abs(params) <= 1e-12] = 0

    # critical points
    d_params = np.zeros(order)
    for i in range(params.size - 1):
        d_params[i] = params[i] * (order - i)
    nans = bool(np.isnan(d_params).any() or (d_params == math.inf).any())
    cp = np.column_stack([np.concatenate([[xminBound, xmaxBound], pts[:, 0]]),
                          np.zeros(n_points + 2)])
    if not nans:
        roots = _roots(d_params)
        if roots is None:
            raise ValueError("optim.polyinterp: the derivative of the interpolating polynomial "
                             "is identically zero")
        cp = np.concatenate([cp, roots])

    # test the critical points; bisection if none is valid
    fmin = math.inf
    min_pos = (xminBound + xmaxBound) / 2
    for real, imag in cp:
        if imag == 0 and xminBound <= real <= xmaxBound:
            f_cp = _polyval(params, real)
            if f_cp < fmin:
                min_pos = float(real)
                fmin = float(f_cp)
    return min_pos, fmin
