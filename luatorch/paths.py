"""torch's ``paths`` package: file names, directories and well-known places, as Torch7 gives them.

Behaviour follows torch/paths (paths.c and init.lua) on a POSIX system:

* ``dirname``/``basename``/``extname``/``concat`` work on the text alone, as the C functions do
  (``dirname('a/b/')`` is ``'.'``, ``extname`` looks for the last dot anywhere in the name,
  ``concat`` starts from the current directory and resolves ``.`` and ``..``).
* Where Lua returns several values, Python returns a tuple: ``mkdir``/``rmdir`` give ``True``
  or ``(None, "name: reason", errno)``; ``uname`` gives ``(sysname, nodename, machine)``.
* ``dir`` lists ``.`` and ``..`` first and then the names in sorted order (readdir's order is
  the file system's; a fixed one keeps runs reproducible), or gives ``None`` for a directory
  it cannot open.
* ``files``/``iterfiles``/``iterdirs`` give an iterator that is also callable (each call gives
  the next name, then ``None``): Python loops over it, and Lua's ``for f in paths.files(d)``
  calls it as Lua's iterator protocol does.
* ``thisfile`` is the file of the calling Python code; under ``th`` the Lua side gives the
  calling Lua file instead (``paths.thisfile``/``paths.dofile`` read the Lua call stack).

Arguments that must be strings accept numbers too (as ``luaL_checkstring`` does) and raise a
``TypeError`` worded as Lua's "bad argument" error otherwise.
"""

import atexit
import os
import stat
import sys as _sys
import tempfile

from .torch.classes import lua_type
from .torch.printing import lua_number_str

__all__ = [
    "basename", "concat", "cwd", "dir", "dirname", "dirp", "extname", "filep", "files",
    "findprogram", "home", "is_mac", "is_win", "iterdirs", "iterfiles", "mkdir", "rmall",
    "rmdir", "thisfile", "tmpname", "uname",
]


