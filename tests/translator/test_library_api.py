"""translator/library_api.py: the table of the library's classes that the translator reads
instead of importing the library (tools/library_api.py writes it from the library)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_table_is_current_and_answers_as_the_library():
    # a fresh interpreter: classes that Lua sessions of other tests defined are not the library's
    run = subprocess.run([sys.executable, str(REPO / "tools" / "library_api.py"), "--check"],
                         capture_output=True, text=True, cwd=REPO, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_translating_library_calls_does_not_import_the_library():
    lua = ("require 'nn'\n"
           "local m = nn.Linear(3, 2, true, 'surplus')\n"
           "local x = torch.randn(4, 3)\n"
           "local y = m:forward(x)\n"
           "print(y:size(1), x:nElement())\n"
           "print('lr ' .. 0.5 .. ' steps ' .. 2.0)\n")   # literals formatted without compat
    code = ("import sys\nfrom translator import translate\n"
            f"out = translate({lua!r}).code\n"
            "assert 'nn.Linear(3, 2, True)' in out, out\n"
            "assert 'print(\"lr 0.5 steps 2\")' in out, out\n"
            "print(sorted(m for m in sys.modules if m.startswith(('luatorch', 'numpy', 'lupa'))))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
