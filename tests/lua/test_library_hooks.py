"""The library's hooks for the Lua stack, set by the bridge: nngraph's node labels and
torch.Tester's failure positions name the Lua script's lines, as under Torch7; Lua errors
caught by Tester's assertError* are the bare Lua error values."""

import io

import pytest

from luatorch.lua import LuaSession


@pytest.fixture
def lua():
    out = io.StringIO()
    s = LuaSession(stdout=out)
    s.out = out
    return s


def test_nngraph_nodes_are_labelled_with_the_lua_line_that_made_them(lua):
    lua.execute("""require 'nngraph'
local x = nn.Identity()()
local h = nn.Linear(2, 3)(x)
local unused = nn.Tanh()(x)
label = h.data.annotations._debugLabel
local a, b = nn.SplitTable(1)(h):split(2)
split_label = a.data.annotations._debugLabel
ok, err = pcall(nn.gModule, {x}, {h})
""", "@net.lua")
    g = lua.globals()
    # Torch7 formats debug.getinfo(level, 'Sl') as '[%s]:%d_%s' with the never-filled name
    assert g["label"] == "[net.lua]:3_"
    assert g["split_label"] == "[net.lua]:6_-1"
    assert g["ok"] is False and "node declared on [net.lua]:4_ " in g["err"]


def test_nodes_made_from_python_still_get_python_positions(lua):
    from luatorch import nn, nngraph  # noqa: F401 - nngraph adds __call__ to modules

    lua.execute("require 'nngraph'")  # the hook is installed
    node = nn.Identity()()
    assert node.data.annotations["_debugLabel"].startswith("[test_library_hooks.py]:")


TESTER_SCRIPT = """local T = torch.Tester()
local tests = torch.TestSuite()
local function helper(x)
   T:assert(x, 'helper fails')
end
function tests.direct()
   T:assert(false, 'direct fails')
end
function tests.viahelper()
   helper(false)
end
function tests.errors()
   T:assertErrorMsg(function() error('boom', 0) end, 'boom', 'plain value')
   T:assertErrorMsg(function() error('boom') end, 'suite.lua:14: boom', 'positioned value')
   T:assertErrorPattern(function() torch.Tensor(2):narrow(1, 3, 1) end, '^suite.lua:15: .*narrow',
                        'library error')
   T:assertErrorObj(function() error({code = 3}) end, function(e) return e.code == 3 end, 'table')
   T:assertError(function() local x = nil; return x.y end, 'index nil')
   T:assertErrorMsg(function() error('other') end, 'boom', 'a failure, on purpose')
end
T:add(tests)
ok, err = pcall(T.run, T)
"""


def test_tester_reports_failures_at_lua_lines_and_sees_bare_error_values(lua, capsys):
    lua.execute(TESTER_SCRIPT, "@suite.lua")
    out = lua.out.getvalue() + capsys.readouterr().out  # the Tester writes to Python's stdout
    assert lua.eval("ok") is False
    sections = out.split("-" * 80)
    direct = next(s for s in sections if "direct fails" in s)
    assert direct.strip().endswith("stack traceback:\n\tsuite.lua:7: in function <suite.lua:6>")
    helper = next(s for s in sections if "helper fails" in s)
    assert helper.strip().endswith("\tsuite.lua:4: in function 'helper'\n"
                                   "\tsuite.lua:10: in function <suite.lua:9>")
    errors = next(s for s in sections if s.lstrip().startswith("errors"))
    # only the assertion meant to fail failed: the others saw the bare Lua error values
    assert "a failure, on purpose" in errors and "ERROR violation: err=suite.lua:19: other" in errors
    for name in ("plain value", "positioned value", "library error", "table", "index nil"):
        assert name not in out
    assert "session.py" not in out


def test_a_tester_run_from_python_alone_still_reports_python_frames(lua, capsys):
    from luatorch import torch

    lua.execute("return torch.Tester")  # the session's hooks are installed
    tester = torch.Tester()

    def failing():
        tester.assert_(False, "fails in Python")

    tester.add(failing, "failing")
    with pytest.raises(AssertionError):
        tester.run()
    out = capsys.readouterr().out
    assert "\t" + __file__ + ":" in out
