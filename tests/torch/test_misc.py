"""torch.Timer, tic/toc, thread count, pointer, version, isatty and torch.CmdLine."""

import io
import time

import pytest

from luatorch import torch
from luatorch.torch import misc, printing


# --- Timer --------------------------------------------------------------------------------
def _spin(seconds):
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end:
        x += 1
    return x


def test_timer_counts_from_creation():
    timer = torch.Timer()
    assert torch.type(timer) == "torch.Timer"
    _spin(0.02)
    t = timer.time()
    assert set(t) == {"real", "user", "sys"}
    assert t["real"] >= 0.02


def test_timer_counts_cpu_time():
    timer = torch.Timer()
    start = time.process_time()
    while time.process_time() - start < 0.05:  # burn CPU, however busy the machine is
        pass
    t = timer.time()
    assert t["user"] + t["sys"] >= 0.03  # os.times ticks every 10 ms
    assert t["real"] >= t["user"] - 0.02


def test_timer_stop_resume_reset():
    timer = torch.Timer()
    _spin(0.01)
    assert timer.stop() is timer
    stopped = timer.time()["real"]
    time.sleep(0.02)
    assert timer.time()["real"] == stopped  # a stopped timer does not count
    assert timer.stop().time()["real"] == stopped  # stopping twice changes nothing
    assert timer.resume() is timer
    _spin(0.01)
    assert timer.time()["real"] >= stopped + 0.01
    # reset while stopped: zero and still stopped
    timer.stop().reset()
    assert timer.time() == {"real": 0.0, "user": 0.0, "sys": 0.0}
    time.sleep(0.005)
    assert timer.time()["real"] == 0.0
    # reset while running: restarts from now
    timer.resume().reset()
    assert timer.time()["real"] < 0.5


def test_tic_toc():
    torch.tic()
    _spin(0.01)
    elapsed = torch.toc()
    assert elapsed >= 0.01
    assert torch.toc() >= elapsed


def test_toc_verbose_prints(capsys):
    torch.tic()
    value = torch.toc(True)
    out = capsys.readouterr().out
    assert out == printing.lua_number_str(value) + "\t\n"


# --- threads, pointer, version, isatty -----------------------------------------------------
def test_num_threads_round_trip():
    before = torch.getnumthreads()
    assert isinstance(before, int) and before >= 1
    try:
        torch.setnumthreads(3)
        assert torch.getnumthreads() == 3
        torch.setnumthreads(2.0)
        assert torch.getnumthreads() == 2
        with pytest.raises(ValueError, match="at least 1"):
            torch.setnumthreads(0)
        with pytest.raises(TypeError, match="integer"):
            torch.setnumthreads(1.5)
        assert torch.getnumthreads() == 2
    finally:
        torch.setnumthreads(before)


def test_pointer_identifies_objects():
    a = torch.Tensor(2)
    b = torch.Tensor(2)
    assert torch.pointer(a) == torch.pointer(a)
    assert torch.pointer(a) != torch.pointer(b)
    assert isinstance(torch.pointer({}), int)
    with pytest.raises(TypeError, match="Torch object, table, thread, cdata or function expected"):
        torch.pointer(None)


def test_version_reads_the_version_field():
    class Versioned:
        pass

    obj = Versioned()
    assert torch.version(obj) is None
    setattr(obj, "__version", 2)
    assert torch.version(obj) == 2


def test_isatty():
    assert torch.isatty(io.StringIO()) is False
    assert isinstance(torch.isatty(), bool)


# --- CmdLine ------------------------------------------------------------------------------
def _doc_cmd():
    cmd = torch.CmdLine()
    cmd.text()
    cmd.text()
    cmd.text("Training a simple network")
    cmd.text()
    cmd.text("Options")
    cmd.option("-seed", 123, "initial random seed")
    cmd.option("-booloption", False, "boolean option")
    cmd.option("-stroption", "mystring", "string option")
    cmd.text()
    return cmd


def test_parse_defaults_and_values():
    cmd = _doc_cmd()
    assert cmd.parse([]) == {"seed": 123, "booloption": False, "stroption": "mystring"}
    params = cmd.parse(["-seed", "456", "-stroption", "mycustomstring", "-booloption"])
    assert params == {"seed": 456, "booloption": True, "stroption": "mycustomstring"}
    assert cmd.parse(["-seed", "1e-3"])["seed"] == 0.001
    assert cmd.parse(["-seed", "0x10"])["seed"] == 16


