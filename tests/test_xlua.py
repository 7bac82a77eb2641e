"""luatorch.xlua: torch's xlua package (progress bar, formatTime, helpers)."""

import re

import pytest

from luatorch import xlua


@pytest.mark.parametrize("seconds,text", [
    (0, "0ms"), (0.0004, "0ms"), (0.1234, "123ms"), (1.9999, "1s999ms"), (65, "1m5s"),
    (3725.5, "1h2m"), (90000, "1D1h"), (86400 * 2 + 59, "2D59s"), (7200, "2h"),
])
def test_format_time_keeps_the_two_largest_units_floored(seconds, text):
    assert xlua.formatTime(seconds) == text


def fresh_bar(monkeypatch, columns=80):
    bar = xlua._ProgressBar(columns)
    monkeypatch.setattr(xlua, "_bar", bar)
    return bar


def test_progress_draws_xluas_bar(monkeypatch, capsys):
    fresh_bar(monkeypatch)
    xlua.progress(1, 4)
    first = capsys.readouterr().out
    bar_length = 80 - 34
    percent = 1 * bar_length // 4
    expected_bar = " [" + "=" * (percent - 1) + ">" + "." * (bar_length - percent) + "] "
    assert first.startswith(expected_bar)
    rest = first[len(expected_bar):]
    blank = 80 - bar_length - 4
    assert rest.startswith(" " * blank + "\b" * blank)
    tm = " ETA: 0ms | Step: 0ms"
    assert rest[2 * blank:].startswith(tm)
    assert rest.endswith("\b" * (5 + len(tm) + bar_length // 2) + " 1/4 \r")
    assert "\n" not in first


def test_progress_redraws_in_place_and_ends_the_line_when_full(monkeypatch, capsys):
    fresh_bar(monkeypatch)
    for i in range(1, 5):
        xlua.progress(i, 4)
    out = capsys.readouterr().out
    draws = out.split("\r")
    assert out.count("\n") == 1 and out.endswith("\n\r")
    assert " Tot: " in draws[-2] and " 4/4 \n" in draws[-2]
    assert all(" ETA: " in d for d in draws[:-2] if d)
    # the bar is done: the same point again draws nothing new
    xlua.progress(4, 4)
    assert capsys.readouterr().out == "\r"
    # going back starts a new bar
    xlua.progress(1, 4)
    assert capsys.readouterr().out.startswith(" [")


def test_progress_step_time_is_measured(monkeypatch, capsys):
    bar = fresh_bar(monkeypatch)
    clock = iter([100.0, 100.0, 101.0, 102.0])
    monkeypatch.setattr(xlua.time, "perf_counter", lambda: next(clock))
    xlua.progress(1, 3)   # starts at t=100
    xlua.progress(2, 3)   # 1 s after the first: 1 s a step
    xlua.progress(3, 3)   # 2 s over 2 steps
    out = capsys.readouterr().out
    assert "Tot: 2s | Step: 1s" in out and bar.done
    assert re.search(r" 3/3 \n\r$", out)


def test_counter_numbers_are_written_as_lua_writes_them(monkeypatch, capsys):
    fresh_bar(monkeypatch)
    xlua.progress(2.0, 10)
    assert " 2/10 \r" in capsys.readouterr().out


def test_error_is_bold_red_with_its_domain():
    with pytest.raises(RuntimeError) as e:
        xlua.error("bad input", "loader", "usage: f(x)")
    assert str(e.value) == "\x1b[1;31m<loader> bad input\x1b[0m\nusage: f(x)"


def test_envparams_reads_the_environment(monkeypatch):
    monkeypatch.setenv("lr", "0.5")
    monkeypatch.setenv("nesterov", "false")
    monkeypatch.delenv("epochs", raising=False)
    got = xlua.envparams({"lr": 0.1, "nesterov": True, "epochs": 3})
    assert got == {"lr": 0.5, "nesterov": False, "epochs": 3}
