"""The lecture examples (examples/lecture/*.lua): each runs under `th`, and its committed Python
translation runs under Python, and both print the committed expected output.

The expected outputs in tests/lecture/expected/ were read for meaning when they were made
(losses fall, accuracy rises, gradients agree with finite differences); review any change.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "lecture"
EXPECTED = Path(__file__).resolve().parent / "expected"
SCRIPTS = sorted(p.stem for p in EXAMPLES.glob("*.lua"))
TH = Path(sys.executable).with_name("th")
NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?%?$")


def same_output(expected, got, rtol=1e-6):
    """Line by line, token by token; numbers within rtol (BLAS may round the last digit)."""
    exp_lines = [line.split() for line in expected.splitlines() if line.strip()]
    got_lines = [line.split() for line in got.splitlines() if line.strip()]
    if len(exp_lines) != len(got_lines):
        return False
    for e_line, g_line in zip(exp_lines, got_lines):
        if len(e_line) != len(g_line):
            return False
        for e, g in zip(e_line, g_line):
            if e == g:
                continue
            if not (NUMBER.match(e) and NUMBER.match(g)):
                return False
            x, y = float(e.rstrip("%")), float(g.rstrip("%"))
            if abs(x - y) > 1e-9 + rtol * max(abs(x), abs(y)):
                return False
    return True


def run(cmd, cwd):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_every_example_has_an_expected_output():
    assert SCRIPTS, "no lecture examples found"
    for name in SCRIPTS:
        assert (EXPECTED / f"{name}.out").exists(), name


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_under_th(name, tmp_path):
    out = run([str(TH), str(EXAMPLES / f"{name}.lua")], tmp_path)
    expected = (EXPECTED / f"{name}.out").read_text()
    assert same_output(expected, out), f"{name}.lua printed:\n{out}"


def test_logistic_regression_writes_a_loss_curve(tmp_path):
    run([str(TH), str(EXAMPLES / "02_logistic_regression.lua"), "loss.log"], tmp_path)
    png = (tmp_path / "loss.log.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (640, 480)
    log_lines = (tmp_path / "loss.log").read_text().split()
    losses = [float(v) for v in log_lines[1:]]
    assert log_lines[0] == "loss" and len(losses) == 50
    assert losses[-1] < losses[0] / 3  # the loss falls


@pytest.mark.parametrize("name", SCRIPTS)
def test_committed_translation_is_up_to_date(name):
    from translator import translate

    lua = EXAMPLES / f"{name}.lua"
    committed = (EXAMPLES / f"{name}.py").read_text()
    assert translate(lua.read_text(), str(lua)).code == committed, (
        f"examples/lecture/{name}.py is stale: run `luatorch translate {lua.relative_to(REPO)} "
        f"-o examples/lecture/{name}.py`")


@pytest.mark.parametrize("name", SCRIPTS)
def test_translation_under_python(name, tmp_path):
    out = run([sys.executable, str(EXAMPLES / f"{name}.py")], tmp_path)
    expected = (EXPECTED / f"{name}.out").read_text()
    assert same_output(expected, out), f"{name}.py printed:\n{out}"
