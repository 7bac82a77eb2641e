"""luatorch.sys: torch's sys package (imported under its own name: Python's sys is another)."""

import math
import platform
import time

import pytest

from luatorch import paths
from luatorch import sys as torch_sys


def test_clock_is_wall_clock_seconds():
    before = time.time()
    now = torch_sys.clock()
    assert before <= now <= time.time()


def test_tic_toc_measure_and_toc_prints_when_verbose(capsys):
    assert torch_sys.tic() is None
    torch_sys.sleep(0.01)
    elapsed = torch_sys.toc()
    assert 0.009 < elapsed < 5
    again = torch_sys.toc(True)
    printed = capsys.readouterr().out
    assert printed.endswith("\t\n") and float(printed) >= elapsed and again >= elapsed


def test_execute_gives_trimmed_output_with_errors():
    assert torch_sys.execute("printf '  two\\nlines \\n\\n'") == "two\nlines"
    assert torch_sys.execute("sh -c 'echo oops >&2'") == "oops"   # standard error too
    assert torch_sys.fexecute("printf 'a\\nb\\n'") == "a\nb"
    assert torch_sys.fexecute("printf ' a \\nb\\n'", "*l") == "a"


def test_uname_and_os_name_the_system():
    expected = {"Linux": "linux", "Darwin": "macos", "Windows": "windows"}.get(
        platform.system(), "?")
    assert torch_sys.uname() == expected and torch_sys.OS == expected


def test_colors_are_ansi_sequences_by_name():
    c = torch_sys.COLORS
    assert c["none"] == "\x1b[0m" and c.red == "\x1b[0;31m" and c.Red == "\x1b[1;31m"
    assert c._blue == "\x1b[44m" and len(c) == 25
    assert c.purple is None   # a missing name reads as nil


def test_split_on_a_lua_pattern():
    assert torch_sys.split("a,b,,c", ",") == ["a", "b", "", "c"]
    assert torch_sys.split(",a,b", ",") == ["a", "b"]   # an empty first piece is dropped
    assert torch_sys.split("one  two   three", "%s+") == ["one", "two", "three"]


def test_isnan_and_old_names():
    assert torch_sys.isNaN(math.nan) and not torch_sys.isNaN(1.0)
    assert torch_sys.dirname is paths.dirname and torch_sys.concat is paths.concat


def test_fpath_is_the_calling_files_directory_and_name():
    import os

    here = os.path.abspath(__file__)
    assert torch_sys.fpath() == (os.path.dirname(here), os.path.basename(here))


def test_toc_before_any_tic_is_an_error(monkeypatch):
    monkeypatch.setattr(torch_sys, "_tic_time", None)
    with pytest.raises(RuntimeError, match="nil value"):
        torch_sys.toc()
