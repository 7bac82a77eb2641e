"""Pass 5: format the emitted Python with a standard formatter.

ruff's formatter (black's style, written in Rust) formats a 9,000-line translation in well
under a second; black itself needs tens of seconds on this machine, so it is only the fallback
when ruff is not installed.
"""

import shutil
import subprocess
import sys
from pathlib import Path

LINE_LENGTH = 100


def _ruff():
    try:
        from ruff.__main__ import find_ruff_bin

        return find_ruff_bin()
    except Exception:  # noqa: BLE001 - no usable ruff package: look on PATH
        beside = Path(sys.executable).parent / "ruff"
        return str(beside) if beside.exists() else shutil.which("ruff")


def format_code(code):
    ruff = _ruff()
    if ruff:
        r = subprocess.run([ruff, "format", "--isolated", "--line-length", str(LINE_LENGTH), "-"],
                           input=code, capture_output=True, text=True, check=False)
        if r.returncode == 0:
            return r.stdout
        raise RuntimeError(f"translator produced invalid Python ({r.stderr.strip()}):\n{code}")
    import black

    try:
        return black.format_str(code, mode=black.Mode(line_length=LINE_LENGTH))
    except Exception as exc:  # a bug in the emitter: show the unformatted code
        raise RuntimeError(f"translator produced invalid Python ({exc}):\n{code}") from exc
