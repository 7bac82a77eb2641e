"""The shared conformance scripts, run through ``th``, against Torch7's golden output.

PASSING lists the scripts that pass today; it grows as the library grows. The comparison is the
shared tool's (tokens equal, numbers within a relative 1e-6).
"""

import os
import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(os.environ["LUATORCH_SHARED"])
CONFORMANCE = SHARED / "conformance"
TOOL = SHARED / "tools" / "conformance"

PASSING = [
    "01_logit_regression_slide", "02_logistic_two_class", "03_chain_rule_by_layers",
    "04_mlp_xor", "05_custom_layer", "06_optim_algorithms", "07_tensor_basics",
    "08_rng_streams", "09_serialization", "10_nngraph_lstm", "11_convnet",
    "12_table_containers", "13_criterions", "14_print_formats", "15_rng_extended",
]

pytestmark = pytest.mark.skipif(not TOOL.exists(), reason="the shared conformance folder is absent")


def _compare():
    loader = importlib.machinery.SourceFileLoader("conformance_tool", str(TOOL))
    spec = importlib.util.spec_from_loader("conformance_tool", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module.compare


@pytest.mark.parametrize("name", PASSING)
def test_conformance(name, tmp_path):
    th = Path(sys.executable).parent / "th"
    cmd = [str(th)] if th.exists() else [sys.executable, "-m", "luatorch.cli", "run"]
    run = subprocess.run(cmd + [str(CONFORMANCE / (name + ".lua"))], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    expected = (CONFORMANCE / "golden" / (name + ".out")).read_text()
    diff = _compare()(expected, run.stdout, 1e-6, 1e-9)
    assert diff is None, f"line {diff[0]}: expected {diff[1]!r}, got {diff[2]!r}"
