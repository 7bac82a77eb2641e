"""torch's ``sys`` package: clocks, tic/toc, shell commands, the OS name, terminal colours.

Behaviour follows torch/sys (init.lua, sys.c, colors.lua). Import it under a name of its own
(``from luatorch import sys as torch_sys``) where Python's ``sys`` is needed too.

* ``clock()`` is the wall-clock time in seconds (gettimeofday); ``tic()`` starts the stopwatch
  that ``toc(verbose)`` reads (and prints, as th's ``print`` prints a number, when verbose).
* ``execute(cmd)`` / ``fexecute(cmd)`` run a shell command and give its output (standard error
  included) without leading and trailing white space.
* ``uname()`` and ``OS`` are ``'linux'``, ``'macos'``, ``'windows'`` or ``'?'``.
* ``COLORS`` holds the ANSI escape sequences by name (``none``, ``red``, ``Red`` bold,
  ``_red`` background, ...).
* ``fpath()`` gives the directory and file name of the calling Python file; under ``th`` the
  Lua side gives those of the calling Lua file (it reads the Lua call stack).
"""

import platform
import subprocess
import sys as _sys
import time

from . import paths as _paths
from .torch.printing import lua_print

__all__ = [
    "COLORS", "OS", "clock", "concat", "dirname", "execute", "fexecute", "fpath", "isNaN",
    "la", "ll", "lla", "ls", "sleep", "split", "tic", "toc", "uname", "usleep",
]


def clock():
    """Seconds since the epoch, with microseconds (as gettimeofday gives them)."""
    return time.time()


_tic_time = None


def tic():
    """Start the stopwatch that :func:`toc` reads."""
    global _tic_time
    _tic_time = clock()


def toc(verbose=None):
    """Seconds since the last :func:`tic`, printed as well when ``verbose``."""
    if _tic_time is None:
        raise RuntimeError("attempt to perform arithmetic on upvalue '__t__' (a nil value): "
                           "sys.toc() before sys.tic()")
    elapsed = clock() - _tic_time
    if verbose is not None and verbose is not False:
        lua_print(elapsed)
    return elapsed


def usleep(microseconds=1):
    """Sleep for a whole number of microseconds."""
    time.sleep(int(microseconds) / 1e6)


def sleep(seconds):
    """Sleep for ``seconds`` (to the microsecond)."""
    usleep(seconds * 1e6)


# Lua's %s: the white space that execute's result is trimmed of
_LUA_SPACE = " \t\n\v\f\r"


def _decode(data):
    return data.decode("utf-8", errors="replace").strip(_LUA_SPACE)


def execute(cmd):
    """Run ``cmd`` in the shell; its output and errors as one string, trimmed."""
    _flush_stdout()
    done = subprocess.run(f"{cmd} 2>&1", shell=True, stdout=subprocess.PIPE, check=False)
    return _decode(done.stdout)


def fexecute(cmd, readwhat="*all"):
    """As :func:`execute` (torch's runs the command through a temporary file); ``readwhat``
    ``'*l'`` keeps the first line of the output only."""
    _flush_stdout()
    done = subprocess.run(f"{cmd} 2>&1", shell=True, stdout=subprocess.PIPE, check=False)
    text = done.stdout
    if readwhat in ("*l", "*line"):
        text = text.split(b"\n", 1)[0]
    elif readwhat not in ("*a", "*all"):
        raise ValueError(f"bad argument #2 to 'fexecute' (format {readwhat!r} not supported)")
    return _decode(text)


def _flush_stdout():
    # the command writes to the same terminal: what was printed before must come first
    try:
        _sys.stdout.flush()
    except (AttributeError, ValueError, OSError):
        pass


def uname():
    """The operating system: 'linux', 'macos', 'windows' or '?'."""
    system = platform.system()
    if system == "Windows":
        return "windows"
    if system == "Linux":
        return "linux"
    if system == "Darwin":
        return "macos"
    return "?"


OS = uname()


def ls(d=" "):
    """``ls d``'s output."""
    return execute("ls " + d)


def ll(d=" "):
    """``ls -l d``'s output."""
    return execute("ls -l " + d)


def la(d=" "):
    """``ls -a d``'s output."""
    return execute("ls -a " + d)


def lla(d=" "):
    """``ls -la d``'s output."""
    return execute("ls -la " + d)


def fpath():
    """(directory, file name) of the calling Python file."""
    source = _paths.thisfile(None, 3) or ""
    return _paths.dirname(source), _paths.basename(source)


def split(text, pattern):
    """The pieces of ``text`` between matches of the Lua ``pattern`` (an empty first piece
    is left out, as torch's sys.split does)."""
    from .lua.compat import find

    pieces = []
    position = 1
    while True:
        found = find(text, "(.-)" + pattern, position)
        if found[0] is None:
            break
        start, end, piece = found[0], found[1], found[2]
        if start != 1 or piece != "":
            pieces.append(piece)
        position = end + 1
    if position <= len(text):
        pieces.append(text[position - 1:])
    return pieces


def isNaN(number):
    """True for NaN (the one value that is not equal to itself)."""
    return number != number  # noqa: PLR0124


class _Colors(dict):
    """The escape sequences by name, read as ``COLORS["red"]`` or ``COLORS.red`` (a name it
    does not have gives None, as a missing field of a Lua table)."""

    def __getattr__(self, key):
        if key.startswith("__"):
            raise AttributeError(key)
        return self.get(key)


COLORS = _Colors({
    "none": "\x1b[0m",
    "black": "\x1b[0;30m", "red": "\x1b[0;31m", "green": "\x1b[0;32m", "yellow": "\x1b[0;33m",
    "blue": "\x1b[0;34m", "magenta": "\x1b[0;35m", "cyan": "\x1b[0;36m", "white": "\x1b[0;37m",
    "Black": "\x1b[1;30m", "Red": "\x1b[1;31m", "Green": "\x1b[1;32m", "Yellow": "\x1b[1;33m",
    "Blue": "\x1b[1;34m", "Magenta": "\x1b[1;35m", "Cyan": "\x1b[1;36m", "White": "\x1b[1;37m",
    "_black": "\x1b[40m", "_red": "\x1b[41m", "_green": "\x1b[42m", "_yellow": "\x1b[43m",
    "_blue": "\x1b[44m", "_magenta": "\x1b[45m", "_cyan": "\x1b[46m", "_white": "\x1b[47m",
})

# torch's sys keeps these two for old scripts
dirname = _paths.dirname
concat = _paths.concat
