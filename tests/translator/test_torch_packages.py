"""torch's paths, sys and xlua packages in translations: ``from luatorch import paths, xlua``,
torch's sys as ``torch_sys`` (Python's sys stays for ``arg``), loops over ``paths.files`` as
plain Python loops, and the packages' globals imported when a script uses them without
``require`` (th gives them). Each checks the Python text and runs both sides with equal output
(the Lua through the project's ``th``, skipped while it is absent)."""

import pytest
from translator_helpers import assert_same_output_as_th, assert_translates_to, body

from translator import translate

PATHS_LUA = """\
require 'paths'
local root = paths.tmpname()
paths.mkdir(paths.concat(root, 'b', 'c'))
paths.mkdir(paths.concat(root, 'a'))
for name in paths.files(root) do print(name) end
for dir in paths.iterdirs(root) do print(dir) end
print(paths.dirp(root), paths.filep(root), paths.extname('model.t7'))
print(paths.basename(paths.concat(root, 'b', 'c', '..')) .. '!')
paths.rmall(root, 'yes')
print(paths.dirp(root))
"""

PATHS_PY = """\
root = paths.tmpname()
paths.mkdir(paths.concat(root, "b", "c"))
paths.mkdir(paths.concat(root, "a"))
for name in paths.files(root):
    print(name)
for dir in paths.iterdirs(root):
    print(dir)
compat.print(paths.dirp(root), paths.filep(root), paths.extname("model.t7"))
print(paths.basename(paths.concat(root, "b", "c", "..")) + "!")
paths.rmall(root, "yes")
compat.print(paths.dirp(root))"""

# xlua and sys without require, as th gives them
SYS_XLUA_LUA = """\
sys.tic()
local elapsed = sys.toc()
print(elapsed >= 0, elapsed < 60, sys.OS == sys.uname())
print(#sys.COLORS.red, sys.COLORS.none == '\\27[0m')
print(sys.execute('echo " hi "'))
print(xlua.formatTime(3725.5), xlua.formatTime(0.25))
print(type(xlua.progress), sys.dirname('/a/b.lua'))
"""

SYS_XLUA_PY = """\
torch_sys.tic()
elapsed = torch_sys.toc()
compat.print(elapsed >= 0, elapsed < 60, torch_sys.OS == torch_sys.uname())
compat.print(len(torch_sys.COLORS.red), torch_sys.COLORS.none == "\\x1b[0m")
print(torch_sys.execute('echo " hi "'))
compat.print(xlua.formatTime(3725.5), xlua.formatTime(0.25))
compat.print(compat.type(xlua.progress), torch_sys.dirname("/a/b.lua"))"""

CASES = {"paths": (PATHS_LUA, PATHS_PY), "sys_and_xlua": (SYS_XLUA_LUA, SYS_XLUA_PY)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_text(name):
    assert_translates_to(*CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_output_as_th(name, th, tmp_path):
    assert_same_output_as_th(CASES[name][0], tmp_path, name)


def test_packages_are_imported_from_luatorch_and_sys_under_its_own_name():
    code = translate(SYS_XLUA_LUA + "print(#arg)\n").code
    assert "import sys\n" in code   # Python's, for arg
    assert "from luatorch import xlua, sys as torch_sys\n" in code
    code = translate("local p = require 'paths'\nlocal s = require 'sys'\nprint(p.cwd(), s.OS)").code
    assert "from luatorch import paths, sys as torch_sys\n" in code
    assert "p = paths\ns = torch_sys\n" in code


def test_a_lua_local_named_sys_keeps_clear_of_both_modules():
    code = body(translate("local sys = require 'sys'\nprint(sys.clock() > 0, #arg)").code)
    assert code == "sys_ = torch_sys\ncompat.print(sys_.clock() > 0, len(sys.argv[1:]))"


def test_mkdir_and_rmdir_results_are_a_todo():
    # true alone, or nil, a message and an errno: no single Python spelling keeps both
    result = translate("local ok, err = paths.rmdir('/x')\nprint(paths.mkdir('/y'))")
    assert [reason for _line, reason in result.todos] == [
        "the result of paths.rmdir (true, or nil, a message and an errno)",
        "the result of paths.mkdir (true, or nil, a message and an errno)"]


def test_paths_dofile_runs_the_lua_file_beside_the_script():
    # the Lua file is translated when it runs (compat.dofile); see test_lua_stdlib.py
    result = translate("require 'paths'\npaths.dofile('helper.lua')")
    assert result.todos == []
    assert 'compat.dofile(os.path.join(os.path.dirname(__file__), "helper.lua"))' in result.code
