"""compat's standard-library helpers (os, io files, raw access, loadstring/dofile/require) against
LuaJIT 2.1 itself through lupa, where Lua gives the answer, and against Lua's documented results."""

import os

import pytest

from luatorch.lua import compat


@pytest.fixture
def lua():
    from lupa import luajit21

    return luajit21.LuaRuntime(unpack_returned_tuples=True)


def lua_values(lua, code):
    got = lua.execute(code)
    return got if isinstance(got, tuple) else (got,)


def test_values_read_missing_ones_as_nil():
    v = compat.Values((True,))
    assert v[0] is True and v[1] is None and v[-1] is True
    assert v[:3] == (True, None, None)   # n targets of fewer values: nil-padded
    assert tuple(v) == (True,)           # print(*v) prints the values there are
    assert compat.Values()[0] is None


def test_tmpname_creates_an_empty_file():
    path = compat.tmpname()
    try:
        assert os.path.isfile(path) and os.path.getsize(path) == 0
    finally:
        os.remove(path)


def test_remove_and_rename_give_luas_results(lua, tmp_path):
    missing = str(tmp_path / "missing")
    assert compat.remove(missing) == lua_values(lua, f"return os.remove({missing!r})")
    assert compat.rename(missing, missing + "2") == \
        lua_values(lua, f"return os.rename({missing!r}, {missing + '2'!r})")
    path = tmp_path / "x"
    path.write_text("")
    assert tuple(compat.rename(str(path), str(tmp_path / "y"))) == (True,)
    assert tuple(compat.remove(str(tmp_path / "y"))) == (True,)
    (tmp_path / "d").mkdir()   # C's remove() removes an empty directory too
    assert tuple(compat.remove(str(tmp_path / "d"))) == (True,)


def test_open_failure_is_nil_and_message(lua):
    assert compat.open("/nonexistent/x") == lua_values(lua, "return io.open('/nonexistent/x')")
    with pytest.raises(compat.LuaError, match="invalid mode"):
        compat.open("/tmp/x", "q")


def test_file_write_and_read_formats_as_lua(lua, tmp_path):
    path = str(tmp_path / "f.txt")
    program = """
        local f = io.open(PATH, 'w')
        local wrote = f:write('one\\n', 2, ' ', 1.5, ' ', 1e100, '\\n  -3.25e1 x\\nlast')
        f:close()
        f = io.open(PATH)
        local a = f:read('*l')
        local n1, n2, n3 = f:read('*n', 'n', '*n')
        local two = f:read(2)
        local line = f:read('*L')
        local rest = f:read('*a')
        local at_end_all, at_end_line, at_end_count = f:read('*a'), f:read('*l'), f:read(1)
        local pos = f:seek('set', 1)
        local three = f:read(3)
        local size = f:seek('end')
        f:close()
        return wrote, a, n1, n2, n3, two, line, rest, at_end_all, at_end_line, at_end_count,
               pos, three, size
    """.replace("PATH", repr(path))
    expected = lua_values(lua, program)
    f = compat.open(path, "w")[0]
    wrote = f.write("one\n", 2, " ", 1.5, " ", 1e100, "\n  -3.25e1 x\nlast")
    f.close()
    f = compat.open(path)[0]
    a = f.read("*l")
    n1, n2, n3 = f.read("*n", "n", "*n")
    got = (wrote, a, n1, n2, n3, f.read(2), f.read("*L"), f.read("*a"), f.read("*a"),
           f.read("*l"), f.read(1), f.seek("set", 1), f.read(3), f.seek("end"))
    f.close()
    assert got == expected


def test_file_lines_closed_file_and_tostring(tmp_path):
    path = tmp_path / "l.txt"
    path.write_bytes(b"a\r\nb\n\nc")
    f = compat.open(str(path))[0]
    assert list(f.lines()) == ["a\r", "b", "", "c"]   # no newline translation, as Lua
    assert compat.tostring(f).startswith("file (0x") and compat.io_type(f) == "file"
    assert f.close() is True
    assert compat.tostring(f) == "file (closed)" and compat.io_type(f) == "closed file"
    with pytest.raises(compat.LuaError, match="attempt to use a closed file"):
        f.read()
    assert list(compat.lines(str(path))) == ["a\r", "b", "", "c"]
    step = compat.lines(str(path))   # also Lua's iterator function
    assert [step(), step(), step(), step(), step()] == ["a\r", "b", "", "c", None]
    with pytest.raises(compat.LuaError, match="No such file or directory"):
        compat.lines(str(tmp_path / "missing"))
    assert compat.type(f) == "userdata" and compat.io_type(3) is None


def test_standard_streams_write_to_the_current_sys_stream(capsys):
    assert compat.stdout.write("a", 1, 2.5, "\n") is compat.stdout
    compat.stderr.write("err\n")
    out, err = capsys.readouterr()
    assert out == "a12.5\n" and err == "err\n"


def test_byte_maxn_rep_as_lua(lua):
    for args in [("hello", 2, 4), ("hello", -2, -1), ("hello", 10), ("hello", 3, 2), ("hello",),
                 ("hello", 0)]:
        call = "string.byte(" + ", ".join(repr(a) for a in args) + ")"
        assert tuple(compat.byte(*args)) == tuple(lua.eval("{" + call + "}").values()), call
    assert compat.maxn({1: "a", 7: "b", "x": 3, 2.5: 1}) == 7
    assert compat.maxn([1, None, 3, None]) == 3 and compat.maxn({}) == 0
    assert compat.rep("ab", 3, ",") == lua.eval("string.rep('ab', 3, ',')")


