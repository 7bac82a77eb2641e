"""torch's ``xlua`` package: the progress bar, time formatting and a few helpers.

Behaviour follows torch/xlua's init.lua:

* ``progress(current, goal)`` draws xlua's bar on standard output: ``[====>....]``, the time
  left (``ETA``) while running and the total time (``Tot``) at the end, the time per step
  (averaged over the last 100 calls), and ``current/goal`` over the middle of the bar. A new
  bar starts when the previous one is finished and the progress went back; the line ends
  when the bar is full. The bar fits the terminal's width (at most 120 columns; 80 when
  there is no terminal), read once when the package is loaded.
* ``formatTime(seconds)`` writes a duration with its two largest units (``1D2h``, ``3m4s``,
  ``5s120ms``, ``0ms``).
* ``error(message, domain, usage)`` raises ``<domain> message`` in bold red;
  ``envparams(defaults)`` takes each default from the environment variable of its name.
"""

import math
import os
import sys
import time

from .sys import COLORS
from .torch.printing import lua_number_str, lua_tostring

__all__ = ["envparams", "error", "formatTime", "progress"]


def _floor(x):
    """Lua's math.floor: infinities and NaN stay as they are."""
    return math.floor(x) if math.isfinite(x) else x


def _number(x):
    return lua_number_str(x)


def formatTime(seconds):
    """A duration as its two largest non-zero units of D, h, m, s, ms ('0ms' for none)."""
    days = _floor(seconds / 3600 / 24)
    seconds = seconds - days * 3600 * 24
    hours = _floor(seconds / 3600)
    seconds = seconds - hours * 3600
    minutes = _floor(seconds / 60)
    seconds = seconds - minutes * 60
    whole_seconds = _floor(seconds)
    seconds = seconds - whole_seconds
    millis = _floor(seconds * 1000)
    text = ""
    used = 0
    for amount, unit in ((days, "D"), (hours, "h"), (minutes, "m"), (whole_seconds, "s"),
                         (millis, "ms")):
        if amount > 0 and used < 2:
            text += _number(amount) + unit
            used += 1
    return text or "0ms"


def _terminal_columns():
    """The terminal's width as ``tput cols`` reads it ($COLUMNS first), 80 without one."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for stream in (sys.__stdout__, sys.__stderr__, sys.__stdin__):
        try:
            return os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            continue
    return 80


class _ProgressBar:
    """xlua.progress's state: one bar at a time, drawn again at each call."""

    smoothing = 100   # the time per step is averaged over this many calls

    def __init__(self, columns):
        self.columns = min(columns, 120)
        self.done = True
        self.previous = -1
        self.start = 0.0
        self.times = []
        self.indices = []

    def draw(self, current, goal):
        bar_length = self.columns - 34
        percent = _floor(current * bar_length / goal)
        out = []
        if self.done and (self.previous == -1 or percent < self.previous):
            self.done = False
            self.previous = -1
            self.start = time.perf_counter()
            self.times = [0.0]
            self.indices = [current]
        else:
            out.append("\r")
        if not self.done:
            self.previous = percent
            out.append(" [")
            out.extend("=" if i < percent else ">" if i == percent else "."
                       for i in range(1, bar_length + 1))
            out.append("] ")
            # clear what a longer line left, then come back
            blank = self.columns - bar_length - 4
            out.append(" " * blank + "\b" * blank)
            elapsed = time.perf_counter() - self.start
            if current == self.indices[0]:
                step = 0
            else:
                step = (elapsed - self.times[0]) / (current - self.indices[0])
            remaining = max(0, (goal - current) * step)
            self.indices.append(current)
            self.times.append(elapsed)
            if len(self.indices) > self.smoothing:
                del self.indices[0], self.times[0]
            if percent < bar_length:
                tm = " ETA: " + formatTime(remaining)
            else:
                tm = " Tot: " + formatTime(elapsed)
            tm += " | Step: " + formatTime(step)
            out.append(tm)
            # back over the middle of the bar for the counter (Lua's for counts whole steps)
            out.append("\b" * max(0, math.floor(5 + len(tm) + bar_length / 2)))
            out.append(f" {_number(current)}/{_number(goal)} ")
            if percent == bar_length:
                self.done = True
                out.append("\n")
            out.append("\r")
        sys.stdout.write("".join(out))
        sys.stdout.flush()


_bar = _ProgressBar(_terminal_columns())


def progress(current, goal):
    """Draw the progress bar at ``current`` of ``goal`` (see the module's description)."""
    _bar.draw(current, goal)


def error(message, domain=None, usage=None):
    """Raise ``message`` (prefixed with ``<domain>``) in bold red, ``usage`` below it."""
    if domain:
        message = f"<{domain}> {message}"
    text = COLORS["Red"] + lua_tostring(message) + COLORS["none"]
    if usage:
        text += "\n" + usage
    raise RuntimeError(text)


def envparams(defaults):
    """A copy of ``defaults`` where each name set in the environment takes that value
    (a number for a number default, ``true``/``false`` for a boolean one)."""
    params = dict(defaults)
    for key, value in defaults.items():
        text = os.environ.get(key)
        if text is None:
            continue
        new = text
        if isinstance(value, bool):
            new = {"false": False, "False": False, "true": True, "True": True}.get(text, text)
        elif isinstance(value, (int, float)):
            from .lua.compat import tonumber

            new = tonumber(text)
        if new is None:
            raise AssertionError("assertion failed!")
        params[key] = new
    return params
