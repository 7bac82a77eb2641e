"""Lua's standard library and dynamic loading in translated code: each snippet, the Python the
translator writes for it (imports left out), and both run with equal output (LuaJIT 2.1 through
lupa); then local modules, dofile and include translated by the command and run beside th."""
import shutil
import subprocess
import sys

import pytest
from translator_helpers import assert_same_output_as_luajit, assert_translates_to, normalise, run_python, run_th

from translator import translate
from translator.cli import main as translate_main

CASES = {
    'error_tables_keep_their_fields_through_pcall': (
        "local ok, err = pcall(function() error({code = 42}) end)\nprint(ok, type(err), err.code)\nlocal ok2, e2 = pcall(error, {code = 7, name = 'x'})\nprint(ok2, e2.code, e2.name)\n",
        'def fn():\n    raise compat.LuaError({"code": 42})\n\n\nok, err = compat.pcall(fn)\ncompat.print(ok, compat.type(err), err["code"])\nok2, e2 = compat.pcall(compat.error, {"code": 7, "name": "x"})\ncompat.print(ok2, e2["code"], e2["name"])',
    ),
    'error_values_and_pcall_results': (
        "local ok, err = pcall(error, {code = 42})\nprint(ok, type(err))\nprint(pcall(function() return 1, 2 end))\nok = pcall(error, 'x')\nprint(ok)\nlocal ok2, e2 = pcall(function() error('plain', 0) end)\nprint(ok2, e2)\nlocal ok3, e3 = pcall(function() assert(io.open('/nonexistent/x')) end)\nprint(ok3, e3:match(':%d+: /nonexistent/x: No such file or directory$') ~= nil)\nlocal ok4, e4 = pcall(function() local f = assert(io.open('/nonexistent/x')) end)\nprint(ok4, e4:match(':%d+: /nonexistent/x: No such') ~= nil)\n",
        'ok, err = compat.pcall(compat.error, {"code": 42})\ncompat.print(ok, compat.type(err))\n\n\ndef fn():\n    return 1, 2\n\n\ncompat.print(*compat.pcall(fn))\nok = compat.pcall(compat.error, "x")[0]\ncompat.print(ok)\n\n\ndef fn_2():\n    raise compat.LuaError("plain", level=0)\n\n\nok2, e2 = compat.pcall(fn_2)\ncompat.print(ok2, e2)\n\n\ndef fn_3():\n    compat.lua_assert(*compat.open("/nonexistent/x"))\n\n\nok3, e3 = compat.pcall(fn_3)\ncompat.print(\n    ok3, compat.match(e3, ":%d+: /nonexistent/x: No such file or directory$") is not None\n)\n\n\ndef fn_4():\n    f = compat.lua_assert(*compat.open("/nonexistent/x"))\n\n\nok4, e4 = compat.pcall(fn_4)\ncompat.print(ok4, compat.match(e4, ":%d+: /nonexistent/x: No such") is not None)',
    ),
    'loadstring_chunks_share_globals': (
        'print(loadstring(\'return 1 + 1\')())\nlocal mul = loadstring(\'local a, b = ...; return a * b\')\nprint(mul(6, 7))\nlocal f, msg = loadstring(\'x = = 1\')\nprint(f, msg)\nloadstring(\'counter = (counter or 0) + 1\')()\nloadstring(\'counter = counter + 1\')()\nprint(counter)\nlocal ok, err = pcall(loadstring("error(\'boom\')"))\nprint(ok, err)\n',
        'compat.print(compat.loadstring("return 1 + 1")[0]())\nmul = compat.loadstring("local a, b = ...; return a * b")[0]\ncompat.print(mul(6, 7))\nf, msg = compat.loadstring("x = = 1")[:2]\ncompat.print(f, msg)\ncompat.loadstring("counter = (counter or 0) + 1")[0]()\ncompat.loadstring("counter = counter + 1")[0]()\ncompat.print(counter)\nok, err = compat.pcall(*compat.loadstring("error(\'boom\')"))[:2]\ncompat.print(ok, err)',
    ),
    'os_results_without_exceptions': (
        "local ok, msg, code = os.rename('/nonexistent/a', '/nonexistent/b')\nprint(ok, msg, code)\nprint(os.getenv('LUATORCH_SURELY_UNSET_VARIABLE'), os.difftime(10, 4))\nprint(os.execute('exit 0'), os.date('!%Y-%m-%d', 86400))\n",
        'ok, msg, code = compat.rename("/nonexistent/a", "/nonexistent/b")[:3]\ncompat.print(ok, msg, code)\ncompat.print(os.getenv("LUATORCH_SURELY_UNSET_VARIABLE"), 10 - 4)\ncompat.print(compat.execute("exit 0"), compat.date("!%Y-%m-%d", 86400))',
    ),
    'raw_access_on_plain_tables': (
        "local rec = {x = 1}\nrawset(rec, 'y', 2)\nprint(rawget(rec, 'x'), rawget(rec, 'y'), rawget(rec, 'z'), rawequal(rec, rec), rawequal(rec, {}))\nlocal list = {10, 20}\nprint(rawget(list, 2), rawget(list, 3))\nlocal function get(t, k) return rawget(t, k) end\nprint(get(rec, 'x'), get(list, 1))\n",
        'rec = {"x": 1}\ncompat.rawset(rec, "y", 2)\ncompat.print(rec.get("x"), rec.get("y"), rec.get("z"), rec is rec, rec is [])\nlist_ = [10, 20]\ncompat.print(compat.index(list_, 2), compat.index(list_, 3))\n\n\ndef get(t, k):\n    return compat.rawget(t, k)\n\n\ncompat.print(get(rec, "x"), get(list_, 1))',
    ),
    'string_rep_byte_char_and_table_positions': (
        "local s = 'hello'\nprint(string.rep('ab', 3, ', '), s:rep(2), ('-'):rep(3, '+'), string.rep('x', 0, ','))\nprint(string.byte(s, 2, 4))\nprint(s:byte(-1), string.char(72, 105), string.char(33))\nlocal i = 2\nprint(s:byte(i), s:byte(5))\nlocal t = {'a', 'c'}\ntable.insert(t, 2, 'b')\nprint(table.concat(t, ','), table.concat(t, '', 2, 3), table.maxn(t))\nprint(table.remove(t, 1), table.concat(t, ','))\n",
        's = "hello"\ncompat.print(\n    compat.rep("ab", 3, ", "), s * 2, compat.rep("-", 3, "+"), compat.rep("x", 0, ",")\n)\ncompat.print(*compat.byte(s, 2, 4))\ncompat.print(compat.byte(s, -1)[0], compat.char(72, 105), chr(33))\ni = 2\ncompat.print(compat.byte(s, i)[0], ord(s[4]))\nt = ["a", "c"]\nt.insert(1, "b")\ncompat.print(",".join(t), compat.concat(t, "", 2, 3), compat.maxn(t))\ncompat.print(t.pop(0), ",".join(t))',
    ),
    'tmpname_io_open_read_lines_remove': (
        "local name = os.tmpname()\nlocal f = io.open(name, 'w')\nf:write('one\\n', 2, ' ', 0.5, '\\n')\nf:close()\nfor line in io.lines(name) do print(line) end\nlocal g = assert(io.open(name, 'r'))\nprint(g:read('*l'), g:read('*n'), g:read('*n'))\nprint(g:seek('set', 0), g:read(3))\ng:close()\nlocal h = io.open(name)\nfor line in h:lines() do io.write('[', line, ']') end\nprint()\nh:close()\nprint(os.remove(name))\nlocal ok, err = os.remove(name)\nprint(ok, err == name .. ': No such file or directory')\nlocal missing, msg = io.open(name)\nprint(missing, msg == name .. ': No such file or directory')\n",
        'name = compat.tmpname()\nf = compat.open(name, "w")[0]\nf.write("one\\n", 2, " ", 0.5, "\\n")\nf.close()\nfor line in compat.lines(name):\n    compat.print(line)\ng = compat.lua_assert(*compat.open(name, "r"))\ncompat.print(g.read("*l"), g.read("*n"), g.read("*n"))\ncompat.print(g.seek("set", 0), g.read(3))\ng.close()\nh = compat.open(name)[0]\nfor line in h.lines():\n    compat.write("[", line, "]")\ncompat.print()\nh.close()\ncompat.print(*compat.remove(name))\nok, err = compat.remove(name)[:2]\ncompat.print(ok, err == name + ": No such file or directory")\nmissing, msg = compat.open(name)[:2]\ncompat.print(missing, msg == name + ": No such file or directory")',
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_text(name):
    assert_translates_to(*CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_output_as_luajit(name):
    assert_same_output_as_luajit(CASES[name][0])


def test_assert_message_names_the_running_python_line():
    lua = "local ok, e = pcall(function() local f = assert(io.open('/nonexistent/x')) end)\nprint(e)"
    code = translate(lua, "script.lua").code
    assert 'compat.lua_assert(*compat.open("/nonexistent/x"))' in code
    line = code.split("\n").index('    f = compat.lua_assert(*compat.open("/nonexistent/x"))') + 1
    assert normalise(run_python(code)) == [
        f"<translated>:{line}: /nonexistent/x: No such file or directory"]


# a script and its local modules as th finds them: Lua's package path from the working
# directory, th's './name' beside the requiring file, a package's init.lua, dofile from the
# working directory, torch's include/paths.dofile beside the calling file
MODULES = {
    "main.lua": """-- requires and dofile of local files
local helper = require './modules/helper'
print(helper.twice(21))
local user = require 'modules.user'
print(user.helper.twice(2), user.name, COUNT)
print(require('modules.pkg').name)
local ok, err = pcall(require, 'no_such_module_anywhere')
print(ok, err:find("module 'no_such_module_anywhere' not found") ~= nil)
dofile('modules/included.lua')
paths.dofile('modules/included.lua')
print(COUNT)
local t = dofile('modules/values.lua')
for k, v in pairs(t) do print(k, v) end
""",
    "modules/helper.lua": "local M = {}\nfunction M.twice(x) return 2 * x end\nreturn M\n",
    "modules/user.lua": "local helper = require './helper'\ninclude('included.lua')\n"
                        "return {helper = helper, name = 'user'}\n",
    "modules/pkg/init.lua": "return {name = 'pkg'}\n",
    "modules/included.lua": "COUNT = (COUNT or 0) + 1\n",
    "modules/values.lua": "return {a = 1}\n",
}
MODULES_OUTPUT = "42\n4 user 1\npkg\nfalse true\n3\na 1"


@pytest.fixture
def lua_tree(tmp_path):
    root = tmp_path / "src"
    for rel, text in MODULES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _run_python(script, cwd):
    proc = subprocess.run([sys.executable, str(script)], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _words(text):
    return [" ".join(line.split()) for line in text.strip().split("\n")]


def test_translated_modules_run_as_under_th(lua_tree, tmp_path, th):
    code, out, err = run_th(lua_tree / "main.lua", cwd=lua_tree)
    assert code == 0, err
    assert _words(out) == _words(MODULES_OUTPUT)
    out_dir = tmp_path / "out"
    assert translate_main([str(lua_tree / "main.lua"), "-o", str(out_dir / "main.py")]) == 0
    # required modules translated (init.lua as the package's __init__), run files copied
    for rel in ("modules/helper.py", "modules/user.py", "modules/pkg/__init__.py",
                "modules/included.lua"):
        assert (out_dir / rel).is_file(), rel
    user = (out_dir / "modules" / "user.py").read_text()
    assert "from . import helper" in user
    assert 'compat.dofile(os.path.join(os.path.dirname(__file__), "included.lua"))' in user
    main = (out_dir / "main.py").read_text()
    assert "from modules import helper" in main and "from modules import pkg" in main
    assert _words(_run_python(out_dir / "main.py", cwd=lua_tree)) == _words(MODULES_OUTPUT)


def test_translated_directory_copies_the_files_it_runs(lua_tree, tmp_path):
    out_dir = tmp_path / "out"
    assert translate_main([str(lua_tree), "-o", str(out_dir)]) == 0
    assert (out_dir / "modules" / "pkg" / "__init__.py").is_file()
    assert (out_dir / "modules" / "included.lua").is_file()
    assert (out_dir / "modules" / "values.lua").is_file()
    shutil.rmtree(lua_tree / "modules" / "pkg")   # the translation needs only its own tree
    assert _words(_run_python(out_dir / "main.py", cwd=lua_tree)) == _words(MODULES_OUTPUT)
