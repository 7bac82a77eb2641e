"""Lua snippets run through the bridge, compared with their expected output.

Each ``tests/lua/NAME.lua`` runs in a fresh LuaSession (as ``th NAME.lua`` would run it, with
the snippet's folder as the working directory); its standard output must equal
``NAME.expected``. The expected outputs are Torch7's behaviour (trepl's print, LuaJIT's number
format), written from Torch7's sources and the conformance goldens.
"""

import io
from pathlib import Path

import pytest

from luatorch.lua import LuaError, LuaSession

HERE = Path(__file__).resolve().parent
SNIPPETS = sorted(HERE.glob("*.lua"))


@pytest.mark.parametrize("runtime", ["luajit", "5.1"])  # 5.1: no FFI, the Python paths
@pytest.mark.parametrize("script", SNIPPETS, ids=[p.stem for p in SNIPPETS])
def test_snippet(script, runtime, monkeypatch):
    monkeypatch.chdir(HERE)
    out = io.StringIO()
    session = LuaSession(lua=runtime, stdout=out)
    try:
        session.run_file(script.name, ["first", "second"])
    except LuaError as e:
        pytest.fail(f"{script.name} raised a Lua error:\n{e}\n--- output so far:\n{out.getvalue()}")
    expected = script.with_suffix(".expected").read_text()
    assert out.getvalue() == expected