def test_raw_access_on_plain_tables_and_table_objects():
    t = {"a": 1}
    assert compat.rawget(t, "a") == 1 and compat.rawget(t, "b") is None
    assert compat.rawset(t, "b", 2) is t and t["b"] == 2
    compat.rawset(t, "b", None)
    assert "b" not in t
    arr = [10, 20]
    assert compat.rawget(arr, 2) == 20 and compat.rawget(arr, 3) is None
    compat.rawset(arr, 3, 30)
    assert arr == [10, 20, 30] and compat.rawlen(arr) == 3
    assert compat.rawequal(t, t) and not compat.rawequal({}, {}) and compat.rawequal(1, 1.0)
    assert not compat.rawequal(1, "1") and not compat.rawequal(True, 1)

    class Table:   # a table class with its own raw access (one with metatables)
        def __init__(self):
            self.raw = {}

        def rawget(self, k):
            return self.raw.get(k)

        def rawset(self, k, v):
            self.raw[k] = v

    obj = Table()
    compat.rawset(obj, "k", 5)
    assert obj.raw == {"k": 5} and compat.rawget(obj, "k") == 5
    with pytest.raises(compat.LuaError, match="table expected, got number"):
        compat.rawget(3, 1)
    stores = []   # compat.Table: raw access skips __index and __newindex
    meta = compat.Table({"__index": lambda t, k: "fallback",
                         "__newindex": lambda t, k, v: stores.append(k)})
    table = compat.Table({"a": 1}, meta)
    assert table["missing"] == "fallback" and compat.rawget(table, "missing") is None
    compat.rawset(table, "b", 2)
    assert stores == [] and compat.rawget(table, "b") == 2


def test_loadstring_returns_a_function_or_nil_and_message(lua):
    assert compat.loadstring("return 1 + 1")[0]() == 2
    assert compat.loadstring("local a, b = ...; return a * b, a + b")[0](6, 7) == (42, 13)
    f, message = compat.loadstring("x = = 1")
    assert f is None
    assert message == lua_values(lua, "return loadstring('x = = 1')")[1]
    ok, err = compat.pcall(compat.loadstring("local a = 1\nerror('boom')")[0])
    assert (ok, err) == lua_values(lua, "return pcall(loadstring(\"local a = 1\\nerror('boom')\"))")
    echo = compat.loadstring("return ...")[0]
    assert [echo(i) for i in range(3)] == [0, 1, 2] and echo(1, 2) == (1, 2) and echo() is None
    pieces = iter(["return ", "'joined'"])
    assert compat.load(lambda: next(pieces, None))[0]() == "joined"


def test_loaded_chunks_share_the_scripts_globals():
    env = {"__name__": "__main__"}
    exec("from luatorch.lua import compat\n"   # noqa: S102 - a translated script's namespace
         "compat.loadstring('counter = (counter or 0) + 1')[0]()\n"
         "compat.loadstring('counter = counter + 1')[0]()\n", env)
    assert env["counter"] == 2


def test_dofile_runs_the_lua_file_and_gives_its_value(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "values.lua").write_text("#!/usr/bin/env lua\nlocal t = {n = 3}\nreturn t, 'two'\n")
    (tmp_path / "bad.lua").write_text("local x = = 1\n")
    assert compat.dofile("values.lua") == ({"n": 3}, "two")
    assert compat.loadfile("values.lua")[0]()[1] == "two"
    assert compat.loadfile("bad.lua")[0] is None
    assert compat.loadfile("missing.lua")[:2] == (None, "cannot open missing.lua")
    with pytest.raises(compat.LuaError, match="cannot open missing.lua"):
        compat.dofile("missing.lua")


def test_require_at_run_time(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mod_at_run_time.lua").write_text("return {name = 'm'}\n")
    first = compat.require("mod_at_run_time")
    assert first == {"name": "m"} and compat.require("mod_at_run_time") is first
    ok, err = compat.pcall(compat.require, "no_such_module_xyz")
    assert not ok and err.startswith("module 'no_such_module_xyz' not found:")
    assert "no file './no_such_module_xyz.lua'" in err


def test_assert_date_modf_execute_collectgarbage(lua):
    assert compat.lua_assert(1, "unused") == 1
    with pytest.raises(compat.LuaError, match="assertion failed!"):
        compat.lua_assert(None)
    with pytest.raises(compat.LuaError) as info:
        compat.lua_assert(False, {"code": 1})
    assert info.value.value == {"code": 1}
    assert compat.date("!%Y-%m-%d %H:%M:%S", 86400) == lua.eval("os.date('!%Y-%m-%d %H:%M:%S', 86400)")
    t = compat.date("!*t", 86400 * 3)
    expected = lua.eval("os.date('!*t', 86400 * 3)")
    assert {k: t[k] for k in ("year", "month", "day", "hour", "wday", "yday", "isdst")} == \
        {k: expected[k] for k in ("year", "month", "day", "hour", "wday", "yday", "isdst")}
    assert compat.modf(3.5) == tuple(lua.eval("{math.modf(3.5)}").values())
    assert compat.execute("exit 3") == lua.eval("os.execute('exit 3')")
    assert compat.collectgarbage("count") > 0 and compat.collectgarbage() == 0
