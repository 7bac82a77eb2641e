"""``luatorch translate`` (``translator.cli.main``): files, directories with local modules,
stdin, syntax errors, TODO reporting and exit codes, ``--check`` and the line map."""

import io
import json
import subprocess
import sys
import textwrap

import pytest

from translator.cli import main


def run_cli(argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = main(argv)
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def test_stdin_to_stdout():
    code, out, err = run_cli([], "local x = 1 + 2\nprint(x)\n")
    assert code == 0, err
    assert out == "x = 1 + 2\nprint(x)\n"


def test_file_to_file(tmp_path):
    src = tmp_path / "a.lua"
    src.write_text("print('hi')\n")
    code, _, err = run_cli([str(src), "-o", str(tmp_path / "a.py")])
    assert code == 0, err
    assert (tmp_path / "a.py").read_text() == 'print("hi")\n'


def test_syntax_error_is_located(tmp_path):
    src = tmp_path / "bad.lua"
    src.write_text("local x = 1\nlocal y = = 2\n")
    code, _, err = run_cli([str(src)])
    assert code == 2
    assert f"{src}:2:11: syntax error near '='" in err


def test_missing_end_is_reported(tmp_path):
    src = tmp_path / "bad.lua"
    src.write_text("if x then\n  y = 1\n")
    code, _, err = run_cli([str(src)])
    assert code == 2
    assert str(src) + ":1:" in err


def test_todo_is_marked_reported_and_fails_unless_allowed(tmp_path):
    src = tmp_path / "t.lua"
    src.write_text("local t = setmetatable(make(), {})\nprint(1)\n")   # make()'s table is a dict
    out = tmp_path / "t.py"
    code, _, err = run_cli([str(src), "-o", str(out)])
    assert code == 3
    assert f"{src}:1: TODO(translate): setmetatable" in err
    assert "# TODO(translate): setmetatable" in out.read_text()
    code, _, _ = run_cli([str(src), "-o", str(out), "--allow-todo"])
    assert code == 0


def test_directory_with_local_module(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "util.lua").write_text("function double(x) return 2 * x end\n")
    (tmp_path / "main.lua").write_text("require 'lib.util'\nprint(double(21))\n")
    out = tmp_path / "py"
    code, _, err = run_cli([str(tmp_path), "-o", str(out)])
    assert code == 0, err
    assert (out / "lib" / "util.py").exists()
    main_py = (out / "main.py").read_text()
    assert "from lib.util import *" in main_py
    run = subprocess.run([sys.executable, "main.py"], cwd=out, capture_output=True, text=True,
                         check=False)
    assert run.stdout.strip() == "42", run.stderr


def test_file_translation_follows_local_requires(tmp_path):
    (tmp_path / "helpers.lua").write_text("function greet(n) return 'hello ' .. n end\n")
    (tmp_path / "main.lua").write_text("require 'helpers'\nprint(greet('you'))\n")
    out = tmp_path / "out"
    code, _, err = run_cli([str(tmp_path / "main.lua"), "-o", str(out / "main.py")])
    assert code == 0, err
    assert (out / "helpers.py").exists()


def test_line_map_file(tmp_path):
    src = tmp_path / "m.lua"
    src.write_text("-- doc\n\nlocal a = 1\n\nlocal b = {\n  a,\n  2,\n}\nprint(#b)\n")
    out = tmp_path / "m.py"
    code, _, err = run_cli([str(src), "-o", str(out), "--map"])
    assert code == 0, err
    lines = out.read_text().split("\n")
    mapping = {int(k): v for k, v in json.loads((tmp_path / "m.py.map.json").read_text())["lines"].items()}
    assert lines[next(k for k, v in mapping.items() if v == 3) - 1] == "a = 1"
    assert mapping[lines.index("print(len(b))") + 1] == 9


def test_check_reports_agreement(tmp_path, th):
    src = tmp_path / "ok.lua"
    src.write_text("for i = 1, 3 do print(i, i / 2) end\nprint(('x'):rep(3))\n")
    code, _, err = run_cli([str(src), "--check", "--th", str(th)])
    assert code == 0, err
    assert "outputs agree" in err


def test_check_maps_a_python_error_to_the_lua_line(tmp_path, th):
    src = tmp_path / "boom.lua"
    src.write_text(textwrap.dedent("""\
        local t = {1, 2}

        print(t[1] + nil)
        """))
    code, _, err = run_cli([str(src), "--check", "--th", str(th)])
    assert code == 1
    assert f"(lua: {src}:3)" in err


def test_module_command_runs(tmp_path):
    src = tmp_path / "a.lua"
    src.write_text("print(1)\n")
    run = subprocess.run([sys.executable, "-m", "translator", str(src)], capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0 and run.stdout == "print(1)\n"


@pytest.mark.parametrize("argv", [["/no/such/file.lua"]])
def test_missing_file(argv):
    code, _, err = run_cli(argv)
    assert code == 2 and "no such file" in err


def test_function_stored_under_a_python_keyword(tmp_path):
    code, out, err = run_cli([], "local t = {}\nfunction t.class(x) return x end\nprint(1)\n")
    assert code == 0, err
    assert 'setattr(t, "class", t_class)' in out or 't["class"] = t_class' in out


def test_module_returning_its_table_becomes_a_python_module(tmp_path):
    (tmp_path / "util.lua").write_text(textwrap.dedent("""\
        local M = {}
        M.scale = 3
        function M.triple(x) return M.scale * x end
        return M
        """))
    (tmp_path / "main.lua").write_text("local util = require 'util'\nprint(util.triple(4), util.scale)\n")
    out = tmp_path / "py"
    code, _, err = run_cli([str(tmp_path), "-o", str(out)])
    assert code == 0, err
    assert (out / "util.py").read_text() == "scale = 3\n\n\ndef triple(x):\n    return scale * x\n"
    run = subprocess.run([sys.executable, "main.py"], cwd=out, capture_output=True, text=True,
                         check=False)
    assert run.stdout.split() == ["12", "3"], run.stderr


def test_module_returning_a_table_and_require_in_an_expression(tmp_path):
    # a module ending ``return {...}``: its fields are the Python module's names
    (tmp_path / "shapes.lua").write_text(textwrap.dedent("""\
        local function area(w, h) return w * h end
        local unit = 1
        return {area = area, perimeter = function(w, h) return 2 * (w + h) end, scale = unit * 10}
        """))
    (tmp_path / "main.lua").write_text(textwrap.dedent("""\
        local shapes = require 'shapes'
        print(shapes.area(2, 3), shapes.perimeter(2, 3), shapes.scale)
        print(require('shapes').area(4, 5), require('nn') == nn)
        """))
    out = tmp_path / "py"
    code, _, err = run_cli([str(tmp_path), "-o", str(out)])
    assert code == 0, err
    assert "perimeter = lambda w, h: 2 * (w + h)" in (out / "shapes.py").read_text()
    main_py = (out / "main.py").read_text()
    assert "import shapes\n" in main_py and "compat.print(shapes.area(4, 5), nn == nn)" in main_py
    run = subprocess.run([sys.executable, "main.py"], cwd=out, capture_output=True, text=True,
                         check=False)
    assert run.stdout.split("\n")[:2] == ["6\t10\t10\t", "20\ttrue\t"], run.stderr


def test_module_export_shadowing_a_module_name_is_a_todo(tmp_path):
    (tmp_path / "m.lua").write_text("local unit = 1\nreturn {unit = unit * 10}\n")
    code, _, err = run_cli([str(tmp_path / "m.lua"), "-o", str(tmp_path / "m.py")])
    assert code == 3 and "m.lua:2: TODO(translate)" in err and "shadows" in err
