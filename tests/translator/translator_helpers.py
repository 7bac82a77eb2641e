"""Helpers for the translator's tests: run Lua (LuaJIT through lupa, or the project's ``th``)
and run translated Python, both capturing what they print."""

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from translator import translate

ROOT = Path(__file__).resolve().parents[2]
# the th of the Python running the tests (its venv), else the repository's .venv
TH = next((p for p in (Path(sys.executable).with_name("th"), ROOT / ".venv" / "bin" / "th")
           if p.exists()), ROOT / ".venv" / "bin" / "th")

# A Lua print that writes as th's (trepl's) print does for scalars: each value's tostring
# followed by a tab, then a newline (nothing at all for print()); io.write as Lua's.
_LUA_PRELUDE = r"""
local out = {}
_OUT = out
function print(...)
  local n = select('#', ...)
  for i = 1, n do out[#out + 1] = tostring((select(i, ...))) .. '\t' end
  if n > 0 then out[#out + 1] = '\n' end  -- th's print() alone writes nothing
end
io = io or {}
io.write = function(...)
  for i = 1, select('#', ...) do out[#out + 1] = tostring((select(i, ...))) end
end
"""


def run_luajit(source):
    """Run plain Lua (no torch) on LuaJIT 2.1 and return what it printed."""
    from lupa import luajit21

    lua = luajit21.LuaRuntime(unpack_returned_tuples=True)
    lua.execute(_LUA_PRELUDE)
    lua.execute(source)
    out = lua.globals()._OUT
    return "".join(out[i] for i in range(1, len(out) + 1))


def run_python(code):
    """Execute translated Python in a fresh namespace and return what it printed."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, "<translated>", "exec"), {"__name__": "__main__"})  # noqa: S102 - running translated code is the test
    return buf.getvalue()


def run_th(path, cwd=None):
    r = subprocess.run([str(TH), str(path)], check=False, capture_output=True, text=True, timeout=300, cwd=cwd)
    return r.returncode, r.stdout, r.stderr


def normalise(text):
    """Outputs are compared line by line without trailing whitespace (trepl ends each
    value with a tab, Python's own print does not)."""
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def body(code):
    """The translation without its import lines (what a construct test compares)."""
    lines = [l for l in code.split("\n") if not l.startswith(("from luatorch", "import "))]
    return "\n".join(lines).strip("\n")


@pytest.fixture
def th():
    if not TH.exists():
        pytest.skip("the bridge's th is not installed")
    return TH


# --- a construct test: a Lua snippet, its expected Python, and both run with equal output ---
def assert_translates_to(lua, expected):
    """The translation, without its imports, is exactly ``expected``."""
    assert body(translate(lua).code) == expected


def assert_same_output_as_luajit(lua):
    """Plain Lua (no torch): the translation prints what LuaJIT prints, with nothing left TODO."""
    translation = translate(lua)
    assert translation.todos == []
    assert normalise(run_python(translation.code)) == normalise(run_luajit(lua))


def assert_same_output_as_th(lua, tmp_path, name="snippet"):
    """Torch code: the translation prints what the script prints under th."""
    script = tmp_path / f"{name}.lua"
    script.write_text(lua)
    code, out, err = run_th(script)
    assert code == 0, err
    translation = translate(lua)
    assert translation.todos == []
    assert normalise(run_python(translation.code)) == normalise(out)
