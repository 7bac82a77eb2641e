"""How many of the project's Lua scripts translate cleanly, run, and print what `th` prints.

    python tools/translation_census.py [-v] [-k SUBSTRING]

Every Lua script the project has (examples/lecture, tests/lua, tests/programs, and
../shared/conformance when it is there) is translated with its local requires; the Python is
run beside a copy of the script's folder, and its output compared with the script's output
under `th` (conformance: with Torch7's golden output, numbers to 1e-6 as the conformance tool
does). Lines are compared without surrounding whitespace and with source positions masked (a
traceback names the running file); scripts whose output follows `pairs` order are compared
as sorted lines. The tests assert the same per script; this tool gives the tally for notes.
"""
import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LUATORCH_SHARED", REPO.parent / "shared"))
BIN = Path(sys.executable).parent
TIMEOUT = 300

# scripts whose printed lines come in `pairs` order (Torch7's Tester runs a suite in it)
UNORDERED = {"unit_tests"}
# programs run with arguments too (tests/programs/test_programs.py runs them both ways)
EXTRA_RUNS = {"mlp_optim": [["-type", "float"]]}

POSITION = re.compile(r"\S+\.(?:lua|py):\d+")
NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(nan|inf)$", re.IGNORECASE)


def scripts():
    groups = [("examples/lecture", REPO / "examples" / "lecture"), ("tests/lua", REPO / "tests" / "lua"),
              ("tests/programs", REPO / "tests" / "programs")]
    if (SHARED / "conformance").is_dir():
        groups.append(("conformance", SHARED / "conformance"))
    for group, folder in groups:
        for lua in sorted(folder.glob("*.lua")):
            yield group, lua, []
            for extra in EXTRA_RUNS.get(lua.stem, []):
                yield group, lua, extra


def lines(text, stem):
    out = [POSITION.sub("<file>:<line>", " ".join(line.split())) for line in text.splitlines()]
    out = [line for line in out if line]
    return sorted(out) if stem in UNORDERED else out


def same_token(a, b):
    if a == b:
        return True
    if NUMBER.match(a) and NUMBER.match(b):
        x, y = float(a), float(b)
        return (math.isnan(x) and math.isnan(y)) or abs(x - y) <= 1e-9 + 1e-6 * max(abs(x), abs(y))
    return False


def same(expected, got):
    return len(expected) == len(got) and all(
        len(e.split()) == len(g.split()) and all(map(same_token, e.split(), g.split()))
        for e, g in zip(expected, got))


def run(cmd, cwd):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)


def census_one(group, lua, extra, work):
    """'agrees', or why not: 'todo', 'untranslatable', 'fails', 'differs'."""
    folder = work / "src"
    shutil.copytree(lua.parent, folder, ignore=shutil.ignore_patterns("golden", "*.py", "__pycache__"))
    translated = run([BIN / "luatorch", "translate", folder / lua.name, "-o", folder / (lua.stem + ".py")],
                     folder)
    if translated.returncode == 3:
        return "todo", translated.stderr
    if translated.returncode != 0:
        return "untranslatable", translated.stderr
    if group == "conformance":
        expected = (lua.parent / "golden" / (lua.stem + ".out")).read_text()
    else:
        under_th = run([BIN / "th", folder / lua.name, *extra], folder)
        if under_th.returncode != 0:
            return "th fails", under_th.stderr
        expected = under_th.stdout
    got = run([sys.executable, folder / (lua.stem + ".py"), *extra], folder)
    if got.returncode != 0:
        return "fails", got.stderr
    if not same(lines(expected, lua.stem), lines(got.stdout, lua.stem)):
        return "differs", "\n".join(
            f"  th:     {a}\n  python: {b}" for a, b in zip(lines(expected, lua.stem), lines(got.stdout, lua.stem))
            if a != b)
    return "agrees", ""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", action="store_true", help="show why each failing script fails")
    ap.add_argument("-k", default="", help="only scripts whose path contains this")
    args = ap.parse_args(argv)
    tally = {}
    for group, lua, extra in scripts():
        if args.k not in str(lua):
            continue
        with tempfile.TemporaryDirectory(prefix="census-") as tmp:
            verdict, detail = census_one(group, lua, extra, Path(tmp))
        tally.setdefault(group, []).append(verdict)
        label = f"{group}/{lua.name}" + (" " + " ".join(extra) if extra else "")
        print(f"{verdict:15} {label}", flush=True)
        if args.v and detail:
            print("\n".join("    " + line for line in detail.strip().splitlines()[-12:]))
    total = sum(len(v) for v in tally.values())
    agree = sum(v.count("agrees") for v in tally.values())
    for group, verdicts in tally.items():
        print(f"{group}: {verdicts.count('agrees')} of {len(verdicts)} agree")
    print(f"all: {agree} of {total} translate cleanly, run and agree")
    return 0 if agree == total else 1


if __name__ == "__main__":
    sys.exit(main())