def test_parse_lua_arg_table_with_arguments():
    cmd = torch.CmdLine()
    cmd.argument("-input", "input file")
    cmd.option("-lr", 0.1, "learning rate")
    arg = {0: "train.lua", 1: "data.t7", 2: "-lr", 3: "0.5"}
    assert cmd.parse(arg) == {"input": "data.t7", "lr": 0.5}


def test_help_text(capsys):
    cmd = _doc_cmd()
    cmd.help()
    out = capsys.readouterr().out
    assert out == ("Usage: [options]\n"
                   "\n"
                   "\n"
                   "Training a simple network\n"
                   "\n"
                   "Options\n"
                   "  -seed       initial random seed [123]\n"
                   "  -booloption boolean option [false]\n"
                   "  -stroption  string option [mystring]\n"
                   "\n")


def test_help_flag_prints_usage_with_script_and_exits_zero(capsys):
    cmd = torch.CmdLine()
    cmd.argument("-file", "the input")
    cmd.option("-n", 5, "count")
    with pytest.raises(SystemExit) as exit_info:
        cmd.parse({0: "main.lua", 1: "--help"})
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out == "Usage: main.lua [options] <file>\n  <file> the input\n  -n     count [5]\n"


@pytest.mark.parametrize("argv, message", [
    (["-nope"], "invalid argument: -nope"),
    (["-n"], "missing argument for option -n"),
    (["-n", "abc"], "invalid type for option -n (should be number)"),
    (["x", "y"], "invalid argument: x"),
])
def test_bad_command_lines_exit_with_status_one(capsys, argv, message):
    cmd = torch.CmdLine()
    cmd.option("-n", 5, "count")
    with pytest.raises(SystemExit) as exit_info:
        cmd.parse(argv)
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.err == message
    # print('') under th writes a tab and a newline, before and after the message
    assert captured.out.startswith("\t\n\t\nUsage: [options]\n")


def test_not_enough_arguments(capsys):
    cmd = torch.CmdLine()
    cmd.argument("-file", "the input")
    with pytest.raises(SystemExit):
        cmd.parse([])
    assert capsys.readouterr().err == "not enough arguments"


def test_option_needs_a_default_of_its_type():
    cmd = torch.CmdLine()
    with pytest.raises(ValueError, match="option -x has no default value"):
        cmd.option("-x")
    with pytest.raises(ValueError, match="option -x has wrong default type value"):
        cmd.option("-x", 1, "help", "string")


def test_string_names_non_default_options(capsys):
    cmd = _doc_cmd()
    params = cmd.parse(["-seed", "456", "-stroption", "mycustomstring"])
    params["rundir"] = "x"
    name = cmd.string("experiment", params, {"rundir": True})
    assert name == "experiment,seed=456,stroption=mycustomstring"
    out = capsys.readouterr().out.splitlines()
    assert "-- ignore option rundir\t" in out
    assert "seed\t456\t123\t" in out
    assert cmd.string("experiment", cmd.parse([]), {}) == "experiment"
    params = cmd.parse(["-booloption"])
    assert cmd.string("e", params, {}) == "e,booloption=t"


def test_log_copies_prints_to_file(tmp_path, capsys):
    cmd = _doc_cmd()
    params = cmd.parse(["-seed", "7"])
    path = tmp_path / "log"
    try:
        cmd.log(str(path), params)
        printing.lua_print("hello", 3)
        cmd.silent()
        printing.lua_print("quiet")
    finally:
        for tee in list(printing.print_tees):
            if isinstance(tee, misc._LogTee):
                printing.print_tees.remove(tee)
                tee.file.close()
    out = capsys.readouterr().out
    logged = path.read_text().splitlines()
    assert logged[0].startswith("[program started on ")
    assert logged[1] == "[command line arguments] "
    assert "seed 7 " in logged
    assert logged[-3] == "[----------------------] "
    assert logged[-2:] == ["hello 3 ", "quiet "]
    assert "hello\t3\t\n" in out and "quiet" not in out
