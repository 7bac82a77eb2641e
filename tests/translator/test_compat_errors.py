"""compat.pcall / error / LuaError give the messages Lua gives: the position of the translated
code that raised the error (here: this test file, which plays the translated script), Lua's
levels for ``error(msg, level)``, and Lua's wording for type errors of the code itself."""

import inspect

import pytest

from luatorch import nn, torch
from luatorch.lua import compat

HERE = "tests/translator/test_compat_errors.py"


@pytest.fixture(autouse=True)
def _from_the_repository_root(monkeypatch):
    # file names in messages are relative to the working folder, as Lua's are
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[2])


def line_of(marker):
    """The line of this file holding ``marker`` (a comment at the end of the line)."""
    source = inspect.getsource(inspect.getmodule(line_of)).split("\n")
    return next(i for i, text in enumerate(source, 1) if text.rstrip().endswith(marker))


def error_of(f, *args):
    ok, err = compat.pcall(f, *args)[:2]
    assert ok is False
    return err


def test_a_library_error_names_the_calling_line():
    def narrow_too_far():
        torch.Tensor(2, 2).narrow(1, 2, 5)   # <narrow>

    assert error_of(narrow_too_far) == (
        f"{HERE}:{line_of('# <narrow>')}: narrow: out of range (dimension 1 of size 2, index 2, size 5)")


def test_a_library_function_called_by_pcall_itself_has_no_position():
    # Lua: level 1 of a C function called by pcall is pcall, a C function: no position
    err = error_of(torch.Tensor(2).narrow, 1, 3, 1)
    assert err.startswith("narrow: ")


def test_error_level_1_names_the_raising_line_and_level_2_the_caller():
    def check(n):
        if n < 0:
            raise compat.LuaError("negative", level=2)
        raise compat.LuaError("positive")   # <level1>

    def caller(n):
        check(n)   # <level2>

    assert error_of(caller, -1) == f"{HERE}:{line_of('# <level2>')}: negative"
    assert error_of(caller, 1) == f"{HERE}:{line_of('# <level1>')}: positive"


def test_error_called_as_a_function_counts_levels_as_lua():
    def check():
        compat.error("from error()", 2)

    def caller():
        check()   # <error-call>

    assert error_of(caller) == f"{HERE}:{line_of('# <error-call>')}: from error()"
    assert error_of(compat.error, "x") == "x"   # level 1 is pcall: no position
    assert error_of(lambda: compat.error("y", 2)) == "y"   # level 2 is pcall
    err = compat.pcall(compat.error, "z", 2)[1]   # <z>
    assert err == f"{HERE}:{line_of('# <z>')}: z"   # level 2: the line calling pcall


def test_level_0_tables_and_other_values_get_no_position():
    assert error_of(lambda: compat.error("plain", 0)) == "plain"
    table = {"code": 7}
    assert error_of(lambda: compat.error(table)) is table
    assert error_of(lambda: compat.error(12)) == f"{HERE}:{line_of('# <twelve>')}: 12"  # <twelve>
    assert error_of(lambda: compat.error(True)) is True
    assert error_of(lambda: compat.error()) is None


def test_a_metamethod_raising_at_level_2_names_the_indexing_line():
    def strict(t, k):
        compat.error("no key " + k, 2)

    t = compat.Table({}, compat.Table({"__index": strict}))
    assert error_of(lambda: t["zz"]) == f"{HERE}:{line_of('# <meta>')}: no key zz"  # <meta>


def test_compat_errors_name_the_line_that_called_compat():
    def bad_format():
        return compat.format("%d", "x")   # <format>

    err = error_of(bad_format)
    assert err.startswith(f"{HERE}:{line_of('# <format>')}: bad argument #2 to 'format'")
    assert error_of(compat.require, "no_such_module_xyz").startswith("module 'no_such_module_xyz'")


def test_asserts_name_their_line_and_keep_tables():
    # a translated assert(v, msg) is Python's assert (compiled here: pytest rewrites this file's)
    namespace = {}
    exec(compile("def python_assert():\n    assert False, 'boom'\n", "<translated>", "exec"), namespace)  # noqa: S102

    def lua_assert():
        compat.lua_assert(None)   # <lua_assert>

    assert error_of(namespace["python_assert"]) == "<translated>:2: boom"
    assert error_of(lua_assert) == f"{HERE}:{line_of('# <lua_assert>')}: assertion failed!"
    table = {"code": 1}
    assert error_of(lambda: compat.lua_assert(False, table)) is table


def test_lua_wording_for_the_code_s_own_type_errors():
    lin = nn.Linear(2, 2)
    w = torch.Tensor(3, 4)
    record = {}
    nothing = None
    cases = [
        (lambda: lin.noSuchMethod(), "attempt to call method 'noSuchMethod' (a nil value)"),
        (lambda: getattr(w[1], "nothing", None).more, "attempt to index field 'nothing' (a nil value)"),
        (lambda: compat.index(record, "a").b, "attempt to index field 'a' (a nil value)"),
        (lambda: record.get("a")(), "attempt to call a nil value"),
        (lambda: nothing.x, "attempt to index a nil value"),
        (lambda: nothing[1], "attempt to index a nil value"),
        (lambda: nothing(), "attempt to call a nil value"),
        (lambda: record(), "attempt to call a table value"),
        (lambda: nothing + 1, "attempt to perform arithmetic on a nil value"),
        (lambda: 1 * record, "attempt to perform arithmetic on a table value"),
        (lambda: -nothing, "attempt to perform arithmetic on a nil value"),
        (lambda: "a" + nothing, "attempt to concatenate a nil value"),
        (lambda: nothing < 1, "attempt to compare nil with number"),
        (lambda: nothing > 1, "attempt to compare number with nil"),
        (lambda: record < {}, "attempt to compare two table values"),
        (lambda: len(nothing), "attempt to get length of a nil value"),
    ]
    for f, text in cases:
        err = error_of(f)
        assert err.split(": ", 1)[1] == text, err
        assert err.startswith(f"{HERE}:")


def test_errors_raised_inside_the_library_keep_python_s_text():
    # a TypeError the library raises is not one of the code's own operations: not reworded
    def library_type_error():
        torch.Tensor(2).add({})

    err = error_of(library_type_error)
    assert err.startswith(f"{HERE}:") and "attempt to" not in err


def test_a_chunk_translated_at_run_time_names_its_lua_lines():
    pytest.importorskip("translator")
    chunk = compat.loadstring("local a = 1\n\nerror('boom')")[0]
    assert error_of(chunk) == "[string \"local a = 1...\"]:3: boom"


def test_uncaught_errors_stay_python_exceptions():
    with pytest.raises(compat.LuaError, match="boom"):
        compat.error("boom")
    with pytest.raises(AttributeError):
        None.x  # noqa: B018 - the error is the point
