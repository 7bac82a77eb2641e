"""``luatorch translate FILE_OR_DIR [-o OUT] [--check] [--allow-todo] [--map]``.

* a file: its translation goes to OUT (or stdout); local modules it ``require``s are
  translated next to it;
* a directory: every ``.lua`` file under it, into OUT (default: beside each source);
* no file: Lua from stdin, Python to stdout.

``--check`` runs the Lua original with ``th`` and the translation with Python and compares
their standard output; an error in the translation is shown with the Lua line it came from.
``--map`` also writes ``OUT.map.json`` ({python line: lua line}).
Exit status: 0 done (and outputs agree), 1 outputs differ or a run failed, 2 bad input
(syntax error, missing file), 3 the translation has TODOs (unless ``--allow-todo``),
4 an internal error of the translator (reported with the Lua line).
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import LuaSyntaxError, translate
from .emit import TranslatorError


def _parser():
    p = argparse.ArgumentParser(prog="luatorch translate",
                                description="Translate Lua Torch7 scripts into Python that uses luatorch.")
    p.add_argument("source", nargs="?", help="a .lua file or a directory (default: stdin)")
    p.add_argument("-o", "--output", help="output file (for a file) or directory (for a directory)")
    p.add_argument("--check", action="store_true",
                   help="run the Lua original under th and the translation under Python; compare outputs")
    p.add_argument("--allow-todo", action="store_true",
                   help="exit 0 even when parts could not be translated faithfully")
    p.add_argument("--map", action="store_true", help="also write OUT.map.json (Python line -> Lua line)")
    p.add_argument("--th", default=None, help="the th command for --check (default: th beside this Python)")
    return p


def _report_todos(translation, path, err):
    for line, reason in translation.todos:
        print(f"{path}:{line}: TODO(translate): {reason}", file=err)


_REQUIRE = re.compile(r"""\brequire\s*\(?\s*['"]([\w./]+)['"]""")
_DOFILE = re.compile(r"""\b(dofile|include|paths\.dofile)\s*\(?\s*['"]([\w./-]+)['"]""")


def _local_requires(lua_path, root):
    """Local Lua files a file uses, each as (file, its path under ``root``, translate it?):
    modules it requires (``require 'models.lstm'`` -> models/lstm.lua or models/lstm/init.lua
    under ``root``; th's ``require './x'`` beside the file), and files it runs with ``dofile``
    or torch's ``include`` (run as Lua when the translation runs: copied, not translated)."""
    lua_path, root = Path(lua_path), Path(root)
    text = lua_path.read_text(encoding="utf-8", errors="replace")
    found = []
    for m in _REQUIRE.finditer(text):
        name = m.group(1)
        if name.startswith("./"):
            stem = lua_path.parent / name[2:].removesuffix(".lua")
        else:
            stem = root / Path(*name.split("."))
        for candidate in (stem.with_suffix(".lua"), stem / "init.lua"):
            if candidate.is_file() and candidate.resolve().is_relative_to(root.resolve()):
                found.append((candidate, candidate.relative_to(root), True))
                break
    for m in _DOFILE.finditer(text):
        base = root if m.group(1) == "dofile" else lua_path.parent
        candidate = base / m.group(2)
        if candidate.is_file() and candidate.resolve().is_relative_to(root.resolve()):
            found.append((candidate, candidate.relative_to(root), False))
    return found


def _copy_run_files(lua_path, root, out_base):
    """Copy the Lua files that ``lua_path`` runs with dofile/include next to the translation
    (the translation runs them as Lua, translated when it runs)."""
    for dep, rel, translated in _local_requires(lua_path, root):
        target = Path(out_base) / rel
        if not translated and target.resolve() != dep.resolve():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dep, target)


def _python_path(out_base, rel):
    """Where the translation of the Lua module at ``rel`` goes (a package's init.lua is its
    ``__init__.py``)."""
    if rel.name == "init.lua":
        return out_base / rel.parent / "__init__.py"
    return out_base / rel.with_suffix(".py")


def _translate_file(src, out, args, err, written):
    try:
        tr = translate(Path(src).read_text(encoding="utf-8"), str(src))
    except LuaSyntaxError as exc:
        print(str(exc), file=err)
        return None, 2
    except TranslatorError as exc:
        print(f"{src}: {exc}", file=err)
        return None, 4
    except OSError as exc:
        print(f"luatorch translate: {exc}", file=err)
        return None, 2
    _report_todos(tr, src, err)
    if out is None:
        sys.stdout.write(tr.code)
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(tr.code, encoding="utf-8")
        if args.map:
            Path(str(out) + ".map.json").write_text(json.dumps(
                {"source": str(src), "lines": {str(k): v for k, v in tr.line_map.items()}}))
    written[str(src)] = tr
    return tr, 0


