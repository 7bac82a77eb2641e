"""The th command (trepl's th is the spec) and luatorch run/repl."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from luatorch import cli

BIN = Path(sys.executable).parent


def th(*args, stdin=None, cwd=None):
    exe = BIN / "th"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c",
                                          "import sys; from luatorch.cli import th_main; sys.exit(th_main())"]
    return subprocess.run(cmd + list(args), check=False, input=stdin, capture_output=True, text=True,
                          cwd=cwd, timeout=60)


def test_execute_statement():
    r = th("-e", "print(1 + 1, torch.type(torch.Tensor()))")
    assert r.returncode == 0 and r.stdout == "2\ttorch.DoubleTensor\t\n"


def test_load_library_then_statement():
    r = th("-l", "nn", "-e", "print(torch.type(nn.Linear(2, 2)))")
    assert r.returncode == 0 and r.stdout == "nn.Linear\t\n"
    r = th("-lnn", "-e", "print(nn ~= nil)")
    assert r.stdout == "true\t\n"


def test_script_arguments_and_shebang(tmp_path):
    script = tmp_path / "args.lua"
    script.write_text("#!/usr/bin/env th\nprint(#arg, arg[1], arg[2], type(arg[0]), arg[-1] ~= nil)\n")
    r = th(str(script), "a", "-b")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "2\ta\t-b\tstring\ttrue\t\n"


def test_uncaught_error_prints_a_lua_traceback_and_fails(tmp_path):
    script = tmp_path / "bad.lua"
    script.write_text("local function f()\n  torch.Tensor(2):narrow(1, 3, 1)\nend\nprint('before')\nf()\n")
    r = th("bad.lua", cwd=tmp_path)  # Lua shortens long file names in messages, as luajit does
    assert r.returncode == 1
    assert r.stdout == "before\t\n"
    assert "bad.lua:2: narrow" in r.stderr
    assert "stack traceback:" in r.stderr and "bad.lua:5: in main chunk" in r.stderr
    assert "Traceback (most recent call last)" not in r.stderr


def test_debug_flag_shows_the_python_traceback(tmp_path):
    script = tmp_path / "bad.lua"
    script.write_text("torch.Tensor(2):narrow(1, 3, 1)\n")
    r = th("--debug", str(script))
    assert r.returncode == 1 and "Python traceback" in r.stderr


def test_syntax_error_names_file_and_line(tmp_path):
    script = tmp_path / "syntax.lua"
    script.write_text("local x = 1\nlocal = 2\n")
    r = th("syntax.lua", cwd=tmp_path)
    assert r.returncode == 1 and "syntax.lua:2:" in r.stderr


def test_error_in_statement_fails():
    r = th("-e", "error('boom')")
    assert r.returncode == 1 and "boom" in r.stderr


def test_help():
    r = th("--help")
    assert r.returncode == 0 and r.stdout.startswith("Usage: th [options] [script.lua [arguments]]")
    assert "-e statement" in r.stdout and "-i,--interactive" in r.stdout
    r = th("--bogus")
    assert r.returncode == 1 and "unrecognized flag" in r.stdout


def test_interactive_after_script_prints_expressions(tmp_path):
    script = tmp_path / "s.lua"
    script.write_text("x = 41\n")
    r = th("-i", str(script), stdin="x + 1\nx = x + 1;\nprint(x)\nfunction f()\nreturn 3 end\nf()\nerror('oops')\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:3] == ["42\t", "42\t", "3\t"]
    assert "oops" in r.stdout


def test_repl_without_script():
    r = th(stdin="1 + 2\n")
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "3\t"


def test_lua_runtime_option():
    r = th("--lua", "5.1", "-e", "print(_VERSION, torch.Tensor(3):size(1))")
    assert r.stdout == "Lua 5.1\t3\t\n"
    r = th("--lua", "9.9", "-e", "print(1)")
    assert r.returncode == 1


def test_luatorch_run_is_th(tmp_path, capsys):
    script = tmp_path / "r.lua"
    script.write_text("print(arg[1])\n")
    assert cli.main(["run", str(script), "hello"]) == 0
    assert capsys.readouterr().out == "hello\t\n"


def test_luatorch_help_and_unknown(capsys):
    assert cli.main(["--help"]) == 0
    assert "translate" in capsys.readouterr().out
    assert cli.main(["nope"]) == 2


def test_output_to_a_closed_pipe_is_quiet(tmp_path):
    script = tmp_path / "many.lua"
    script.write_text("for i = 1, 100000 do print(i) end\n")
    exe = BIN / "th"
    if not exe.exists():
        pytest.skip("th is not installed in this environment")
    p = subprocess.run(f"'{exe}' '{script}' | head -1", shell=True, capture_output=True, text=True,
                       timeout=60, check=False)
    assert p.stdout == "1\t\n" and "Traceback" not in p.stderr


def test_bytes_that_are_not_utf8_still_print():
    exe = BIN / "th"
    if not exe.exists():
        pytest.skip("th is not installed in this environment")
    r = subprocess.run([str(exe), "-e", r"print('a', '\255b') io.write('\254\n') print('ok')"],
                       capture_output=True, timeout=60, check=False)
    assert r.returncode == 0 and r.stdout == b"a\t\xffb\t\n\xfe\nok\t\n"


def test_luatorch_dispatches_translate_and_t7(tmp_path):
    # both subcommands belong to other parts of the project: only the dispatch is checked here
    for command in ("translate", "t7"):
        code = f"import sys; from luatorch.cli import main; sys.exit(main(['{command}', '--help']))"
        r = subprocess.run([sys.executable, "-c", code], check=False,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and f"luatorch {command}" in r.stdout


def test_require_searches_lua_path_and_lists_the_paths_it_tried(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "mymod.lua").write_text("return {x = 42}\n")
    exe = BIN / "th"
    if not exe.exists():
        pytest.skip("th is not installed in this environment")
    env = dict(os.environ, LUA_PATH=f"{lib}/?.lua;;")
    r = subprocess.run([str(exe), "-e", "print(require('mymod').x)"], capture_output=True,
                       text=True, env=env, timeout=60, check=False)
    assert r.stdout == "42\t\n"
    r = subprocess.run([str(exe), "-e", "require('nomod')"], capture_output=True, text=True,
                       env=env, timeout=60, check=False)
    assert r.returncode == 1
    assert "module 'nomod' not found" in r.stderr and f"{lib}/nomod.lua" in r.stderr


def test_error_in_lua_code_called_by_the_library_shows_its_own_stack(tmp_path):
    (tmp_path / "deep.lua").write_text(
        "require 'nn'\n"
        "local Bad = torch.class('nn.TestBad', 'nn.Module')\n"
        "function Bad:updateOutput(input)\n"
        "   local x = nil\n"
        "   return x.field\n"
        "end\n"
        "local net = nn.Sequential():add(nn.Linear(2, 2)):add(nn.TestBad())\n"
        "net:forward(torch.ones(2))\n")
    r = th("deep.lua", cwd=tmp_path)
    assert r.returncode == 1
    assert "deep.lua:5: attempt to index local 'x' (a nil value)" in r.stderr
    tb = r.stderr.split("stack traceback:")[1]
    assert tb.index("deep.lua:5:") < tb.index("in the library (Python)") < tb.index("deep.lua:8:")


def test_interactive_repl_opens_with_our_banner_and_answers_help(monkeypatch):
    import io

    from luatorch import __version__
    from luatorch.lua import LuaSession

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    lines = iter(["?", "1 + 1", "exit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    monkeypatch.setenv("TREPL_HISTORY", os.devnull)
    out = io.StringIO()
    session = LuaSession(stdout=out)
    cli.repl(session, stdin=Terminal(), stdout=out)
    text = out.getvalue()
    assert text.startswith(f"luatorch {__version__}")
    assert "Type ? for help" in text and "torch.ch" not in text and "github.com/torch" not in text
    assert "exit" in text.split("Type ? for help")[1]  # the help text after the banner
    assert text.endswith("\n2\t\n")


def test_error_deep_in_a_feval_called_by_optim_shows_the_lua_frames(tmp_path):
    (tmp_path / "train.lua").write_text(
        "require 'optim'\n"
        "local function check(loss)\n"
        "   if loss > 0 then error('loss went bad: ' .. loss) end\n"
        "end\n"
        "local function feval(p)\n"
        "   local loss = p:sum()\n"
        "   check(loss)\n"
        "   return loss, p:clone()\n"
        "end\n"
        "optim.sgd(feval, torch.ones(2), {learningRate = 0.1})\n")
    r = th("train.lua", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith("th: train.lua:3: loss went bad: 2\n")
    tb = r.stderr.split("stack traceback:")[1]
    order = ["train.lua:3: in function 'check'", "train.lua:7: in function <train.lua:5>",
             "in the library (Python)", "train.lua:10: in main chunk"]
    positions = [tb.index(s) for s in order]
    assert positions == sorted(positions)
    assert "Traceback (most recent call last)" not in r.stderr and ".py" not in tb


def test_uncaught_error_values_that_are_not_strings(tmp_path):
    (tmp_path / "t.lua").write_text("error({code = 1})\n")
    r = th("t.lua", cwd=tmp_path)
    assert r.returncode == 1 and r.stderr.startswith("th: (error object is a table value)\n")
    (tmp_path / "n.lua").write_text("error(42, 0)\n")
    r = th("n.lua", cwd=tmp_path)
    assert r.returncode == 1 and r.stderr.startswith("th: 42\n")


def test_cmdline_log_copies_print_but_not_io_write(tmp_path):
    # Torch7's CmdLine:log: print goes to the screen and the log file, io.write to the screen
    (tmp_path / "log.lua").write_text(
        "local cmd = torch.CmdLine()\n"
        "cmd:log('run.log', {})\n"
        "print('logged', 1)\n"
        "io.write('not logged\\n')\n")
    r = th("log.lua", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("logged\t1\t\n") == 1 and r.stdout.count("not logged\n") == 1
    log = (tmp_path / "run.log").read_text()
    assert "logged 1 \n" in log and "not logged" not in log


def test_paths_rmdir_removes_an_empty_directory(tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    r = th("-e", f"print(paths.rmdir({str(d)!r}), paths.dirp({str(d)!r}))\n"
                 f"print(paths.rmdir({str(d)!r}) == nil)")
    assert r.stdout == "true\tfalse\t\ntrue\t\n" and not d.exists()


def test_paths_sys_xlua_are_the_librarys_packages(tmp_path):
    # th's globals paths, sys and xlua are luatorch.paths/sys/xlua; what reads the Lua call
    # stack (paths.thisfile, paths.dofile, sys.fpath) names the calling Lua file
    (tmp_path / "data").mkdir()
    for name in ("b.t7", "a.lua", "c.lua"):
        (tmp_path / "data" / name).write_text("")
    (tmp_path / "helper.lua").write_text("return 'helper ran'\n")
    (tmp_path / "main.lua").write_text(
        "for f in paths.files('data', '%.lua$') do io.write(f, ' ') end\n"
        "io.write('\\n')\n"
        "for f in paths.iterfiles('data') do io.write(f, ' ') end\n"
        "io.write('\\n')\n"
        "print(type(paths.files('data')), paths.mkdir('data'))\n"
        "print(paths.thisfile() == paths.concat('main.lua'), paths.thisfile('x'))\n"
        "print(sys.fpath())\n"
        "print(paths.dofile('helper.lua'))\n"
        "print(sys.COLORS.none == '\\27[0m', xlua.formatTime(61))\n"
        "xlua.progress(4, 4)\n")
    r = th("main.lua", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split("\n")
    here = str(tmp_path.resolve())
    assert lines[:6] == [
        "a.lua c.lua ", "a.lua b.t7 c.lua ",
        "function\tnil\tdata: File exists\t17\t",
        f"true\t{here}/x\t", f"{here}\tmain.lua\t", "helper ran\t"]
    assert lines[6] == "true\t1m1s\t"
    assert lines[7].startswith(" [" + "=" * 45 + ">] ") and lines[7].endswith(" 4/4 ")


def test_translate_without_its_extras_says_what_to_install(monkeypatch, capsys):
    import builtins

    from luatorch import cli

    real_import = builtins.__import__

    def no_tree_sitter(name, *args, **kw):
        if name == "tree_sitter_lua":
            raise ModuleNotFoundError("No module named 'tree_sitter_lua'", name="tree_sitter_lua")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_tree_sitter)
    assert cli.main(["translate", "x.lua"]) == 2
    err = capsys.readouterr().err
    assert "tree_sitter_lua is not installed" in err and "luatorch[translate]" in err
