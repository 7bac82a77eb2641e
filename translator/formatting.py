"""Pass 5: format the emitted Python with a standard formatter.

ruff's formatter (black's style, written in Rust) formats a 9,000-line translation in well
under a second; black itself needs tens of seconds on this machine, so it is only the fallback
when ruff is not installed.
"""

import re
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
        raise _invalid(code, r.stderr.strip())
    import black

    try:
        return black.format_str(code, mode=black.Mode(line_length=LINE_LENGTH))
    except Exception as exc:  # a bug in the emitter
        raise _invalid(code, str(exc)) from exc


def _invalid(code, message):
    """The error for emitted Python that does not parse, pointing at the Lua line."""
    from .emit import TranslatorError
    from .linemap import _MARK

    m = re.search(r"(?:at |line )(\d+)", message)
    where = ""
    if m:
        lines = code.split("\n")
        for line in lines[int(m.group(1)) - 1:]:
            mark = _MARK.search(line)
            if mark:
                where = f" (from Lua line {mark.group(1)})"
                break
    return TranslatorError(f"internal error: the translation is not valid Python{where}: {message}")