def _find_th(explicit):
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "th"
    if beside.exists():
        return str(beside)
    return shutil.which("th")


def _normalise(text):
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n"))


def _map_traceback(stderr, py_path, translation, lua_path):
    """Point each traceback line in the translated file at its Lua line too."""
    def repl(m):
        lua_line = translation.lua_line(int(m.group(2)))
        suffix = f" (lua: {lua_path}:{lua_line})" if lua_line else ""
        return m.group(0) + suffix
    pattern = re.compile(r'File "(' + re.escape(str(py_path)) + r')", line (\d+)')
    return pattern.sub(repl, stderr)


def _check(lua_path, py_path, translation, args, err):
    th = _find_th(args.th)
    if th is None:
        print("luatorch translate --check: no 'th' command found (pass --th)", file=err)
        return 1
    lua = subprocess.run([th, str(lua_path)], check=False, capture_output=True, text=True, timeout=600)
    py = subprocess.run([sys.executable, str(py_path)], check=False, capture_output=True, text=True, timeout=600)
    if py.returncode != 0:
        print(f"{lua_path}: the translation failed (exit {py.returncode}):", file=err)
        print(_map_traceback(py.stderr, py_path, translation, lua_path).rstrip(), file=err)
    if lua.returncode != 0:
        print(f"{lua_path}: th failed (exit {lua.returncode}):\n{lua.stderr.rstrip()}", file=err)
    a, b = _normalise(lua.stdout), _normalise(py.stdout)
    if a == b and lua.returncode == py.returncode == 0:
        print(f"{lua_path}: outputs agree ({len(a.splitlines())} lines)", file=err)
        return 0
    if a != b:
        la, lb = a.split("\n"), b.split("\n")
        for i in range(max(len(la), len(lb))):
            x = la[i] if i < len(la) else "<end of output>"
            y = lb[i] if i < len(lb) else "<end of output>"
            if x != y:
                print(f"{lua_path}: outputs differ at line {i + 1}\n  th:     {x}\n  python: {y}", file=err)
                break
    return 1


def main(argv=None):
    args = _parser().parse_args(argv)
    err = sys.stderr
    written = {}
    status = 0
    if args.source is None:
        source = sys.stdin.read()
        try:
            tr = translate(source, "<stdin>")
        except LuaSyntaxError as exc:
            print(str(exc), file=err)
            return 2
        except TranslatorError as exc:
            print(f"<stdin>: {exc}", file=err)
            return 4
        _report_todos(tr, "<stdin>", err)
        if args.output:
            Path(args.output).write_text(tr.code, encoding="utf-8")
        else:
            sys.stdout.write(tr.code)
        return 3 if tr.todos and not args.allow_todo else 0
    src = Path(args.source)
    if not src.exists():
        print(f"luatorch translate: {src}: no such file or directory", file=err)
        return 2
    jobs = []   # (lua path, python path or None)
    if src.is_dir():
        out_dir = Path(args.output) if args.output else src
        for f in sorted(src.rglob("*.lua")):
            jobs.append((f, _python_path(out_dir, f.relative_to(src))))
            _copy_run_files(f, src, out_dir)
    else:
        out = Path(args.output) if args.output else None
        if args.check and out is None:
            tmp = tempfile.mkdtemp(prefix="luatorch-translate-")
            out = Path(tmp) / (src.stem + ".py")
        jobs.append((src, out))
        base = out.parent if out is not None else None
        if base is not None:   # the modules it requires, and theirs, beside the translation
            pending = [src]
            while pending:
                lua_file = pending.pop()
                _copy_run_files(lua_file, src.parent, base)
                for dep, rel, translated in _local_requires(lua_file, src.parent):
                    if translated and all(str(dep) != str(j[0]) for j in jobs):
                        jobs.append((dep, _python_path(base, rel)))
                        pending.append(dep)
    done = set()
    for lua_path, py_path in jobs:
        if str(lua_path) in done:
            continue
        done.add(str(lua_path))
        tr, code = _translate_file(lua_path, py_path, args, err, written)
        status = max(status, code)
        if tr is not None and tr.todos and not args.allow_todo:
            status = max(status, 3)
    if args.check and status in (0, 3):
        lua_path, py_path = jobs[0]
        if not src.is_dir() and str(lua_path) in written:
            env_ok = _check(lua_path, py_path, written[str(lua_path)], args, err)
            if env_ok != 0:
                status = 1 if status == 0 else status
    return status