def _check_string(value, position, function):
    """``luaL_checkstring``: a string, or a number as Lua writes it."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return lua_number_str(value)
    raise TypeError(f"bad argument #{position} to '{function}' "
                    f"(string expected, got {lua_type(value)})")


# --- file names -------------------------------------------------------------------------------
def _last_inner_slash(name):
    """Index of the last '/' followed by something other than '/', or -1."""
    for i in range(len(name) - 2, -1, -1):
        if name[i] == "/" and name[i + 1] != "/":
            return i
    return -1


def dirname(path):
    """The directory part of ``path``: up to its last slash that is followed by a name
    (``'/a/b'`` -> ``'/a'``, ``'a/b/'`` -> ``'a'``, ``'a'`` -> ``'.'``, ``'/'`` -> ``'/'``)."""
    path = _check_string(path, 1, "dirname")
    slash = _last_inner_slash(path)
    if slash < 0:
        return path if path.startswith("/") else "."
    return path[:max(slash, 1)]


def basename(path, suffix=None):
    """The last name in ``path`` (trailing slashes ignored), without ``suffix`` when the name
    ends with a dot and that suffix (``basename('/x/y.lua', 'lua')`` -> ``'y'``)."""
    path = _check_string(path, 1, "basename")
    name = path[_last_inner_slash(path) + 1:].split("/", 1)[0]
    if suffix is None:
        return name
    suffix = _check_string(suffix, 2, "basename")
    suffix = suffix.removeprefix(".")
    if suffix and len(name) > len(suffix) and name.endswith("." + suffix):
        name = name[:-len(suffix) - 1]
    return name


def extname(path):
    """The text after the last dot of ``path``, or None when there is no dot."""
    path = _check_string(path, 1, "extname")
    dot = path.rfind(".")
    return None if dot < 0 else path[dot + 1:]


def cwd():
    """The current directory ('.' when it cannot be read)."""
    try:
        return os.getcwd()
    except OSError:
        return "."


def _concat_one(base, name):
    """``name`` taken relative to ``base`` (an absolute ``name`` replaces it), with ``.``
    dropped and ``..`` removing the component before it; no trailing slash."""
    out = "/" if name.startswith("/") else base
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            out = out.rstrip("/")
            out = out[:out.rfind("/") + 1] if "/" in out else ""
            continue
        if not out.endswith("/"):
            out += "/"
        out += part
    out = (out + "/").rstrip("/")
    return out or "/"


def concat(*names):
    """The path of ``names`` joined in turn onto the current directory: an absolute name
    restarts from the root; ``.`` and ``..`` are resolved in the text (``concat()`` is the
    current directory itself)."""
    out = cwd()
    for i, name in enumerate(names):
        out = _concat_one(out, _check_string(name, i + 1, "concat"))
    return out


# --- the file system ----------------------------------------------------------------------------
def filep(path):
    """True when ``path`` names something that exists and is not a directory."""
    path = _check_string(path, 1, "filep")
    try:
        return not stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def dirp(path):
    """True when ``path`` names a directory."""
    try:
        return stat.S_ISDIR(os.stat(_check_string(path, 1, "dirp")).st_mode)
    except (OSError, ValueError):
        return False


def _failure(error, path):
    return None, f"{path}: {error.strerror}", error.errno


def mkdir(path):
    """Make the directory ``path``, and the directories above it that are missing: True, or
    ``(None, "path: reason", errno)`` (a directory that exists already is a failure)."""
    path = _check_string(path, 1, "mkdir")
    parent = dirname(path)
    if parent != path and not dirp(parent):
        mkdir(parent)
    try:
        os.mkdir(path)
    except OSError as e:
        return _failure(e, path)
    return True


def rmdir(path):
    """Remove the empty directory ``path``: True, or ``(None, "path: reason", errno)``."""
    path = _check_string(path, 1, "rmdir")
    try:
        os.rmdir(path)
    except OSError as e:
        return _failure(e, path)
    return True


def rmall(path, confirm=None):
    """Remove a file, or a directory with everything in it; ``confirm`` must be ``'yes'``.
    True, or ``(None, reason, the path that could not be removed)``."""
    if confirm != "yes":
        return None, "missing second argument ('yes')"
    if filep(path):
        try:
            os.remove(path)
        except OSError as e:
            return _failure(e, path)
        return True
    if dirp(path):
        for name in files(path):
            if name in (".", ".."):
                continue
            inner = concat(path, name)
            result = rmall(inner, confirm)
            if result is not True:
                return result[0], result[1], inner
        return rmdir(path)
    return None, "not a file or directory", path


def dir(path):
    """The names in directory ``path`` (``.`` and ``..`` first, then sorted), or None."""
    path = _check_string(path, 1, "dir")
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return None
    return [".", "..", *names]


class NameIterator:
    """The names ``paths.files`` walks: a Python iterator, and callable as Lua's iterator
    function (each call gives the next name, then None)."""

    def __init__(self, names):
        self._names = iter(names)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._names)

    def __call__(self, *_ignored):
        return next(self._names, None)


def _lua_true(value):
    """Lua's truth of a function's result (its first value when it gave several)."""
    if isinstance(value, tuple):
        value = value[0] if value else None
    return value is not None and value is not False


def files(path, keep=None):
    """The names in directory ``path`` (``.`` and ``..`` included; none when it cannot be
    read), those a ``keep`` function accepts or, when ``keep`` is a string, those in which
    that Lua pattern is found."""
    if isinstance(keep, str):
        from .lua.compat import find

        pattern = keep

        def keep(name):
            return find(name, pattern)[0]
    elif keep is not None and not callable(keep):
        from .torch.classes import type_of

        raise TypeError("Expecting optional arg 2 to be function or string. Got : "
                        + type_of(keep))
    names = dir(path) or []
    if keep is not None:
        names = (name for name in names if _lua_true(keep(name)))
    return NameIterator(names)


def iterfiles(path):
    """The names of the files (not directories) in ``path``."""
    return files(path, lambda name: name not in (".", "..") and filep(concat(path, name)))


def iterdirs(path):
    """The names of the directories in ``path``, without ``.`` and ``..``."""
    return files(path, lambda name: name not in (".", "..") and dirp(concat(path, name)))


# --- places and names ---------------------------------------------------------------------------
home = os.environ.get("HOME") or "."

_tmpnames = []


def _remove_tmpnames():
    for name in _tmpnames:
        try:
            os.remove(name)
        except OSError:
            pass


def tmpname():
    """A new temporary file name (``/tmp/luatmpXXXXXX``); nothing is created, and a file
    made under that name is removed when the program ends."""
    fd, name = tempfile.mkstemp(prefix="luatmp")
    os.close(fd)
    os.remove(name)
    if not _tmpnames:
        atexit.register(_remove_tmpnames)
    _tmpnames.append(name)
    return name


def uname():
    """(system name, host name, machine) as uname(2) gives them."""
    info = os.uname()
    return info.sysname, info.nodename, info.machine


def is_win():
    """'Windows' on Windows, else None (as ``uname():match('Windows')``)."""
    return "Windows" if "Windows" in uname()[0] else None


def is_mac():
    """'Darwin' on macOS, else None (as ``uname():match('Darwin')``)."""
    return "Darwin" if "Darwin" in uname()[0] else None


def findprogram(*names):
    """The first of ``names`` found as a file in a directory of $PATH, or None."""
    for name in names:
        for directory in (os.environ.get("PATH") or ".").split(":"):
            if directory:
                candidate = concat(directory, name)
                if filep(candidate):
                    return candidate
    return None


def thisfile(arg=None, depth=None):
    """The file of the calling code (``depth`` frames up; 2, the default, is the caller of
    thisfile); with a string ``arg``, that name taken in the caller's directory."""
    try:
        frame = _sys._getframe((depth or 2) - 1)
    except ValueError:
        frame = None
    source = frame.f_code.co_filename if frame is not None else None
    if source is not None and not os.path.exists(source):
        source = None   # code without a file (the interpreter's prompt, exec'd strings)
    if source is not None:
        source = concat(source)
    if isinstance(arg, str):
        return concat(dirname(source), arg) if source else arg
    return source
