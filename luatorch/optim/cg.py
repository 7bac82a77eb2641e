"""optim.cg: conjugate gradients with line searches — torch/optim's cg.lua, a rewrite of
Carl E. Rasmussen's minimize.m. The number of function evaluations is what is limited."""

import math

from ..torch.tensor import Tensor
from ._common import (
    as_number,
    check_same_elements,
    check_x,
    dot,
    lua_value_type,
    number_option,
    setup,
)


def _buffer(state, key, x):
    t = state.get(key)
    if t is None:
        t = Tensor()
    return t.resizeAs(x)


def _isbad(z):
    return math.isnan(z) or math.isinf(z)


def cg(opfunc, x, config=None, state=None):
    """Minimise with conjugate gradients. Returns ``(x, f_hist, number of evaluations)``.

    config: rho (0.01), sig (0.5), int (0.1), ext (3.0), maxIter (20), ratio (100),
    maxEval (maxIter*1.25).  state keeps the buffers df0, df1, df2, df3, x0, s.
    """
    op = "cg"
    check_x(x, op)
    config, state = setup(config, state)
    rho = number_option(config, "rho", 0.01, op)
    sig = number_option(config, "sig", 0.5, op)
    interp = number_option(config, "int", 0.1, op)
    ext = number_option(config, "ext", 3.0, op)
    max_iter = number_option(config, "maxIter", 20, op)
    ratio = number_option(config, "ratio", 100, op)
    max_eval = number_option(config, "maxEval", max_iter * 1.25, op)
    red = 1

    def evaluate(point):
        result = opfunc(point)
        if not isinstance(result, (tuple, list)) or len(result) < 2:
            raise TypeError(f"optim.{op}: opfunc must return two values, f(x) and df/dx; "
                            f"got {lua_value_type(result)}")
        f, df = result[0], result[1]
        if not isinstance(df, Tensor):
            raise TypeError(f"optim.{op}: opfunc's df/dx must be a tensor, got {lua_value_type(df)}")
        check_same_elements(df, x, "df/dx returned by opfunc", op)
        return as_number(f, "f(x) returned by opfunc", op), df

    i = 0
    fx = []

    # three points for the interpolation/extrapolation
    z1 = z2 = z3 = 0
    d1 = d2 = d3 = 0
    f1 = f2 = f3 = 0

    df1 = _buffer(state, "df1", x)
    df2 = _buffer(state, "df2", x)
    df3 = _buffer(state, "df3", x)
    s = _buffer(state, "s", x)  # search direction
    x0 = _buffer(state, "x0", x)
    f0 = 0
    df0 = _buffer(state, "df0", x)
    X = x._a
    S = s._a

    def step(z):
        X[...] = X + z * S.reshape(X.shape)

    f1, tdf = evaluate(x)
    fx.append(f1)
    df1.copy(tdf)
    i += 1

    # initial search direction: steepest descent
    S[...] = df1._a * -1
    d1 = -dot(s, s)  # slope
    z1 = red / (1 - d1)  # initial step

    while i < abs(max_eval):
        x0.copy(x)
        f0 = f1
        df0.copy(df1)

        step(z1)
        f2, tdf = evaluate(x)
        df2.copy(tdf)
        i += 1
        d2 = dot(df2, s)
        f3, d3, z3 = f1, d1, -z1  # point 3 starts equal to point 1
        m = min(max_iter, max_eval - i)
        success = 0
        limit = -1

        while True:
            while (f2 > f1 + z1 * rho * d1 or d2 > -sig * d1) and m > 0:
                limit = z1
                if f2 > f1:
                    z2 = z3 - _div(0.5 * d3 * z3 * z3, d3 * z3 + f2 - f3)
                else:
                    A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)
                    B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
                    z2 = _sqrt(B * B - A * d2 * z3 * z3) - B
                    z2 = _div(z2, A)
                if _isbad(z2):
                    z2 = z3 / 2
                z2 = max(min(z2, interp * z3), (1 - interp) * z3)
                z1 = z1 + z2
                step(z2)
                f2, tdf = evaluate(x)
                df2.copy(tdf)
                i += 1
                m -= 1
                d2 = dot(df2, s)
                z3 = z3 - z2
            if f2 > f1 + z1 * rho * d1 or d2 > -sig * d1:
                break
            elif d2 > sig * d1:
                success = 1
                break
            elif m == 0:
                break
            A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)
            B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
            z2 = _div(-d2 * z3 * z3, B + _sqrt(B * B - A * d2 * z3 * z3))

            if _isbad(z2) or z2 < 0:
                z2 = z1 * (ext - 1) if limit < -0.5 else (limit - z1) / 2
            elif limit > -0.5 and (z2 + z1) > limit:
                z2 = (limit - z1) / 2
            elif limit < -0.5 and (z2 + z1) > z1 * ext:
                z2 = z1 * (ext - 1)
            elif z2 < -z3 * interp:
                z2 = -z3 * interp
            elif limit > -0.5 and z2 < (limit - z1) * (1 - interp):
                z2 = (limit - z1) * (1 - interp)
            f3 = f2
            d3 = d2
            z3 = -z2
            z1 = z1 + z2
            step(z2)
            f2, tdf = evaluate(x)
            df2.copy(tdf)
            i += 1
            m -= 1
            d2 = dot(df2, s)

        if success == 1:
            f1 = f2
            fx.append(f1)
            ss = _div(dot(df2, df2) - dot(df2, df1), dot(df1, df1))
            S[...] = S * ss
            S[...] = S + -1 * df2._a
            tmp = df1.clone()
            df1.copy(df2)
            df2.copy(tmp)
            d2 = dot(df1, s)
            if d2 > 0:
                S[...] = df1._a * -1
                d2 = -dot(s, s)
            z1 = z1 * min(ratio, _div(d1, d2 - 1e-320))
            d1 = d2
        else:
            x.copy(x0)
            f1 = f0
            df1.copy(df0)
            # Torch7 tests `ls_failed or i > maxEval` here; ls_failed is a number, and every
            # Lua number is true, so a failed line search always ends the run (minimize.m
            # would retry once along steepest descent).
            break

    state["df0"] = df0
    state["df1"] = df1
    state["df2"] = df2
    state["df3"] = df3
    state["x0"] = x0
    state["s"] = s
    return x, fx, i


def _sqrt(v):
    """Lua's math.sqrt: NaN for a negative argument instead of an exception."""
    return math.sqrt(v) if v >= 0 else math.nan


def _div(a, b):
    """Lua's division of doubles: x/0 is inf or nan instead of an exception."""
    try:
        return a / b
    except ZeroDivisionError:
        if math.isnan(a) or a == 0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
